#include "agent/base/clock.h"
#include "agent/cloud/cloudclient.h"
#include "agent/delivery/relaypipeline.h"
#include "agent/store/store.h"
#include "tests/support/fakesession.h"
#include "tests/support/testenv.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

// The delivery pipeline over a real encrypted store and the stub's real cloud (HTTPS on
// loopback), with an in-memory WhatsApp session playing the page. One executable for all the
// stages: they are driven through their coordinator, because what these cases check (nothing
// lost, nothing sent twice, order per chat) is a property of the stages together.
class TestRelayPipeline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_stub = test::startStub();
        QVERIFY(m_stub);
    }

    void init()
    {
        QVERIFY(m_dir.isValid());
        auto store = Store::open(
            {m_dir.filePath(u"round-%1.db"_s.arg(++m_round)), QByteArray(Store::kKeySize, 'k')});
        QVERIFY2(store, store ? "" : qPrintable(store.error().message));
        m_store = std::move(store).value();
        m_session = std::make_unique<test::FakeSession>();
        m_cloud = std::make_unique<CloudClient>();
        QVERIFY(m_cloud->configure(cloudOptions(m_stub->httpsPort())));
        m_cloud->setCredentials(test::pairDevice(*m_stub, tenant()));
        m_pipeline = std::make_unique<RelayPipeline>(m_session.get(), m_cloud.get(), m_store.get(),
                                                     &m_clock);
        m_pipeline->setPacing(PacingPolicy::unpaced());
        m_pipeline->setRetryPolicy(
            {std::chrono::milliseconds(5), std::chrono::milliseconds(20), 3});
        m_pipeline->setSendRetryPolicy(
            {std::chrono::milliseconds(5), std::chrono::milliseconds(20), 3});
    }

    void cleanup()
    {
        m_stub->setFaults({});
        m_pipeline.reset();
        m_cloud.reset();
        m_session.reset();
        m_store.reset();
    }

    // The send log keeps what the caps need (they look back a day), not every send for ever.
    void oldSendsAreForgotten()
    {
        const qint64 now = m_clock.nowMs();
        const qint64 day = 24 * 3600 * 1000;
        QVERIFY(m_store->logSend(u"491701234567@c.us"_s, outbox::kJob, now - 3 * day));
        QVERIFY(m_store->logSend(u"491701234567@c.us"_s, outbox::kJob, now - day - 3600 * 1000));
        QVERIFY(m_store->logSend(u"491701234567@c.us"_s, outbox::kJob, now - 3600 * 1000));
        start(SessionState::Connected);
        QCOMPARE(m_store->sendsSince(0).value(), 2);
        QCOMPARE(m_store->sendsSince(now - day).value(), 1);
    }

    void customerMessageIsJournaledAnsweredAndSent()
    {
        start(SessionState::Connected);
        QSignalSpy relayed(m_pipeline.get(), &RelayPipeline::inboundRelayed);
        m_session->receive(
            test::customerMessage(u"A1"_s, u"491701234567@c.us"_s, u"how much is a latte?"_s));
        // Journaled at the end of the event loop's turn (with the rest of its burst), before
        // anything else happens to it.
        QCOMPARE(m_store->journalSize().value(), 0);
        QTRY_COMPARE(m_store->journalSize().value(), 1);
        QTRY_COMPARE(relayed.size(), 1);
        QTRY_COMPARE(m_session->sent.size(), 1);
        const OutboundText text = m_session->sent.at(0);
        QCOMPARE(text.body, u"Latte costs 3.40 EUR."_s);
        QVERIFY(text.waMessageId.startsWith(u"3EB0"_s));
        // The page's server ack makes it "sent"; the cloud hears queued, sending and sent.
        QTRY_COMPARE(stateOf(text.clientId), outbox::kSent);
        // Reports go out in parallel and may arrive in any order; each arrives once.
        QTRY_COMPARE(sorted(reportedStates(text.clientId)),
                     QStringList({outbox::kQueued, outbox::kSending, outbox::kSent}));
        QTRY_COMPARE(m_store->pendingStatusReports(10).value().size(), 0);
    }

    // A message that never became readable reaches the cloud as `unavailable`, and the cloud's
    // request to send it again goes back to the customer.
    void unavailableMessageIsRelayedAndAnswered()
    {
        start(SessionState::Connected);
        auto message = test::customerMessage(u"false_491701234567@c.us_U1:unavailable"_s,
                                             u"491701234567@c.us"_s, u"view-once"_s);
        message.type = u"unavailable"_s;
        message.quotedId = u"U1"_s;
        m_session->receive(message);
        QTRY_COMPARE(m_session->sent.size(), 1);
        QCOMPARE(m_session->sent.at(0).body,
                 u"We cannot open view-once photos here; could you send it as a normal photo?"_s);
    }

    // A declined call is relayed, and with a call reply set the caller gets it once, however
    // often the page reports the call; without one the agent says nothing of its own.
    void declinedCallIsAnsweredOnce_data()
    {
        QTest::addColumn<QString>("reply");
        QTest::newRow("reject-and-reply") << u"Sorry, no calls here; please write us."_s;
        QTest::newRow("reject") << QString();
    }
    void declinedCallIsAnsweredOnce()
    {
        QFETCH(QString, reply);
        m_pipeline->setCallReply(reply);
        start(SessionState::Connected);
        QSignalSpy relayed(m_pipeline.get(), &RelayPipeline::inboundRelayed);
        auto call = test::customerMessage(u"call_491701234567@c.us_C1"_s, u"491701234567@c.us"_s,
                                          u"voice"_s);
        call.type = u"call"_s;
        m_session->receive(call);
        m_session->receive(call);
        QVERIFY(relayed.wait(10000));
        QTest::qWait(500);
        QCOMPARE(relayed.size(), 1);
        if (reply.isEmpty()) {
            QCOMPARE(m_session->sent.size(), 0);
            return;
        }
        QTRY_COMPARE(m_session->sent.size(), 1);
        QCOMPARE(m_session->sent.at(0).body, reply);
        QCOMPARE(m_session->sent.at(0).chatId, u"491701234567@c.us"_s);
        QTRY_COMPARE(stateOf(m_session->sent.at(0).clientId), outbox::kSent);
    }

    // Who wrote, as WhatsApp knows them, goes through the journal to the cloud; the reply goes to
    // the chat the message came from.
    void customerIdentityReachesTheCloud()
    {
        start(SessionState::Connected);
        auto message = test::customerMessage(u"false_771234500009@lid_ID1"_s, u"771234500009@lid"_s,
                                             u"how much is a latte?"_s);
        message.phone = u"+491701230109"_s;
        message.lid = u"771234500009@lid"_s;
        m_session->receive(message);
        QTRY_COMPARE(m_session->sent.size(), 1);
        QCOMPARE(m_session->sent.at(0).chatId, u"771234500009@lid"_s);
        const auto inbound = m_stub->cloud().inbound(tenant());
        const auto it = std::find_if(inbound.cbegin(), inbound.cend(),
                                     [&](const auto &r) { return r.message.id == message.id; });
        QVERIFY(it != inbound.cend());
        QCOMPARE(it->message.phone, u"+491701230109"_s);
        QCOMPARE(it->message.lid, u"771234500009@lid"_s);
    }

    // The page says retrying cannot help (the number is not on WhatsApp): the item fails at
    // once with that reason, after one attempt.
    void finalSendFailureIsNotRetried()
    {
        m_session->autoConfirm = false;
        start(SessionState::Connected);
        cloud::OutboundJob job;
        job.clientId = u"j-final"_s;
        job.chatId = u"491709990001@c.us"_s;
        job.text = u"Our new beans are in"_s;
        QVERIFY(m_pipeline->enqueueJob(job));
        QTRY_COMPARE(m_session->sent.size(), 1);
        m_session->finish(m_session->sent.at(0).waMessageId, false,
                          u"the number is not on WhatsApp (No LID for user)"_s, true);
        QTRY_COMPARE(stateOf(u"j-final"_s), outbox::kFailed);
        QTest::qWait(300);
        QCOMPARE(m_session->sent.size(), 1);
        QCOMPARE(m_pipeline->metrics().sendsGivenUp, quint64(1));
    }

    void duplicatesAndNonPersonChatsAreNotRelayed()
    {
        start(SessionState::Connected);
        QSignalSpy relayed(m_pipeline.get(), &RelayPipeline::inboundRelayed);
        const auto message = test::customerMessage(u"D1"_s, u"491701234567@c.us"_s, u"hi"_s);
        m_session->receive(message);
        m_session->receive(message); // a second capture (e.g. after decryption)
        m_session->receive(test::customerMessage(u"G1"_s, u"120363000000@g.us"_s, u"group"_s));
        QVERIFY(relayed.wait(10000));
        QTest::qWait(200);
        QCOMPARE(relayed.size(), 1);
        QCOMPARE(m_store->journalSize().value(), 1);
    }

    // Groups are ignored unless allowed; an allowed group's message reaches the cloud with
    // the member who wrote it, and the answer goes to the group. Statuses and channels never.
    void onlyAllowedGroupsAreRelayed()
    {
        m_pipeline->setAllowedGroups({u"120363000001@g.us"_s});
        start(SessionState::Connected);
        QSignalSpy relayed(m_pipeline.get(), &RelayPipeline::inboundRelayed);
        auto allowed = test::customerMessage(u"GA"_s, u"120363000001@g.us"_s, u"latte?"_s);
        allowed.author = u"491701234567@c.us"_s;
        auto other = test::customerMessage(u"GO"_s, u"120363000002@g.us"_s, u"latte?"_s);
        other.author = u"491701234567@c.us"_s;
        m_session->receive(other);
        m_session->receive(test::customerMessage(u"ST"_s, u"status@broadcast"_s, u"menu"_s));
        m_session->receive(test::customerMessage(u"NL"_s, u"1203630000@newsletter"_s, u"news"_s));
        m_session->receive(allowed);
        QVERIFY(relayed.wait(10000));
        QTest::qWait(300);
        QCOMPARE(relayed.size(), 1);
        QCOMPARE(relayed.at(0).at(0).toString(), allowed.id);
        const auto inbound = m_stub->cloud().inbound(tenant());
        QCOMPARE(inbound.size(), 1);
        QCOMPARE(inbound.at(0).message.author, u"491701234567@c.us"_s);
        QTRY_COMPARE(m_session->sent.size(), 1);
        QCOMPARE(m_session->sent.at(0).chatId, u"120363000001@g.us"_s);
    }

    // A photo reaches the cloud with its bytes and is answered; the journal lets go of the
    // bytes once the cloud has them. Reactions reach it too, and get no answer.
    void mediaReachesTheCloudWithItsBytes()
    {
        start(SessionState::Connected);
        QSignalSpy relayed(m_pipeline.get(), &RelayPipeline::inboundRelayed);
        auto photo = test::customerMessage(u"PH1"_s, u"491701234567@c.us"_s, u"this cake?"_s);
        photo.type = u"image"_s;
        photo.mimetype = u"image/jpeg"_s;
        photo.filename = u"cake.jpg"_s;
        photo.media = QByteArray(40000, '\x7f');
        photo.mediaSize = photo.media.size();
        auto reaction = test::customerMessage(u"RE1"_s, u"491701234567@c.us"_s, u"👍"_s);
        reaction.type = u"reaction"_s;
        reaction.quotedId = u"3EB0AA"_s;
        m_session->receive(photo);
        m_session->receive(reaction);
        QTRY_COMPARE_WITH_TIMEOUT(relayed.size(), 2, 10000);
        const auto inbound = m_stub->cloud().inbound(tenant());
        QCOMPARE(inbound.size(), 2);
        QCOMPARE(inbound.at(0).message.media, photo.media);
        QCOMPARE(inbound.at(0).message.filename, u"cake.jpg"_s);
        QCOMPARE(inbound.at(1).message.quotedId, u"3EB0AA"_s);
        QTRY_COMPARE(m_session->sent.size(), 1); // the photo is answered, the reaction not
        QVERIFY(m_session->sent.at(0).body.contains(u"photo"_s));
        QCOMPARE(relayed.at(1).at(1).toInt(), 0);
        const auto journal = m_store->dueInbound(std::numeric_limits<qint64>::max(), 10);
        QVERIFY(journal && journal.value().isEmpty());
    }

    // The page cannot send (WhatsApp Web changed): replies wait, the problem is reported, and
    // they go once the page is back in shape and connects again.
    void repliesWaitWhileThePageCannotSend()
    {
        m_session->cannotSend = u"WhatsApp Web 2.3000.9 changed: sending is unavailable"_s;
        start(SessionState::Connected);
        QSignalSpy relayed(m_pipeline.get(), &RelayPipeline::inboundRelayed);
        m_session->receive(test::customerMessage(u"CS1"_s, u"491701234567@c.us"_s, u"hi"_s));
        QVERIFY(relayed.wait(10000));
        QTRY_COMPARE(m_pipeline->sendingProblem(), m_session->cannotSend);
        QTest::qWait(300);
        QCOMPARE(m_session->sent.size(), 0);
        m_session->cannotSend.clear();
        m_session->setState(SessionState::Starting);  // the page reloads...
        m_session->setState(SessionState::Connected); // ...and works
        QTRY_COMPARE(m_session->sent.size(), 1);
        QCOMPARE(m_pipeline->sendingProblem(), QString());
    }

    // Replies wait in the outbox while WhatsApp is not connected, and go when it is.
    void repliesWaitUntilWhatsAppIsConnected()
    {
        start(SessionState::Connected);
        m_session->setState(SessionState::Connecting); // the connection drops, the page stays
        QSignalSpy relayed(m_pipeline.get(), &RelayPipeline::inboundRelayed);
        m_session->receive(test::customerMessage(u"W1"_s, u"491701234567@c.us"_s, u"hello"_s));
        QVERIFY(relayed.wait(10000));
        QTest::qWait(100);
        QCOMPARE(m_session->sent.size(), 0);
        QCOMPARE(m_store->backlog().value().outboundQueued, 1);
        m_session->setState(SessionState::Connected);
        QTRY_COMPARE(m_session->sent.size(), 1);
        QTRY_COMPARE(m_store->backlog().value().outboundQueued, 0);
    }

    // A new page hands over a message as new that is younger than one only its catch-up
    // finds (that one reached the last page, not the journal): the older goes to the cloud
    // first all the same.
    void aNewPageKeepsChatOrderWithItsCatchUp()
    {
        auto older = test::customerMessage(u"O1"_s, u"491701234567@c.us"_s, u"first"_s);
        older.timestamp -= 5;
        m_session->held.append(older);
        start(SessionState::Starting);
        QSignalSpy relayed(m_pipeline.get(), &RelayPipeline::inboundRelayed);
        m_session->setState(SessionState::Connecting);
        m_session->receive(test::customerMessage(u"N1"_s, u"491701234567@c.us"_s, u"second"_s));
        QTest::qWait(300);
        QCOMPARE(relayed.size(), 0); // held until the catch-up
        m_session->setState(SessionState::Connected);
        QTRY_COMPARE_WITH_TIMEOUT(relayed.size(), 2, 10000);
        QCOMPARE(relayed.at(0).at(0).toString(), older.id);
        const auto inbound = m_stub->cloud().inbound(tenant());
        QCOMPARE(inbound.size(), 2);
        QCOMPARE(inbound.at(0).message.body, u"first"_s);
    }

    // Within a chat, the next message waits until WhatsApp took the previous one; replies go
    // before broadcasts.
    void orderPerChatAndRepliesFirst()
    {
        start(SessionState::Connected);
        m_session->autoAck = false;
        m_pipeline->setPaused(true);
        QVERIFY(m_pipeline->enqueueJob({u"b-1"_s, u"491700000001@c.us"_s, u"first"_s, 0, 0, 0}));
        QVERIFY(m_pipeline->enqueueJob({u"b-2"_s, u"491700000001@c.us"_s, u"second"_s, 0, 0, 0}));
        QVERIFY(m_pipeline->enqueueJob({u"b-3"_s, u"491700000002@c.us"_s, u"other"_s, 0, 0, 0}));
        QSignalSpy relayed(m_pipeline.get(), &RelayPipeline::inboundRelayed);
        m_session->receive(test::customerMessage(u"R1"_s, u"491700000003@c.us"_s, u"hours?"_s));
        QVERIFY(relayed.wait(10000));
        m_pipeline->setPaused(false);
        // The reply first, then each chat's head (unpaced, different chats overlap); b-2
        // waits for b-1's ack.
        QTRY_COMPARE(m_session->sent.size(), 3);
        QCOMPARE(m_session->sent.at(0).chatId, u"491700000003@c.us"_s);
        QCOMPARE(m_session->sent.at(1).clientId, u"b-1"_s);
        QCOMPARE(m_session->sent.at(2).clientId, u"b-3"_s);
        QTest::qWait(100);
        QCOMPARE(m_session->sent.size(), 3);
        m_session->ack(m_session->sent.at(1).waMessageId, int(Ack::Server));
        QTRY_COMPARE(m_session->sent.size(), 4);
        QCOMPARE(m_session->sent.at(3).clientId, u"b-2"_s);
    }

    // A failing send is retried under the same WhatsApp id, then fails with its reason; it
    // does not hold up other chats.
    void failingSendsAreRetriedThenFail()
    {
        start(SessionState::Connected);
        m_session->autoConfirm = false;
        QVERIFY(m_pipeline->enqueueJob({u"f-1"_s, u"491700000001@c.us"_s, u"x"_s, 0, 0, 0}));
        for (int attempt = 1; attempt <= 3; ++attempt) {
            QTRY_COMPARE(m_session->sent.size(), attempt);
            m_session->finish(m_session->sent.last().waMessageId, false, u"chat not found"_s);
        }
        QTRY_COMPARE(stateOf(u"f-1"_s), outbox::kFailed);
        QCOMPARE(m_session->sent.at(0).waMessageId, m_session->sent.at(2).waMessageId);
        QTRY_VERIFY(reportedStates(u"f-1"_s).contains(outbox::kFailed));
        QCOMPARE(m_store->outboundItem(u"f-1"_s).value()->lastError, u"chat not found"_s);
        // The operator retries it: it goes again.
        m_session->autoConfirm = true;
        QVERIFY(m_pipeline->retry(u"f-1"_s));
        QTRY_COMPARE(stateOf(u"f-1"_s), outbox::kSent);
    }

    void acksMoveItemsForwardOnly()
    {
        start(SessionState::Connected);
        QVERIFY(m_pipeline->enqueueJob({u"a-1"_s, u"491700000001@c.us"_s, u"x"_s, 0, 0, 0}));
        QTRY_COMPARE(stateOf(u"a-1"_s), outbox::kSent);
        const QString id = m_session->sent.at(0).waMessageId;
        m_session->ack(id, int(Ack::Read));
        QTRY_COMPARE(stateOf(u"a-1"_s), outbox::kRead);
        m_session->ack(id, int(Ack::Device)); // late, out of order
        QTest::qWait(50);
        QCOMPARE(stateOf(u"a-1"_s), outbox::kRead);
    }

    // The cloud down: messages wait in the journal (the backlog shows them) and go, in order,
    // when it is back; a chat the cloud keeps refusing becomes a dead letter and does not hold
    // up the others.
    void outageThenRecoveryKeepsOrder()
    {
        start(SessionState::Connected);
        m_stub->setFaults({503, 0, 0, 1.0, 0, {}});
        for (int i = 0; i < 4; ++i)
            m_session->receive(test::customerMessage(u"O%1"_s.arg(i), u"491700000009@c.us"_s,
                                                     u"latte %1?"_s.arg(i)));
        QTRY_VERIFY(m_store->backlog().value().inboundPending == 4);
        QTest::qWait(300); // several failed attempts
        QCOMPARE(m_stub->cloud().inbound(tenant()).size(), 0);
        m_stub->setFaults({});
        QTRY_COMPARE_WITH_TIMEOUT(m_stub->cloud().inbound(tenant()).size(), 4, 10000);
        for (int i = 0; i < 4; ++i)
            QCOMPARE(m_stub->cloud().inbound(tenant()).at(i).message.id,
                     test::customerMessage(u"O%1"_s.arg(i), u"491700000009@c.us"_s, {}).id);
        QTRY_COMPARE(m_session->sent.size(), 4);
    }

    // Answers of many chats come while other requests are out and are written together; with
    // some of the requests failing among them, every message is still answered exactly once.
    void answersOfManyChatsAtOnceAreQueuedOnceEach()
    {
        start(SessionState::Connected);
        m_stub->setFaults({503, 0, 0, 0.3, 0, u"/v1/inbound"_s});
        constexpr int kChats = 12;
        constexpr int kEach = 3;
        for (int i = 0; i < kChats * kEach; ++i)
            m_session->receive(test::customerMessage(
                u"G%1"_s.arg(i), u"4917000001%1@c.us"_s.arg(i % kChats, 2, 10, QChar(u'0')),
                u"latte %1?"_s.arg(i)));
        QTRY_COMPARE_WITH_TIMEOUT(m_session->sent.size(), kChats * kEach, 20000);
        QSet<QString> ids;
        for (const auto &sent : std::as_const(m_session->sent))
            ids.insert(sent.clientId);
        QCOMPARE(ids.size(), kChats * kEach);
        QCOMPARE(m_store->backlog().value().inboundPending, 0);
        m_stub->setFaults({});
    }

    void refusedMessagesBecomeDeadLettersAndCanBeRequeued()
    {
        start(SessionState::Connected);
        QSignalSpy dead(m_pipeline.get(), &RelayPipeline::inboundFailed);
        QSignalSpy relayed(m_pipeline.get(), &RelayPipeline::inboundRelayed);
        m_stub->injectFault(400, 0, 3, u"/v1/inbound"_s); // refused: the policy's maxAttempts
        m_session->receive(test::customerMessage(u"P1"_s, u"491700000001@c.us"_s, u"x"_s));
        QVERIFY(dead.wait(10000));
        QCOMPARE(dead.at(0).at(0).toString(), u"false_491700000001@c.us_P1"_s);
        QCOMPARE(m_store->backlog().value().inboundDead, 1);
        m_session->receive(test::customerMessage(u"P2"_s, u"491700000002@c.us"_s, u"hi"_s));
        QVERIFY(relayed.wait(10000));
        QCOMPARE(relayed.at(0).at(0).toString(), u"false_491700000002@c.us_P2"_s);
        QCOMPARE(m_pipeline->requeueDeadLetters().value(), 1);
        QVERIFY(relayed.wait(10000));
        QCOMPARE(m_store->backlog().value().inboundDead, 0);
    }

    // An answer the agent cannot trust or use is never acted on: nothing of it is sent, the
    // message stays in the journal, the failure is reported, and the message is relayed again
    // (fewer times than the policy's maxAttempts here, see the dead-letter test below) until the
    // cloud answers properly; then the genuine reply goes out, once.
    void answersTheAgentCannotUseAreRetried_data()
    {
        QTest::addColumn<QString>("signature");
        QTest::addColumn<QString>("answer");
        QTest::addColumn<QString>("says");
        QTest::newRow("unsigned")
            << u"strip"_s << QString()
            << u"not signed by the cloud (a proxy or a mis-issued certificate?)"_s;
        QTest::newRow("tampered with")
            << u"tamper"_s << QString() << u"does not match its signature"_s;
        QTest::newRow("a reply to another chat")
            << QString() << u"other-chat"_s
            << u"is for chat 15550009999@c.us, but it answers a message in chat "
               u"491701234567@c.us"_s;
        QTest::newRow("nested") << QString() << u"nested"_s << u"nested more than 32 levels"_s;
        QTest::newRow("oversized")
            << QString() << u"oversized"_s << u"larger than the 100663296 bytes"_s;
    }
    void answersTheAgentCannotUseAreRetried()
    {
        QFETCH(QString, signature);
        QFETCH(QString, answer);
        QFETCH(QString, says);
        start(SessionState::Connected);
        QSignalSpy relayed(m_pipeline.get(), &RelayPipeline::inboundRelayed);
        m_stub->setFaults(
            {.remaining = 2, .path = u"/v1/inbound"_s, .signature = signature, .answer = answer});
        const auto message =
            test::customerMessage(u"X1"_s, u"491701234567@c.us"_s, u"how much is a latte?"_s);
        // Reported: each failed attempt is logged with what was wrong (and the test fails
        // unless both lines come).
        for (int attempt = 1; attempt <= 2; ++attempt)
            QTest::ignoreMessage(
                QtWarningMsg,
                QRegularExpression(u"^Relaying %1 failed \\(attempt %2 \\): .*%3"_s.arg(
                    QRegularExpression::escape(message.id), QString::number(attempt),
                    QRegularExpression::escape(says))));
        m_session->receive(message);
        QVERIFY(relayed.wait(15000)); // the third answer is the genuine one
        QCOMPARE(relayed.at(0).at(0).toString(), message.id);
        QCOMPARE(m_pipeline->metrics().relayFailures, quint64(2));
        QCOMPARE(inboundRequests(), 3);
        QTRY_COMPARE(m_session->sent.size(), 1);
        QCOMPARE(m_session->sent.at(0).body, u"Latte costs 3.40 EUR."_s);
        QCOMPARE(m_session->sent.at(0).chatId, u"491701234567@c.us"_s);
        QTest::qWait(200);
        QCOMPARE(m_session->sent.size(), 1);
        QCOMPARE(m_store->backlog().value().inboundDead, 0);
    }

    // Only the oldest pending message of a chat is relayed, so a message answered the same
    // unusable way every time must not hold up the customer's next ones: a signed answer the
    // agent cannot use, and a 4xx even unsigned (a proxy's 413), make it a dead letter after
    // the policy's maxAttempts (3 here), kept in the journal for --requeue-dead. What a proxy
    // may have sent instead of the cloud's answer (an unsigned 502, a tampered 200) is waited
    // out without end.
    void answersRefusedEveryTimeMakeADeadLetter_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("signature");
        QTest::addColumn<QString>("answer");
        QTest::addColumn<bool>("dead");
        QTest::newRow("a reply to another chat") << 0 << QString() << u"other-chat"_s << true;
        QTest::newRow("an unsigned 413") << 413 << u"strip"_s << QString() << true;
        QTest::newRow("an unsigned 502") << 502 << u"strip"_s << QString() << false;
        QTest::newRow("a tampered 200") << 0 << u"tamper"_s << QString() << false;
    }
    void answersRefusedEveryTimeMakeADeadLetter()
    {
        QFETCH(int, status);
        QFETCH(QString, signature);
        QFETCH(QString, answer);
        QFETCH(bool, dead);
        start(SessionState::Connected);
        QSignalSpy failed(m_pipeline.get(), &RelayPipeline::inboundFailed);
        m_stub->setFaults({.status = status,
                           .remaining = 3,
                           .path = u"/v1/inbound"_s,
                           .signature = signature,
                           .answer = answer});
        const QString chat = u"491701234567@c.us"_s;
        const auto first = test::customerMessage(u"D1"_s, chat, u"how much is a latte?"_s);
        const auto next = test::customerMessage(u"D2"_s, chat, u"and a latte to go?"_s);
        if (dead)
            QTest::ignoreMessage(QtWarningMsg,
                                 QRegularExpression(u"^Message %1 is a dead letter after 3 "
                                                    u"refusals \\(sak-agent --requeue-dead"_s.arg(
                                                        QRegularExpression::escape(first.id))));
        m_session->receive(first);
        m_session->receive(next);
        // The chat's next message goes through, behind the first or once it is dead.
        QTRY_VERIFY_WITH_TIMEOUT(!m_session->sent.isEmpty(), 15000);
        QCOMPARE(m_pipeline->metrics().relayFailures, quint64(3));
        if (!dead) {
            QTRY_COMPARE(m_session->sent.size(), 2); // the fourth answer was genuine
            QCOMPARE(failed.size(), 0);
            QCOMPARE(inboundRequests(), 5);
            QCOMPARE(m_store->backlog().value().inboundDead, 0);
            return;
        }
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.at(0).at(0).toString(), first.id);
        QCOMPARE(inboundRequests(), 4);
        QCOMPARE(m_session->sent.size(), 1);
        QCOMPARE(m_session->sent.at(0).chatId, chat);
        QCOMPARE(m_store->backlog().value().inboundDead, 1);
        // Nothing is lost: the dead letter is kept, and relayed again when asked to.
        QCOMPARE(m_pipeline->requeueDeadLetters().value(), 1);
        QTRY_COMPARE(m_session->sent.size(), 2);
        QCOMPARE(inboundRequests(), 5);
        QCOMPARE(m_store->backlog().value().inboundDead, 0);
    }

    void theCloudsRetryAfterIsObeyed()
    {
        start(SessionState::Connected);
        m_stub->injectFault(429, 1, 1, u"/v1/inbound"_s);
        QSignalSpy relayed(m_pipeline.get(), &RelayPipeline::inboundRelayed);
        QElapsedTimer clock;
        clock.start();
        m_session->receive(test::customerMessage(u"T1"_s, u"491701234567@c.us"_s, u"hi"_s));
        QVERIFY(relayed.wait(15000));
        QVERIFY(clock.elapsed() >= 1000); // not earlier than the server asked
    }

    // Status reports the cloud could not take wait in the store and go when it is back.
    void statusReportsSurviveAnOutage()
    {
        start(SessionState::Connected);
        m_stub->setFaults({503, 0, 0, 1.0, 0, {}});
        QVERIFY(m_pipeline->enqueueJob({u"s-1"_s, u"491700000001@c.us"_s, u"x"_s, 0, 0, 0}));
        QTRY_COMPARE(stateOf(u"s-1"_s), outbox::kSent);
        QVERIFY(m_store->pendingStatusReports(10).value().size() >= 3);
        m_stub->setFaults({});
        QTRY_COMPARE_WITH_TIMEOUT(reportedStates(u"s-1"_s).size(), 3, 10000);
        QTRY_COMPARE(m_store->pendingStatusReports(10).value().size(), 0);
    }

    // After a crash, an item left "sending" is asked for again under its id (the page answers
    // "sent" if it has it); one interrupted too long ago becomes "unknown" and is not sent.
    void interruptedSendsAreResolved()
    {
        OutboxItem recent;
        recent.text = {u"c-recent"_s, u"491700000001@c.us"_s, u"hi"_s, newWhatsAppMessageId()};
        OutboxItem old;
        old.text = {u"c-old"_s, u"491700000002@c.us"_s, u"hi"_s, newWhatsAppMessageId()};
        const qint64 now = m_clock.nowMs();
        QVERIFY(m_store->enqueueOutbound(recent, now).value());
        QVERIFY(m_store->enqueueOutbound(old, now).value());
        QVERIFY(m_store->setOutboundState(u"c-recent"_s, outbox::kSending, {}, now - 1000));
        QVERIFY(m_store->setOutboundState(u"c-old"_s, outbox::kSending, {}, now - 3600 * 1000));
        start(SessionState::Connected);
        QTRY_COMPARE(stateOf(u"c-recent"_s), outbox::kSent);
        QCOMPARE(m_session->sent.size(), 1);
        QCOMPARE(m_session->sent.at(0).waMessageId, recent.text.waMessageId); // the same id
        QCOMPARE(stateOf(u"c-old"_s), outbox::kUnknown);
        QCOMPARE(m_store->backlog().value().outboundUnknown, 1);
    }

    // Sends that stay at "pending" mark the session unhealthy and stop sending until it
    // reconnects.
    void sendsStuckAtPendingPauseSending()
    {
        m_pipeline->setStuckAfter(std::chrono::milliseconds(300));
        start(SessionState::Connected);
        m_session->autoAck = false;
        QSignalSpy problem(m_pipeline.get(), &RelayPipeline::sendingProblemChanged);
        QVERIFY(m_pipeline->enqueueJob({u"k-1"_s, u"491700000001@c.us"_s, u"x"_s, 0, 0, 0}));
        QVERIFY(problem.wait(5000));
        QVERIFY(m_pipeline->sendingProblem().contains(u"pending"_s));
        QVERIFY(m_pipeline->enqueueJob({u"k-2"_s, u"491700000002@c.us"_s, u"y"_s, 0, 0, 0}));
        QTest::qWait(200);
        QCOMPARE(m_session->sent.size(), 1); // nothing more while unhealthy
        m_session->autoAck = true;
        m_session->setState(SessionState::Connecting);
        m_session->setState(SessionState::Connected); // reconnected
        QTRY_VERIFY(m_pipeline->sendingProblem().isEmpty());
        QTRY_COMPARE(stateOf(u"k-2"_s), outbox::kSent);
        QTRY_COMPARE(stateOf(u"k-1"_s), outbox::kSent); // asked again under its id
    }

    void pausedStaysPausedAcrossRestarts()
    {
        start(SessionState::Connected);
        m_pipeline->setPaused(true);
        m_pipeline = std::make_unique<RelayPipeline>(m_session.get(), m_cloud.get(), m_store.get(),
                                                     &m_clock);
        m_pipeline->setPacing(PacingPolicy::unpaced());
        m_pipeline->start();
        QVERIFY(m_pipeline->isPaused());
        QVERIFY(m_pipeline->enqueueJob({u"z-1"_s, u"491700000001@c.us"_s, u"x"_s, 0, 0, 0}));
        QTest::qWait(100);
        QCOMPARE(m_session->sent.size(), 0);
        m_pipeline->setPaused(false);
        QTRY_COMPARE(m_session->sent.size(), 1);
    }

    void expiredAndCancelledItemsAreNotSent()
    {
        start(SessionState::Connected);
        m_pipeline->setPaused(true);
        const qint64 past = m_clock.nowMs() / 1000 - 10;
        QVERIFY(m_pipeline->enqueueJob({u"e-1"_s, u"491700000001@c.us"_s, u"x"_s, 0, 0, past}));
        QVERIFY(m_pipeline->enqueueJob({u"e-2"_s, u"491700000002@c.us"_s, u"y"_s, 0, 0, 0}));
        QVERIFY(m_pipeline->cancel(u"e-2"_s));
        QVERIFY(!m_pipeline->cancel(u"e-2"_s)); // once cancelled, cannot be cancelled again
        m_pipeline->setPaused(false);
        QTRY_COMPARE(stateOf(u"e-1"_s), outbox::kExpired);
        QCOMPARE(stateOf(u"e-2"_s), outbox::kCancelled);
        QCOMPARE(m_session->sent.size(), 0);
        QTRY_VERIFY(reportedStates(u"e-1"_s).contains(outbox::kExpired));
        QTRY_VERIFY(reportedStates(u"e-2"_s).contains(outbox::kCancelled));
    }

    // SIGTERM: the send the page holds is finished before the agent stops; nothing new starts.
    void drainWaitsForTheSendInFlight()
    {
        start(SessionState::Connected);
        m_session->autoConfirm = false;
        QVERIFY(m_pipeline->enqueueJob({u"d-1"_s, u"491700000001@c.us"_s, u"x"_s, 0, 0, 0}));
        QVERIFY(m_pipeline->enqueueJob({u"d-2"_s, u"491700000002@c.us"_s, u"y"_s, 0, 0, 0}));
        QTRY_VERIFY(!m_session->sent.isEmpty());
        const int inPage = int(m_session->sent.size());
        bool drained = false;
        m_pipeline->drain(std::chrono::seconds(30), [&] { drained = true; });
        QTest::qWait(100);
        QVERIFY(!drained); // the page has not answered yet
        for (const OutboundText &text : std::as_const(m_session->sent))
            m_session->finish(text.waMessageId, true);
        QTRY_VERIFY(drained);
        QCOMPARE(m_session->sent.size(), inPage); // nothing else was started
        QCOMPARE(stateOf(m_session->sent.at(0).clientId), outbox::kSending); // until its ack
    }

    void drainPutsATypedSendBackAndGivesUpWaiting()
    {
        // Paced: the send is "typing" for a while before it reaches the page.
        PacingPolicy slow = PacingPolicy::unpaced();
        slow.enabled = true;
        slow.globalPerMinute = slow.chatPerMinute = 6000;
        slow.globalBurst = slow.chatBurst = 100;
        slow.quietStart = slow.quietEnd = QTime(0, 0);
        slow.typingMinMs = slow.typingMaxMs = 60000;
        m_pipeline->setPacing(slow);
        start(SessionState::Connected);
        QVERIFY(m_pipeline->enqueueJob({u"t-1"_s, u"491700000001@c.us"_s, u"x"_s, 0, 0, 0}));
        QTRY_VERIFY(m_session->activity.contains(u"typing 491700000001@c.us"_s));
        bool drained = false;
        m_pipeline->drain(std::chrono::seconds(30), [&] { drained = true; });
        QTRY_VERIFY(drained);
        QVERIFY(m_session->sent.isEmpty());
        QCOMPARE(stateOf(u"t-1"_s), outbox::kQueued); // sent at the next start
        QVERIFY(m_session->activity.contains(u"paused 491700000001@c.us"_s));

        // A page that never answers does not keep the agent from stopping.
        cleanup();
        init();
        start(SessionState::Connected);
        m_session->autoConfirm = false;
        QVERIFY(m_pipeline->enqueueJob({u"t-2"_s, u"491700000001@c.us"_s, u"x"_s, 0, 0, 0}));
        QTRY_COMPARE(m_session->sent.size(), 1);
        drained = false;
        m_pipeline->drain(std::chrono::milliseconds(200), [&] { drained = true; });
        QTRY_VERIFY(drained);
    }

    // The page's memory watchdog asks for a reload: it happens only once the page has answered
    // for the sends it holds, nothing new is sent meanwhile, and what waited goes out once the
    // reloaded page connects; nothing twice.
    void aReloadWaitsForTheSendsInFlight()
    {
        start(SessionState::Connected);
        m_session->autoConfirm = false;
        QVERIFY(m_pipeline->enqueueJob({u"r-1"_s, u"491700000001@c.us"_s, u"x"_s, 0, 0, 0}));
        QVERIFY(m_pipeline->enqueueJob({u"r-2"_s, u"491700000002@c.us"_s, u"y"_s, 0, 0, 0}));
        QTRY_COMPARE(m_session->sent.size(), 2);
        m_session->wantReload(u"its renderer uses 1600 MB"_s);
        m_session->wantReload(u"its renderer uses 1650 MB"_s); // asked again: one reload
        QVERIFY(m_pipeline->enqueueJob({u"r-3"_s, u"491700000003@c.us"_s, u"z"_s, 0, 0, 0}));
        QTest::qWait(200);
        QVERIFY(m_session->reloads.isEmpty()); // the page still holds two sends
        m_session->finish(m_session->sent.at(0).waMessageId, true);
        QTest::qWait(100);
        QVERIFY(m_session->reloads.isEmpty()); // and then one
        m_session->finish(m_session->sent.at(1).waMessageId, true);
        QTRY_COMPARE(m_session->reloads, QStringList{u"its renderer uses 1600 MB"_s});
        QCOMPARE(m_session->sent.size(), 2); // nothing started while held
        for (const OutboundText &text : std::as_const(m_session->sent))
            m_session->ack(text.waMessageId, int(Ack::Server));
        QTRY_COMPARE(stateOf(u"r-2"_s), outbox::kSent);
        QTest::qWait(200);
        QCOMPARE(m_session->sent.size(), 2); // still held: the page is reloading

        // The reloaded page: starting, then connected; what waited goes, once.
        m_session->setState(SessionState::Starting);
        m_session->setState(SessionState::Connected);
        QTRY_COMPARE(m_session->sent.size(), 3);
        QCOMPARE(m_session->sent.at(2).clientId, u"r-3"_s);
        QTest::qWait(200);
        QCOMPARE(m_session->sent.size(), 3);
        QCOMPARE(m_session->reloads.size(), 1);
    }

    // A send that is still being typed has not reached the page: it goes back to the queue, the
    // page is reloaded at once, and the send goes to the reloaded page.
    void aReloadPutsATypedSendBack()
    {
        PacingPolicy slow = PacingPolicy::unpaced();
        slow.enabled = true;
        slow.globalPerMinute = slow.chatPerMinute = 6000;
        slow.globalBurst = slow.chatBurst = 100;
        slow.quietStart = slow.quietEnd = QTime(0, 0);
        slow.typingMinMs = slow.typingMaxMs = 300;
        slow.replyGapMinMs = slow.replyGapMaxMs = slow.jobGapMinMs = slow.jobGapMaxMs = 0;
        m_pipeline->setPacing(slow);
        start(SessionState::Connected);
        QVERIFY(m_pipeline->enqueueJob({u"t-1"_s, u"491700000001@c.us"_s, u"x"_s, 0, 0, 0}));
        QTRY_VERIFY(m_session->activity.contains(u"typing 491700000001@c.us"_s));
        m_session->wantReload(u"its renderer uses 1600 MB"_s);
        QTRY_COMPARE(m_session->reloads.size(), 1);
        QCOMPARE(stateOf(u"t-1"_s), outbox::kQueued);
        QVERIFY(m_session->activity.contains(u"paused 491700000001@c.us"_s));
        QTest::qWait(500); // longer than the typing: it was not sent to the reloading page
        QVERIFY(m_session->sent.isEmpty());
        m_session->setState(SessionState::Starting);
        m_session->setState(SessionState::Connected);
        QTRY_COMPARE(m_session->sent.size(), 1);
        QCOMPARE(m_session->sent.at(0).clientId, u"t-1"_s);
    }

    // Stopping wins over a reload still waiting for a quiet moment; a session that does not
    // reload lets sending go on at once.
    void aWaitingReloadGivesWay()
    {
        start(SessionState::Connected);
        m_session->autoConfirm = false;
        QVERIFY(m_pipeline->enqueueJob({u"w-1"_s, u"491700000001@c.us"_s, u"x"_s, 0, 0, 0}));
        QTRY_COMPARE(m_session->sent.size(), 1);
        m_session->wantReload(u"its renderer uses 1600 MB"_s);
        bool drained = false;
        m_pipeline->drain(std::chrono::seconds(30), [&] { drained = true; });
        m_session->finish(m_session->sent.at(0).waMessageId, true);
        QTRY_VERIFY(drained);
        QTest::qWait(100);
        QVERIFY(m_session->reloads.isEmpty());

        cleanup();
        init();
        start(SessionState::Connected);
        m_session->reloadable = false;
        m_session->wantReload(u"its renderer uses 1600 MB"_s);
        QTRY_COMPARE(m_session->reloads.size(), 1);
        QVERIFY(m_pipeline->enqueueJob({u"w-2"_s, u"491700000002@c.us"_s, u"y"_s, 0, 0, 0}));
        QTRY_COMPARE(m_session->sent.size(), 1);
    }

    void metricsCountWhatHappened()
    {
        start(SessionState::Connected);
        QSignalSpy relayed(m_pipeline.get(), &RelayPipeline::inboundRelayed);
        m_session->receive(test::customerMessage(u"K1"_s, u"491700000001@c.us"_s, u"hi"_s));
        QVERIFY(relayed.wait(10000));
        QTRY_COMPARE(m_pipeline->metrics().sends, quint64(relayed.at(0).at(1).toInt()));
        const PipelineMetrics &m = m_pipeline->metrics();
        QCOMPARE(m.messagesIn, quint64(1));
        QCOMPARE(m.relayed, quint64(1));
        QCOMPARE(m.relayFailures, quint64(0));
        QVERIFY(m.sends >= 1);
        QCOMPARE(m.replySeconds.count(), quint64(1)); // the first reply only
    }

    // A message the page holds but the agent never journaled (it crashed in between) is
    // found by the catch-up on connect.
    void catchUpFindsWhatWasMissed()
    {
        const auto missed = test::customerMessage(u"M1"_s, u"491700000001@c.us"_s, u"latte?"_s);
        m_session->held.append(missed);
        QSignalSpy relayed(m_pipeline.get(), &RelayPipeline::inboundRelayed);
        start(SessionState::Connecting);
        m_session->setState(SessionState::Connected);
        QVERIFY(relayed.wait(10000));
        QCOMPARE(relayed.at(0).at(0).toString(), missed.id);
        QCOMPARE(m_session->catchUps.size(), 1);
    }

