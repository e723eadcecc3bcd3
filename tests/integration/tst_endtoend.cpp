#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

using namespace Qt::Literals::StringLiterals;

// The whole product as a user runs it: sak-cloud-stub and sak-agent --headless as separate
// processes, a customer typing into the simulated WhatsApp, the reply coming back.
class TestEndToEnd : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString bin = qEnvironmentVariable("SAK_BIN_DIR");
        const QString certs = QStringLiteral(SAK_TEST_CERT_DIR);
        QVERIFY2(!bin.isEmpty(), "SAK_BIN_DIR must name build/bin");

        m_stub.setProcessChannelMode(QProcess::MergedChannels);
        m_stub.start(bin + u"/sak-cloud-stub"_s,
                     {u"--port"_s, u"0"_s, u"--control-port"_s, u"0"_s, u"--cert"_s,
                      certs + u"/server.pem"_s, u"--key"_s, certs + u"/server.key"_s});
        QVERIFY(m_stub.waitForStarted());
        static const QRegularExpression httpsPort(u"https://127\\.0\\.0\\.1:(\\d+)/v1/"_s);
        static const QRegularExpression controlPort(u"http://127\\.0\\.0\\.1:(\\d+)/customer"_s);
        QByteArray banner;
        QVERIFY(QTest::qWaitFor(
            [&] {
                banner += m_stub.readAll();
                return controlPort.match(QString::fromUtf8(banner)).hasMatch();
            },
            15000));
        m_https = httpsPort.match(QString::fromUtf8(banner)).captured(1).toInt();
        m_control = controlPort.match(QString::fromUtf8(banner)).captured(1).toInt();
        QVERIFY(m_https > 0 && m_control > 0);

        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"QT_LOGGING_RULES"_s, u"sak.*.info=true"_s);
#ifdef Q_OS_UNIX
        if (geteuid() == 0)
            env.insert(u"QTWEBENGINE_DISABLE_SANDBOX"_s, u"1"_s); // root test runs only
#endif
        m_agent.setProcessEnvironment(env);
        m_agent.setProcessChannelMode(QProcess::MergedChannels);
        connect(&m_agent, &QProcess::readyRead, this, [this] { m_agentLog += m_agent.readAll(); });
        QFile pin(certs + u"/server.spki"_s);
        QVERIFY(pin.open(QIODevice::ReadOnly));
        m_agent.start(bin + u"/sak-agent"_s,
                      {u"--headless"_s, u"--cloud-url"_s, u"https://127.0.0.1:%1"_s.arg(m_https),
                       u"--ca-file"_s, certs + u"/ca.pem"_s, u"--tenant-id"_s, u"e2e-shop"_s,
                       u"--agent-id"_s, u"e2e-pc"_s, u"--whatsapp-url"_s,
                       u"https://127.0.0.1:%1/wa/"_s.arg(m_https), u"--whatsapp-spki-pins"_s,
                       QString::fromLatin1(pin.readAll().trimmed()), u"--data-dir"_s,
                       m_dir.path()});
        QVERIFY(m_agent.waitForStarted());

        // The page shows a QR; the shop owner scans it.
        QVERIFY2(QTest::qWaitFor(
                     [&] { return control(u"/control/state"_s)[u"pages"_s].toArray().size() > 0; },
                     60000),
                 m_agentLog.constData());
        QVERIFY(QTest::qWaitFor(
            [&] { return control(u"/control/scan"_s, "{}").contains(u"pageId"_s); }, 15000));
        QVERIFY2(QTest::qWaitFor([&] { return m_agentLog.contains("-> connected"); }, 30000),
                 m_agentLog.constData());
    }

    void cleanupTestCase()
    {
        for (QProcess *p : {&m_agent, &m_stub}) {
            p->terminate();
            if (!p->waitForFinished(10000))
                p->kill();
        }
    }

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
                 m_agentLog.constData());
        QCOMPARE(received[u"agentId"_s].toString(), u"e2e-pc"_s);
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
                 m_agentLog.constData());
        QCOMPARE(reply[u"body"_s].toString(), u"Cappuccino costs 3.10 EUR."_s);
        QCOMPARE(reply[u"sendCount"_s].toInt(), 1);
        const QString waId = reply[u"id"_s].toString();

        // Its acks reach the agent, which reports them to the cloud; the customer reads it.
        QVERIFY2(QTest::qWaitFor([&] { return reported(waId).contains(u"delivered"_s); }, 20000),
                 m_agentLog.constData());
        control(u"/control/read"_s, R"({"chatId":"491701234567@c.us"})");
        QVERIFY2(QTest::qWaitFor([&] { return reported(waId).contains(u"read"_s); }, 20000),
                 m_agentLog.constData());
        QCOMPARE(reported(waId), QStringList({u"sent"_s, u"delivered"_s, u"read"_s}));

        // Every hop is in the agent's log.
        for (const char *hop : {"[1 captured]", "[2 to cloud]", "[3 replies]", "[4 sending]",
                                "[5 sent]", "[6 ack]", "[7 status]"})
            QVERIFY2(m_agentLog.contains(hop), hop);
        QVERIFY2(!m_agentLog.contains("Hi! How much is a cappuccino?"),
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
                 m_agentLog.constData());
        QTest::qWait(2000); // time for a duplicate to show up, if there were one
        int relayed = 0;
        for (const auto m : control(u"/admin/inbound?tenant=e2e-shop"_s)[u"messages"_s].toArray())
            relayed += m[u"id"_s].toString() == id ? 1 : 0;
        QCOMPARE(relayed, 1);
        QCOMPARE(m_agentLog.count(QByteArray("[1 captured] message " + id.toUtf8())), 1);
        int replies = 0;
        for (const auto m :
             control(u"/control/chat?id=491702222222%40c.us"_s)[u"messages"_s].toArray())
            replies += m[u"fromMe"_s].toBool() ? 1 : 0;
        QCOMPARE(replies, 1);
        QCOMPARE(replyIn(u"491702222222@c.us"_s)[u"body"_s].toString(),
                 u"We are open Monday to Saturday 8:00-19:00 and Sunday 9:00-14:00."_s);
    }

private:
    QJsonObject control(const QString &path, const QByteArray &body = {})
    {
        QNetworkRequest request(QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_control).arg(path)));
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        QNetworkReply *reply =
            body.isNull() ? m_network.get(request) : m_network.post(request, body);
        if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 10000))
            qWarning("control API did not answer %s", qPrintable(path));
        const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
        reply->deleteLater();
        return answer;
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

    QTemporaryDir m_dir;
    QProcess m_stub;
    QProcess m_agent;
    QByteArray m_agentLog;
    int m_https = 0;
    int m_control = 0;
    QNetworkAccessManager m_network;
};

QTEST_GUILESS_MAIN(TestEndToEnd)
#include "tst_endtoend.moc"
