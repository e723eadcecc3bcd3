#include "tests/support/pairedagenttest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using sak::test::PairedAgentTest;

// The cloud goes away in the middle of the work and comes back (a stop and a start of
// sak-cloud-stub on the same ports, with its state file): the agent reconnects by itself, and
// every message arrives once — customers' messages at the cloud, replies and a broadcast in
// the chats.
class TestStubRestart : public PairedAgentTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(startPairedAgent(StubState::KeptInFile));
        QVERIFY2(m_agent->waitForLog("Job channel open", 20000), m_agent->log().constData());
    }

    void cleanupTestCase() { QCOMPARE(m_agent->terminate(), 0); }

    void nothingLostNothingTwice()
    {
        constexpr int kBroadcastChats = 60;
        constexpr int kCustomers = 3;
        constexpr int kMessagesEach = 4;

        QJsonArray chats;
        for (int i = 0; i < kBroadcastChats; ++i)
            chats.append(u"4917100%1@c.us"_s.arg(i, 5, 10, QChar(u'0')));
        const QJsonObject created = m_stub.control(
            u"/admin/broadcasts"_s,
            QJsonDocument(QJsonObject{{u"tenantId"_s, u"e2e-shop"_s},
                                      {u"chats"_s, chats},
                                      {u"template"_s, u"Our new beans are in, {name}!"_s}})
                .toJson());
        QCOMPARE(created[u"jobs"_s].toInt(), kBroadcastChats);

        QHash<QString, QStringList> sentByCustomer; // chat -> inbound ids, in order
        for (int n = 0; n < kMessagesEach; ++n) {
            for (int c = 0; c < kCustomers; ++c) {
                const QString chat = u"4917299%1@c.us"_s.arg(c, 5, 10, QChar(u'0'));
                const QJsonObject injected = m_stub.control(
                    u"/control/inject"_s,
                    QJsonDocument(QJsonObject{{u"chatId"_s, chat},
                                              {u"body"_s, u"how much is a latte? (%1)"_s.arg(n)}})
                        .toJson());
                QVERIFY(injected.contains(u"serialized"_s));
                sentByCustomer[chat].append(injected[u"serialized"_s].toString());
            }
        }

        // Some of the work is done when the cloud goes away...
        QVERIFY2(QTest::qWaitFor([&] { return sentCount() >= 3; }, 30000),
                 m_agent->log().constData());
        QVERIFY(m_stub.restart(1500));
        const int sentAtRestart = sentCount();
        qInfo("the stub restarted after %d message(s) had been sent", sentAtRestart);

        // ...and the rest follows once it is back.
        const int expected = kBroadcastChats + kCustomers * kMessagesEach;
        const bool allSent = QTest::qWaitFor([&] { return sentCount() >= expected; }, 120000);
        QVERIFY2(allSent,
                 QByteArray(m_agent->log().right(6000) + m_stub.log().right(3000)).constData());
        QVERIFY(sentAtRestart < expected); // the restart really was mid-stream
        QTest::qWait(2000);                // time for a duplicate to show up, if there were one

        const QJsonArray sent = m_stub.control(u"/control/sent"_s)[u"messages"_s].toArray();
        QCOMPARE(sent.size(), expected);
        QHash<QString, int> perChat;
        for (const auto value : sent) {
            const QJsonObject m = value.toObject();
            QCOMPARE(m[u"sendCount"_s].toInt(), 1);
            ++perChat[m[u"chatId"_s].toString()];
        }
        for (const auto chat : chats)
            QCOMPARE(perChat.value(chat.toString()), 1);
        for (auto it = sentByCustomer.cbegin(); it != sentByCustomer.cend(); ++it)
            QCOMPARE(perChat.value(it.key()), kMessagesEach);

        // Every customer's message reached the cloud once, in its chat's order.
        QHash<QString, QStringList> received;
        for (const auto m :
             m_stub.control(u"/admin/inbound?tenant=e2e-shop"_s)[u"messages"_s].toArray())
            received[m[u"chatId"_s].toString()].append(m[u"id"_s].toString());
        for (auto it = sentByCustomer.cbegin(); it != sentByCustomer.cend(); ++it)
            QCOMPARE(received.value(it.key()), it.value());

        // The cloud knows every job was taken.
        const QJsonObject jobs = m_stub.control(u"/admin/jobs?tenant=e2e-shop"_s);
        QCOMPARE(jobs[u"pending"_s].toArray().size(), 0);
        QCOMPARE(jobs[u"acknowledged"_s].toArray().size(), kBroadcastChats);
    }

private:
    int sentCount()
    {
        return int(m_stub.control(u"/control/sent"_s)[u"messages"_s].toArray().size());
    }
};

QTEST_GUILESS_MAIN(TestStubRestart)
#include "tst_stubrestart.moc"
