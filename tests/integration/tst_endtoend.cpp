#include "tests/support/pairedagenttest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using sak::test::PairedAgentTest;

// The whole product as a user runs it: sak-cloud-stub and sak-agent --headless as separate
// processes, a customer typing into the simulated WhatsApp, the reply coming back.
class TestEndToEnd : public PairedAgentTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(startPairedAgent()); }

    void cleanupTestCase() { QCOMPARE(m_agent->terminate(), 0); }

    void customerMessageIsAnsweredInTheChat()
    {
        const QJsonObject injected = control(
            u"/control/inject"_s,
            R"({"chatId":"491701234567@c.us","senderName":"Ana","body":"Hi! How much is a cappuccino?"})");
        const QString id = injected[u"serialized"_s].toString();
        QVERIFY2(!id.isEmpty(), QJsonDocument(injected).toJson().constData());

        // It reaches the cloud for the right tenant, from the right chat, under its WhatsApp id.
        QJsonObject received;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         for (const auto m :
                              control(u"/admin/inbound?tenant=e2e-shop"_s)[u"messages"_s].toArray())
                             if (m[u"id"_s].toString() == id)
                                 received = m.toObject();
                         return !received.isEmpty();
                     },
                     20000),
                 m_agent->log().constData());
        QVERIFY(received[u"agentId"_s].toString().startsWith(u"agent-"_s)); // given at pairing
        QCOMPARE(received[u"chatId"_s].toString(), u"491701234567@c.us"_s);
        QCOMPARE(received[u"body"_s].toString(), u"Hi! How much is a cappuccino?"_s);
        QCOMPARE(received[u"senderName"_s].toString(), u"Ana"_s);
        QVERIFY(control(u"/admin/inbound?tenant=other-shop"_s)[u"messages"_s].toArray().isEmpty());

        // The reply appears in the chat, sent by the business, once.
        QJsonObject reply;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         reply = replyIn(u"491701234567@c.us"_s);
                         return !reply.isEmpty();
                     },
                     20000),
                 m_agent->log().constData());
        QCOMPARE(reply[u"body"_s].toString(), u"Cappuccino costs 3.10 EUR."_s);
        QCOMPARE(reply[u"sendCount"_s].toInt(), 1);
        // Like a person: the customer's message is marked seen, typing shows, then the reply.
        QStringList what;
        for (const auto a :
             control(u"/control/activity?id=491701234567%40c.us"_s)[u"activity"_s].toArray())
            what.append(a[u"what"_s].toString());
        QCOMPARE(what, QStringList({u"seen"_s, u"composing"_s, u"paused"_s, u"send"_s}));
        const QString waId = reply[u"id"_s].toString();

        // Its acks reach the agent, which reports them to the cloud; the customer reads it.
        QVERIFY2(QTest::qWaitFor([&] { return reported(waId).contains(u"delivered"_s); }, 20000),
                 m_agent->log().constData());
        control(u"/control/read"_s, R"({"chatId":"491701234567@c.us"})");
        QVERIFY2(QTest::qWaitFor([&] { return reported(waId).contains(u"read"_s); }, 20000),
                 m_agent->log().constData());
        QStringList states = reported(waId); // each once; reports may arrive in any order
        states.sort();
        QCOMPARE(states,
                 QStringList({u"delivered"_s, u"queued"_s, u"read"_s, u"sending"_s, u"sent"_s}));

        // Every hop is in the agent's log.
        for (const char *hop : {"[1 captured]", "[2 to cloud]", "[3 replies]", "[4 sending]",
                                "[5 sent]", "[6 ack]", "[7 status]"})
            QVERIFY2(m_agent->log().contains(hop), hop);
        QVERIFY2(!m_agent->log().contains("Hi! How much is a cappuccino?"),
                 "message bodies must not be logged at info level");
    }

    void ciphertextFirstMessageIsRelayedExactlyOnce()
    {
        const QJsonObject injected = control(
            u"/control/inject"_s,
            R"({"chatId":"491702222222@c.us","body":"are you open on sunday?","ciphertextFirst":true})");
        const QString id = injected[u"serialized"_s].toString();
        QVERIFY(!id.isEmpty());
        QVERIFY2(QTest::qWaitFor([&] { return !replyIn(u"491702222222@c.us"_s).isEmpty(); }, 20000),
                 m_agent->log().constData());
        QTest::qWait(2000); // time for a duplicate to show up, if there were one
        int relayed = 0;
        for (const auto m : control(u"/admin/inbound?tenant=e2e-shop"_s)[u"messages"_s].toArray())
            relayed += m[u"id"_s].toString() == id ? 1 : 0;
        QCOMPARE(relayed, 1);
        QCOMPARE(m_agent->log().count(QByteArray("[1 captured] message " + id.toUtf8())), 1);
        int replies = 0;
        for (const auto m :
             control(u"/control/chat?id=491702222222%40c.us"_s)[u"messages"_s].toArray())
            replies += m[u"fromMe"_s].toBool() ? 1 : 0;
        QCOMPARE(replies, 1);
        QCOMPARE(replyIn(u"491702222222@c.us"_s)[u"body"_s].toString(),
                 u"We are open Monday to Saturday 8:00-19:00 and Sunday 9:00-14:00."_s);
    }

    void broadcastReachesTheChatsAndStatusesFlowBack()
    {
        QVERIFY2(m_agent->waitForLog("Job channel open", 20000), m_agent->log().constData());
        const QJsonObject created =
            control(u"/admin/broadcasts"_s,
                    R"({"tenantId":"e2e-shop","chats":["491703333333@c.us","491704444444@c.us"],)"
                    R"("template":"Hello {name}, our new beans are in!"})");
        QCOMPARE(created[u"jobs"_s].toInt(), 2);
        for (const QString &number : {u"491703333333"_s, u"491704444444"_s}) {
            QJsonObject sent;
            QVERIFY2(QTest::qWaitFor(
                         [&] {
                             sent = replyIn(number + u"@c.us"_s);
                             return !sent.isEmpty();
                         },
                         30000),
                     m_agent->log().constData());
            QCOMPARE(sent[u"body"_s].toString(), u"Hello %1, our new beans are in!"_s.arg(number));
            QCOMPARE(sent[u"sendCount"_s].toInt(), 1);
            QVERIFY2(
                QTest::qWaitFor(
                    [&] { return reported(sent[u"id"_s].toString()).contains(u"delivered"_s); },
                    20000),
                m_agent->log().constData());
        }
        const QJsonObject jobs = control(u"/admin/jobs?tenant=e2e-shop"_s);
        QCOMPARE(jobs[u"acknowledged"_s].toArray().size(), 2);
        QCOMPARE(jobs[u"pending"_s].toArray().size(), 0);
    }

    void heartbeatsTellTheCloudHowTheAgentIs()
    {
        QJsonObject agent;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         const QJsonArray agents =
                             control(u"/admin/agents?tenant=e2e-shop"_s)[u"agents"_s].toArray();
                         agent = agents.isEmpty() ? QJsonObject() : agents.at(0).toObject();
                         return agent[u"session"_s].toString() == u"connected"_s;
                     },
                     20000),
                 QJsonDocument(agent).toJson().constData());
        QCOMPARE(agent[u"health"_s].toString(), u"ok"_s);
        QCOMPARE(agent[u"protection"_s].toString(), u"keychain"_s);
        QVERIFY(agent[u"whatsappVersion"_s].toString().startsWith(u"2.3000."_s));
        QCOMPARE(agent[u"agentVersion"_s].toString(), QStringLiteral(SAK_VERSION));
    }

    // Last (Qt Test runs the functions in the order they are declared): credentials rotation
    // and unpairing, as commands, against the stub that paired the agent.
    void credentialsRotateAndUnpair()
    {
        QCOMPARE(m_agent->terminate(), 0);
        QByteArray output;
        QCOMPARE(m_agent->runCommand({u"--rotate-credentials"_s}, &output), 0);
        QVERIFY2(output.contains("signing secret was rotated"), output.constData());
        QCOMPARE(control(u"/admin/devices"_s)[u"devices"_s].toArray().at(0)[u"secrets"_s].toInt(),
                 2);
        QCOMPARE(m_agent->runCommand({u"--unpair"_s}, &output), 0);
        QVERIFY2(output.contains("the cloud forgot this agent"), output.constData());
        QVERIFY(control(u"/admin/devices"_s)[u"devices"_s].toArray().isEmpty());
        QVERIFY(m_agent->runCommand({u"--unpair"_s}, &output) != 0); // nothing left to unpair
        QVERIFY2(output.contains("not paired"), output.constData());
    }

private:
    QJsonObject control(const QString &path, const QByteArray &body = {})
    {
        return m_stub.control(path, body);
    }

    QJsonObject replyIn(const QString &chatId)
    {
        const QString encoded = QString::fromLatin1(QUrl::toPercentEncoding(chatId));
        for (const auto m : control(u"/control/chat?id="_s + encoded)[u"messages"_s].toArray())
            if (m[u"fromMe"_s].toBool())
                return m.toObject();
        return {};
    }

    QStringList reported(const QString &waId)
    {
        QStringList states;
        for (const auto r : control(u"/admin/status?tenant=e2e-shop"_s)[u"reports"_s].toArray())
            if (r[u"waMessageId"_s].toString() == waId)
                states.append(r[u"state"_s].toString());
        return states;
    }
};

QTEST_GUILESS_MAIN(TestEndToEnd)
#include "tst_endtoend.moc"