private:
    void start(SessionState state)
    {
        m_session->setState(state);
        m_pipeline->start();
    }

    static QStringList sorted(QStringList list)
    {
        list.sort();
        return list;
    }

    QString stateOf(const QString &clientId)
    {
        const auto item = m_store->outboundItem(clientId);
        return item && item.value() ? item.value()->state : QString();
    }

    QStringList reportedStates(const QString &clientId)
    {
        QStringList states;
        for (const auto &r : m_stub->cloud().statusReports(tenant())) {
            if (r.clientId == clientId)
                states.append(r.state);
        }
        return states;
    }

    CloudClientOptions cloudOptions(quint16 port) const
    {
        return {QUrl(u"https://127.0.0.1:%1"_s.arg(port)),
                test::certPath(u"ca.pem"_s),
                std::chrono::seconds(5),
                {}};
    }

    QString tenant() const { return u"tenant-%1"_s.arg(m_round); }

    // The requests to /v1/inbound of this round's agent that the stub answered.
    int inboundRequests() const
    {
        const auto &requests = m_stub->requests();
        return int(std::count_if(requests.cbegin(), requests.cend(), [this](const auto &r) {
            return r.path == u"/v1/inbound"_s && r.agentId == m_cloud->credentials().agentId;
        }));
    }

    std::unique_ptr<stub::StubServer> m_stub;
    QTemporaryDir m_dir;
    SystemClock m_clock;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<test::FakeSession> m_session;
    std::unique_ptr<CloudClient> m_cloud;
    std::unique_ptr<RelayPipeline> m_pipeline;
    int m_round = 0;
};

QTEST_GUILESS_MAIN(TestRelayPipeline)
#include "tst_relaypipeline.moc"
