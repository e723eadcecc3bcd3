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

    // A customer asks to book: the cloud answers with a poll of the times, sent into the
    // customer's (LID) chat; their vote, then their changed vote, come back to the cloud, each
    // answered; the status reports name the customer's number and LID.
    void aBookingIsAPollAndItsVotesComeBack()
    {
        const QString lid = u"880000000000021@lid"_s;
        const QJsonObject injected =
            control(u"/control/inject"_s,
                    QJsonDocument(QJsonObject{{u"chatId"_s, lid},
                                              {u"phone"_s, kLidPhone},
                                              {u"senderName"_s, u"Bea"_s},
                                              {u"body"_s, u"Can I book a table for two?"_s}})
                        .toJson());
        QVERIFY(!injected[u"serialized"_s].toString().isEmpty());
        QJsonObject poll;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         poll = replyIn(lid);
                         return !poll.isEmpty();
                     },
                     20000),
                 m_agent->log().constData());
        const QJsonObject x = poll[u"x"_s].toObject();
        QCOMPARE(x[u"type"_s].toString(), u"poll_creation"_s);
        QCOMPARE(x[u"pollName"_s].toString(),
                 u"Happy to keep a table for you. Which time suits you today?"_s);
        QCOMPARE(x[u"pollOptions"_s].toArray().size(), 4);
        QCOMPARE(x[u"selectable"_s].toInt(), 1); // one time, not several
        const QString pollId = poll[u"id"_s].toString();
        QVERIFY(!control(u"/control/vote"_s,
                         QJsonDocument(
                             QJsonObject{{u"pollId"_s, pollId}, {u"options"_s, QJsonArray{0, 1}}})
                             .toJson())
                     .contains(u"id"_s)); // a single-choice poll takes one

        const auto vote = [&](int option) {
            return !control(u"/control/vote"_s,
                            QJsonDocument(QJsonObject{{u"pollId"_s, pollId},
                                                      {u"options"_s, QJsonArray{option}}})
                                .toJson())[u"id"_s]
                        .toString()
                        .isEmpty();
        };
        const auto votes = [&] {
            QJsonArray out;
            for (const auto m :
                 control(u"/admin/inbound?tenant=e2e-shop"_s)[u"messages"_s].toArray())
                if (m[u"type"_s].toString() == u"poll_vote"_s && m[u"chatId"_s].toString() == lid)
                    out.append(m);
            return out;
        };
        QVERIFY(vote(2));
        QVERIFY2(QTest::qWaitFor([&] { return votes().size() == 1; }, 20000),
                 m_agent->log().constData());
        QTest::qWait(1100); // the customer changes their mind a moment later
        QVERIFY(vote(3));
        QVERIFY2(QTest::qWaitFor([&] { return votes().size() == 2; }, 20000),
                 m_agent->log().constData());
        const QJsonArray v = votes();
        QCOMPARE(v.at(0)[u"quotedId"_s].toString(), pollId);
        QCOMPARE(v.at(0)[u"body"_s].toString(), u"18:00"_s);
        QCOMPARE(v.at(1)[u"body"_s].toString(), u"19:30"_s);
        QCOMPARE(v.at(1)[u"phone"_s].toString(), u"+"_s + kLidPhone.chopped(5));
        QVERIFY(v.at(1)[u"t"_s].toInteger() >= v.at(0)[u"t"_s].toInteger()); // the latest wins
        // Each vote is answered in the chat.
        const auto answered = [&](const QString &text) {
            for (const auto m :
                 control(u"/control/chat?id="_s +
                         QString::fromLatin1(QUrl::toPercentEncoding(lid)))[u"messages"_s]
                     .toArray())
                if (m[u"fromMe"_s].toBool() && m[u"body"_s].toString().contains(text))
                    return true;
            return false;
        };
        QVERIFY(
            QTest::qWaitFor([&] { return answered(u"18:00"_s) && answered(u"19:30"_s); }, 20000));
        // The poll's status reports name who it went to.
        QJsonObject sent;
        QVERIFY(QTest::qWaitFor(
            [&] {
                sent = reportOf(pollId, u"delivered"_s);
                return !sent.isEmpty();
            },
            20000));
        QCOMPARE(sent[u"lid"_s].toString(), lid);
        QCOMPARE(sent[u"phone"_s].toString(), u"+"_s + kLidPhone.chopped(5));
    }

    // A job for a number whose customer WhatsApp addresses by LID goes to the LID chat, once;
    // the status reports name the chat it went to, the number and the LID.
    void aJobByNumberReachesTheLidChat()
    {
        const QString lid = u"880000000000022@lid"_s;
        const QString phoneChat = u"491709000022@c.us"_s;
        control(u"/control/inject"_s, QJsonDocument(QJsonObject{{u"chatId"_s, lid},
                                                                {u"phone"_s, phoneChat},
                                                                {u"body"_s, u"thanks!"_s}})
                                          .toJson());
        QVERIFY(QTest::qWaitFor([&] { return !replyIn(lid).isEmpty(); }, 20000));
        const QJsonObject created =
            control(u"/admin/broadcasts"_s,
                    QJsonDocument(QJsonObject{{u"tenantId"_s, u"e2e-shop"_s},
                                              {u"chats"_s, QJsonArray{phoneChat}},
                                              {u"template"_s, u"Our new beans are in!"_s}})
                        .toJson());
        QCOMPARE(created[u"jobs"_s].toInt(), 1);
        QJsonObject sent;
        QVERIFY2(
            QTest::qWaitFor(
                [&] {
                    for (const auto m :
                         control(u"/control/chat?id="_s +
                                 QString::fromLatin1(QUrl::toPercentEncoding(lid)))[u"messages"_s]
                             .toArray())
                        if (m[u"fromMe"_s].toBool() &&
                            m[u"body"_s].toString() == u"Our new beans are in!"_s)
                            sent = m.toObject();
                    return !sent.isEmpty();
                },
                30000),
            m_agent->log().constData());
        QCOMPARE(sent[u"sendCount"_s].toInt(), 1);
        QVERIFY(replyIn(phoneChat).isEmpty()); // not in a second chat
        // From the first report after the page's answer on (WhatsApp's first ack may be earlier).
        QJsonObject report;
        QVERIFY(QTest::qWaitFor(
            [&] {
                report = reportOf(sent[u"id"_s].toString(), u"delivered"_s);
                return !report.isEmpty();
            },
            20000));
        QCOMPARE(report[u"chatId"_s].toString(), phoneChat); // as the cloud addressed it
        QCOMPARE(report[u"waChatId"_s].toString(), lid);     // where WhatsApp sent it
        QCOMPARE(report[u"phone"_s].toString(), u"+491709000022"_s);
        QCOMPARE(report[u"lid"_s].toString(), lid);
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

    QJsonObject reportOf(const QString &waId, const QString &state)
    {
        for (const auto r : control(u"/admin/status?tenant=e2e-shop"_s)[u"reports"_s].toArray())
            if (r[u"waMessageId"_s].toString() == waId && r[u"state"_s].toString() == state)
                return r.toObject();
        return {};
    }

    static inline const QString kLidPhone = u"491709000021@c.us"_s;

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
