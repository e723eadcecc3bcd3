#include "tests/support/pairedagenttest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;
using sak::test::PairedAgentTest;

// The agent killed (-9) at random moments, twenty times, while customers (most of them in LID
// chats, as WhatsApp addresses them today) keep writing and a broadcast goes out through the
// simulated WhatsApp. Afterwards every customer message reached
// the cloud, in its chat's order; every outbound message (the replies and the broadcast) is in
// its chat exactly once, sent once under its id; the database is intact.
class TestCrashRecovery : public PairedAgentTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        // Pacing off: the test is about losing nothing, and must move 2,000 messages quickly.
        QVERIFY(startPairedAgent(StubState::KeptInFile, {}, "[pacing]\nenabled=false\n"));
        // Chromium writes a page's storage a few seconds late: a session killed right after
        // pairing can be lost, which is the vault's story (tst_vault), not this test's.
        QTest::qWait(7000);
    }

    void killedTwentyTimesLosesNothing()
    {
        constexpr int kCustomers = 20;
        constexpr int kInbound = 850;   // each answered: 850 in, 850 replies out
        constexpr int kBroadcast = 300; // 300 more out
        constexpr int kRounds = 20;
        auto *random = QRandomGenerator::global();

        // Customers write all along, round robin over their chats.
        QHash<QString, QStringList> written; // chat -> message ids, in order
        int injected = 0;
        QTimer writer;
        connect(&writer, &QTimer::timeout, this, [&] {
            for (int i = 0; i < 12 && injected < kInbound; ++i, ++injected) {
                // As today's WhatsApp addresses them: most customers by LID (the number behind
                // it known for some), the others by number.
                const int customer = injected % kCustomers;
                const QString number = u"4917300%1@c.us"_s.arg(customer, 5, 10, QChar(u'0'));
                const bool byLid = customer % 4 != 0;
                const QString chat =
                    byLid ? u"8800000000%1@lid"_s.arg(customer, 5, 10, QChar(u'0')) : number;
                QJsonObject message{{u"chatId"_s, chat}, {u"body"_s, u"latte %1?"_s.arg(injected)}};
                if (byLid && customer % 2 == 0)
                    message.insert(u"phone"_s, number);
                const QJsonObject answer =
                    m_stub.control(u"/control/inject"_s, QJsonDocument(message).toJson());
                written[chat].append(answer[u"serialized"_s].toString());
            }
        });
        writer.start(100);

        for (int round = 1; round <= kRounds; ++round) {
            if (round == 3 || round == 9 || round == 15)
                broadcast(kBroadcast / 3, round);
            // A random moment: sometimes while it is still starting, mostly while it works.
            QTest::qWait(int(random->bounded(300, 2500)));
            m_agent->kill9();
            QVERIFY(m_agent->start());
            QVERIFY2(m_agent->waitForLog("WhatsApp session:", 60000), m_agent->log().constData());
        }
        QVERIFY2(QTest::qWaitFor([&] { return injected >= kInbound; }, 120000),
                 "the customers could not write");
        writer.stop();

        // Everything arrives once the agent is left alone.
        const int expectedOut = kInbound + kBroadcast;
        const bool done = QTest::qWaitFor(
            [&] {
                return m_stub.sentMessages().size() >= expectedOut &&
                       m_stub.inboundAtCloud().size() >= kInbound;
            },
            240000);
        if (!done)
            m_agent->printLogTail(80);
        QVERIFY2(done, qPrintable(u"%1 of %2 sent, %3 of %4 at the cloud"_s
                                      .arg(m_stub.sentMessages().size())
                                      .arg(expectedOut)
                                      .arg(m_stub.inboundAtCloud().size())
                                      .arg(kInbound)));
        QTest::qWait(3000); // time for a duplicate to show up, if there were one

        // Inbound: each at the cloud once, in its chat's order.
        QHash<QString, QStringList> received;
        for (const auto m : m_stub.inboundAtCloud())
            received[m[u"chatId"_s].toString()].append(m[u"id"_s].toString());
        QCOMPARE(received.size(), kCustomers);
        for (auto it = written.cbegin(); it != written.cend(); ++it)
            QCOMPARE(received.value(it.key()), it.value());

        // Outbound: every message sent once under its id, one reply per customer message,
        // one broadcast message per broadcast chat.
        const QJsonArray sent = m_stub.sentMessages();
        QCOMPARE(sent.size(), expectedOut);
        QHash<QString, int> perChat;
        for (const auto value : sent) {
            const QJsonObject m = value.toObject();
            QCOMPARE(m[u"sendCount"_s].toInt(), 1);
            ++perChat[m[u"chatId"_s].toString()];
        }
        for (auto it = written.cbegin(); it != written.cend(); ++it)
            QCOMPARE(perChat.value(it.key()), int(it.value().size()));
        for (const QString &chat : std::as_const(m_broadcastChats))
            QCOMPARE(perChat.value(chat), 1);

        // The database survived twenty kills intact.
        QCOMPARE(m_agent->terminate(), 0);
        QByteArray output;
        QCOMPARE(m_agent->runCommand({u"--check-store"_s}, &output), 0);
        QVERIFY2(output.contains("the store is intact"), output.constData());
        qInfo("%d kills; %d messages in, %d out", kRounds, kInbound, expectedOut);
    }

private:
    void broadcast(int count, int round)
    {
        QJsonArray chats;
        for (int i = 0; i < count; ++i) {
            const QString chat =
                u"4917400%1%2@c.us"_s.arg(round, 2, 10, QChar(u'0')).arg(i, 3, 10, QChar(u'0'));
            chats.append(chat);
            m_broadcastChats.append(chat);
        }
        const QJsonObject created =
            m_stub.control(u"/admin/broadcasts"_s,
                           QJsonDocument(QJsonObject{{u"tenantId"_s, u"e2e-shop"_s},
                                                     {u"chats"_s, chats},
                                                     {u"template"_s, u"New beans, {name}!"_s}})
                               .toJson());
        QCOMPARE(created[u"jobs"_s].toInt(), count);
    }

    QStringList m_broadcastChats;
};

QTEST_GUILESS_MAIN(TestCrashRecovery)
#include "tst_crashrecovery.moc"
