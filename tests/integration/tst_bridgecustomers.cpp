// What today's WhatsApp brings a shop, through the real engine, the real wa-js and the
// simulator: the account's presence, messages that never decrypt, LID customers, numbers not on
// WhatsApp, votes on the shop's polls and calls. Each test has its own browser profile, as each
// shop PC does.
#include "tests/support/testenv.h"
#include "tests/support/webenginetestmain.h"
#include "tests/support/websession.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

class TestBridgeCustomers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_stub = test::startStub();
        QVERIFY(m_stub);
    }

    void init() { ++m_count; }

    // WhatsApp marks the account online while its page is open, and a linked device that keeps
    // it online silences the owner's phone: by default the agent keeps it unavailable, through
    // pairing, seen, typing and sending; `appear-online = true` lets it show online.
    void accountAppearsOnlineOnlyWhenAsked_data()
    {
        QTest::addColumn<bool>("appearOnline");
        QTest::newRow("default: never online") << false;
        QTest::newRow("appear-online = true") << true;
    }
    void accountAppearsOnlineOnlyWhenAsked()
    {
        QFETCH(bool, appearOnline);
        const qsizetype before = m_stub->simulator().presenceLog().size();
        test::WebSession s(test::simulatorUrl(*m_stub), name());
        s.bridge->setAppearOnline(appearOnline);
        // Shown, as in the desktop's window and on the kiosk: WhatsApp itself then marks the
        // account online.
        QVERIFY(s.pair(*m_stub, true));
        QCOMPARE(s.evaluate(u"document.visibilityState"_s), u"visible"_s);

        const QString chat = u"491701230077@c.us"_s;
        QSignalSpy received(s.bridge.get(), &WhatsAppSession::messageReceived);
        QVERIFY(m_stub->simulator().inject({{u"chatId"_s, chat}, {u"body"_s, u"Anyone there?"_s}}));
        QTRY_VERIFY_WITH_TIMEOUT(!test::messagesIn(received, chat).isEmpty(), 10000);
        QSignalSpy finished(s.bridge.get(), &WhatsAppSession::sendFinished);
        s.bridge->markSeen(chat);
        s.bridge->setTyping(chat, true);
        s.bridge->sendText({u"r-presence"_s, chat, u"Yes, we are."_s, newWhatsAppMessageId()});
        QVERIFY(finished.wait(10000));
        QVERIFY(QTest::qWaitFor([&] { return m_stub->simulator().activityIn(chat).size() >= 2; },
                                10000));

        // What the page told WhatsApp's servers of the account's presence, since it opened.
        QVERIFY(QTest::qWaitFor([&] { return m_stub->simulator().presenceLog().size() > before; },
                                10000));
        const QJsonArray log = m_stub->simulator().presenceLog();
        QList<bool> sent;
        for (qsizetype i = before; i < log.size(); ++i)
            sent.append(log.at(i).toObject().value(u"available"_s).toBool());
        QCOMPARE(sent.contains(true), appearOnline);
        QCOMPARE(sent.last(), appearOnline);
        QCOMPARE(s.evaluate(u"String(require('WAWebStreamModel').Stream.available)"_s),
                 appearOnline ? u"true"_s : u"false"_s);
    }

    // The setting follows at once (the settings window saves it), without a reload.
    void appearOnlineChangesWhileRunning()
    {
        const qsizetype before = m_stub->simulator().presenceLog().size();
        test::WebSession s(test::simulatorUrl(*m_stub), name());
        QVERIFY(s.pair(*m_stub, true));
        s.bridge->setAppearOnline(true);
        QVERIFY(QTest::qWaitFor(
            [&] {
                const QJsonArray log = m_stub->simulator().presenceLog();
                return log.size() > before && log.last().toObject().value(u"available"_s).toBool();
            },
            10000));
        s.bridge->setAppearOnline(false);
        QVERIFY(QTest::qWaitFor(
            [&] {
                return !m_stub->simulator()
                            .presenceLog()
                            .last()
                            .toObject()
                            .value(u"available"_s)
                            .toBool();
            },
            10000));
    }

    // A customer's message that stays "waiting for this message" is relayed once as
    // `unavailable` (why in its body), so the cloud can ask again; one that decrypts in time is
    // relayed as itself only; one that decrypts late follows under its own id.
    void undecryptedMessagesAreRelayedAsUnavailable()
    {
        test::WebSession s(test::simulatorUrl(*m_stub), name());
        s.bridge->setUnavailableAfter(std::chrono::milliseconds(1500));
        QSignalSpy received(s.bridge.get(), &WhatsAppSession::messageReceived);
        QVERIFY(s.pair(*m_stub));
        const QString viewOnce = u"491701230081@c.us"_s;
        const QString inTime = u"491701230082@c.us"_s;
        const QString late = u"491701230083@c.us"_s;
        const auto placeholder =
            m_stub->simulator().inject({{u"chatId"_s, viewOnce},
                                        {u"body"_s, u"(a view-once photo)"_s},
                                        {u"placeholder"_s, u"view_once_unavailable_fanout"_s}});
        QVERIFY(placeholder);
        QVERIFY(m_stub->simulator().inject({{u"chatId"_s, inTime},
                                            {u"body"_s, u"Decrypted at once"_s},
                                            {u"ciphertextFirst"_s, true},
                                            {u"decryptAfterMs"_s, 200}}));
        const auto lateOne = m_stub->simulator().inject({{u"chatId"_s, late},
                                                         {u"body"_s, u"Decrypted late"_s},
                                                         {u"ciphertextFirst"_s, true},
                                                         {u"decryptAfterMs"_s, 4000}});
        QVERIFY(lateOne);

        const auto in = [&](const QString &chatId) {
            return test::messagesIn(received, chatId);
        };
        QTRY_COMPARE_WITH_TIMEOUT(in(late).size(), 2, 15000);
        QTest::qWait(2000); // nothing more comes: each is relayed once

        const QList<InboundMessage> gone = in(viewOnce);
        QCOMPARE(gone.size(), 1);
        QCOMPARE(gone[0].type, u"unavailable"_s);
        QCOMPARE(gone[0].body, u"view-once"_s);
        QCOMPARE(gone[0].quotedId, placeholder.value()[u"id"_s].toString());
        QVERIFY(gone[0].id.endsWith(u":unavailable"_s));
        QCOMPARE(gone[0].phone, u"+491701230081"_s);
        QVERIFY(isRelayedType(gone[0].type));

        QCOMPARE(in(inTime).size(), 1);
        QCOMPARE(in(inTime)[0].type, u"chat"_s);
        QCOMPARE(in(inTime)[0].body, u"Decrypted at once"_s);

        const QList<InboundMessage> lateMessages = in(late);
        QCOMPARE(lateMessages[0].type, u"unavailable"_s);
        QCOMPARE(lateMessages[0].body, u"not-decrypted"_s);
        QCOMPARE(lateMessages[1].type, u"chat"_s);
        QCOMPARE(lateMessages[1].body, u"Decrypted late"_s);
        QVERIFY(lateMessages[1].id != lateMessages[0].id);
        QCOMPARE(lateMessages[0].quotedId, lateOne.value()[u"id"_s].toString());
    }

    // Most one-to-one chats are LID chats: a message carries the chat as WhatsApp addresses it
    // and, where WhatsApp told the page, the number behind a LID (and the LID behind a
    // number), for a group's member too.
    void customersCarryTheirNumberAndLid()
    {
        test::WebSession s(test::simulatorUrl(*m_stub), name());
        QSignalSpy received(s.bridge.get(), &WhatsAppSession::messageReceived);
        QVERIFY(s.pair(*m_stub));
        QString chat;
        const auto write = [&](const QJsonObject &message) {
            chat = message[u"chatId"_s].toString();
            const qsizetype before = test::messagesIn(received, chat).size();
            QVERIFY(m_stub->simulator().inject(message));
            QVERIFY(QTest::qWaitFor(
                [&] { return test::messagesIn(received, chat).size() > before; }, 10000));
        };
        const auto last = [&] {
            return test::messagesIn(received, chat).last();
        };

        write({{u"chatId"_s, u"771234500001@lid"_s},
               {u"phone"_s, u"491701230101@c.us"_s},
               {u"body"_s, u"LID, number known"_s}});
        QCOMPARE(last().chatId, u"771234500001@lid"_s);
        QCOMPARE(last().lid, u"771234500001@lid"_s);
        QCOMPARE(last().phone, u"+491701230101"_s);

        write({{u"chatId"_s, u"771234500002@lid"_s}, {u"body"_s, u"LID, number unknown"_s}});
        QCOMPARE(last().lid, u"771234500002@lid"_s);
        QCOMPARE(last().phone, QString());

        // The same person in their phone-number chat: the LID WhatsApp told is known.
        write({{u"chatId"_s, u"491701230101@c.us"_s}, {u"body"_s, u"number chat"_s}});
        QCOMPARE(last().phone, u"+491701230101"_s);
        QCOMPARE(last().lid, u"771234500001@lid"_s);
    }

    // A job for a number that is not on WhatsApp fails for good ("No LID for user"), so that it
    // is never retried; a number that is on WhatsApp still gets its message.
    void aNumberNotOnWhatsAppIsRefusedForGood()
    {
        test::WebSession s(test::simulatorUrl(*m_stub), name());
        QVERIFY(s.pair(*m_stub));
        QVERIFY(m_stub->simulator().unregister(u"491709990001@c.us"_s));
        QSignalSpy finished(s.bridge.get(), &WhatsAppSession::sendFinished);
        s.bridge->sendText(
            {u"j-nobody"_s, u"491709990001@c.us"_s, u"Hello?"_s, newWhatsAppMessageId()});
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.at(0).at(1).toBool(), false);
        QVERIFY2(finished.at(0).at(2).toString().contains(u"not on WhatsApp"_s),
                 qPrintable(finished.at(0).at(2).toString()));
        QCOMPARE(finished.at(0).at(3).toBool(), true);

        s.bridge->sendText(
            {u"j-somebody"_s, u"491709990002@c.us"_s, u"Hello!"_s, newWhatsAppMessageId()});
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.at(1).at(1).toBool(), true);
    }

    // Votes on the shop's polls come back as table updates, not messages: each reaches the
    // agent as a `poll_vote` naming the poll and the options chosen; a changed vote is another
    // one, later; a vote for a poll the shop never sent is refused.
    void pollVotesAreRelayed()
    {
        test::WebSession s(test::simulatorUrl(*m_stub), name());
        QSignalSpy received(s.bridge.get(), &WhatsAppSession::messageReceived);
        QVERIFY(s.pair(*m_stub));
        const QString chat = u"491701230121@c.us"_s;
        const auto poll = m_stub->simulator().poll(
            {{u"chatId"_s, chat},
             {u"name"_s, u"Which time suits you?"_s},
             {u"options"_s, QJsonArray{u"18:00"_s, u"19:00"_s, u"20:00"_s}}});
        QVERIFY(poll);
        const QString pollId = poll.value()[u"id"_s].toString();
        QTest::qWait(500); // the shop's poll reaches the page first
        QVERIFY(!m_stub->simulator().vote(
            {{u"pollId"_s, u"3EB0NOSUCHPOLL"_s}, {u"options"_s, QJsonArray{0}}}));

        const auto votes = [&] {
            QList<InboundMessage> out;
            for (const auto &args : std::as_const(received)) {
                if (const auto m = args.at(0).value<InboundMessage>();
                    m.type == u"poll_vote"_s && m.chatId == chat)
                    out.append(m);
            }
            return out;
        };
        QVERIFY(m_stub->simulator().vote({{u"pollId"_s, pollId}, {u"options"_s, QJsonArray{1}}}));
        QTRY_COMPARE_WITH_TIMEOUT(votes().size(), 1, 10000);
        QTest::qWait(1100); // a vote changed a moment later
        QVERIFY(
            m_stub->simulator().vote({{u"pollId"_s, pollId}, {u"options"_s, QJsonArray{0, 2}}}));
        QTRY_COMPARE_WITH_TIMEOUT(votes().size(), 2, 10000);

        const QList<InboundMessage> v = votes();
        QCOMPARE(v[0].chatId, chat);
        QCOMPARE(v[0].quotedId, pollId);
        QCOMPARE(v[0].body, u"19:00"_s);
        QCOMPARE(v[1].body, u"18:00\n20:00"_s);
        QCOMPARE(v[1].quotedId, pollId);
        QVERIFY(v[1].id != v[0].id);
        QVERIFY(v[1].timestamp >= v[0].timestamp); // the latest wins
        QCOMPARE(v[0].phone, u"+491701230121"_s);
        QVERIFY(isRelayedType(u"poll_vote"_s));
    }

    // A customer's call reaches the agent as a message of type `call` from the caller's chat
    // (body voice or video); the page declines it when told to, else it keeps ringing.
    void callsAreRelayedAndDeclinedWhenAsked_data()
    {
        QTest::addColumn<bool>("reject");
        QTest::addColumn<bool>("video");
        QTest::newRow("ignore: the owner may pick up") << false << false;
        QTest::newRow("reject") << true << true;
    }
    void callsAreRelayedAndDeclinedWhenAsked()
    {
        QFETCH(bool, reject);
        QFETCH(bool, video);
        test::WebSession s(test::simulatorUrl(*m_stub), name());
        s.bridge->setRejectCalls(reject);
        QSignalSpy received(s.bridge.get(), &WhatsAppSession::messageReceived);
        QVERIFY(s.pair(*m_stub));
        const QString caller = u"491701230091@c.us"_s;
        // Bad input first: a call without a caller is refused by the simulator's phone network.
        QVERIFY(!m_stub->simulator().call({{u"from"_s, u"nobody"_s}}));
        const auto call = m_stub->simulator().call({{u"from"_s, caller}, {u"video"_s, video}});
        QVERIFY(call);
        const QString callId = call.value()[u"id"_s].toString();
        QTRY_COMPARE_WITH_TIMEOUT(test::messagesIn(received, caller).size(), 1, 10000);
        const auto message = test::messagesIn(received, caller).at(0);
        QCOMPARE(message.type, u"call"_s);
        QCOMPARE(message.chatId, caller);
        QCOMPARE(message.body, video ? u"video"_s : u"voice"_s);
        QCOMPARE(message.phone, u"+491701230091"_s);
        QVERIFY(message.id.contains(callId));
        QVERIFY(isRelayedType(message.type));
        const QString expected = reject ? u"rejected"_s : u"ringing"_s;
        QTRY_COMPARE_WITH_TIMEOUT(m_stub->simulator().callState(callId)[u"state"_s].toString(),
                                  expected, 10000);
        QTest::qWait(500);
        QCOMPARE(m_stub->simulator().callState(callId)[u"state"_s].toString(), expected);
        QCOMPARE(test::messagesIn(received, caller).size(), 1); // once
    }

private:
    QString name() const { return u"customers-%1"_s.arg(m_count); }

    std::unique_ptr<stub::StubServer> m_stub;
    int m_count = 0;
};

SAK_WEBENGINE_TEST_MAIN(TestBridgeCustomers, QGuiApplication, true)
#include "tst_bridgecustomers.moc"
