#include "cloudclient.h"
#include "fakesession.h"
#include "testenv.h"

#include <QTcpServer>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

class TestCloudClient : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_stub = test::startStub();
        QVERIFY(m_stub);
    }

    void relaysAMessageAndGetsTheReply()
    {
        CloudClient client;
        QVERIFY(client.configure(options(test::certPath(u"ca.pem"_s))));
        const auto reply = post(client, test::customerMessage(u"A1"_s, u"491701234567@c.us"_s,
                                                              u"how much is an espresso?"_s));
        QVERIFY2(reply, reply ? "" : qPrintable(reply.error().message));
        QCOMPARE(reply.value().replies.size(), 1);
        QCOMPARE(reply.value().replies.at(0).text, u"Espresso costs 2.20 EUR."_s);
        QCOMPARE(reply.value().replies.at(0).chatId, u"491701234567@c.us"_s);
        QCOMPARE(m_stub->cloud().inbound(u"shop"_s).size(), 1);
    }

    // Without the CA that signed the stub's certificate, the TLS handshake must fail: the
    // agent never talks to a server it cannot verify.
    void rejectsTheServerWithoutItsCa_data()
    {
        QTest::addColumn<QString>("caFile");
        QTest::newRow("system CAs only") << QString();
        QTest::newRow("an unrelated CA") << test::certPath(u"server.crt"_s);
    }
    void rejectsTheServerWithoutItsCa()
    {
        QFETCH(QString, caFile);
        CloudClient client;
        QVERIFY(client.configure(options(caFile)));
        const qsizetype before = m_stub->cloud().inbound(u"shop"_s).size();
        const auto reply =
            post(client, test::customerMessage(u"T1"_s, u"491701234567@c.us"_s, u"hi"_s));
        QVERIFY(!reply);
        QCOMPARE(reply.error().code, u"tls"_s);
        QVERIFY2(reply.error().message.contains(u"--ca-file"_s), qPrintable(reply.error().message));
        QCOMPARE(m_stub->cloud().inbound(u"shop"_s).size(), before);
    }

    void caFileWithoutCertificatesIsAConfigError()
    {
        CloudClient client;
        const auto configured = client.configure(options(test::certPath(u"server.spki"_s)));
        QVERIFY(!configured);
        QVERIFY(configured.error().message.contains(u"holds no PEM certificate"_s));
    }

    void serverErrorsBecomeReadableErrors()
    {
        CloudClient client;
        auto o = options(test::certPath(u"ca.pem"_s));
        o.tenantId = u"bad tenant"_s; // refused by the server's validation
        QVERIFY(client.configure(o));
        const auto reply =
            post(client, test::customerMessage(u"E1"_s, u"491701234567@c.us"_s, u"hi"_s));
        QVERIFY(!reply);
        QCOMPARE(reply.error().code, u"http-400"_s);
        QVERIFY2(reply.error().message.contains(u"invalid-request"_s),
                 qPrintable(reply.error().message));
    }

    void unreachableServer()
    {
        QTcpServer closed; // take a free port, then free it so nothing listens there
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 port = closed.serverPort();
        closed.close();
        CloudClient client;
        auto o = options(test::certPath(u"ca.pem"_s));
        o.baseUrl = QUrl(u"https://127.0.0.1:%1"_s.arg(port));
        QVERIFY(client.configure(o));
        const auto reply =
            post(client, test::customerMessage(u"U1"_s, u"491701234567@c.us"_s, u"hi"_s));
        QVERIFY(!reply);
        QCOMPARE(reply.error().code, u"network"_s);
        QVERIFY(reply.error().message.contains(u"cannot be reached"_s));
    }

    void statusReportsReachTheCloud()
    {
        CloudClient client;
        QVERIFY(client.configure(options(test::certPath(u"ca.pem"_s))));
        cloud::StatusReport report;
        report.clientId = u"r-1"_s;
        report.waMessageId = u"3EB0AA"_s;
        report.chatId = u"491701234567@c.us"_s;
        report.state = u"read"_s;
        std::optional<Status> outcome;
        client.postStatus(report, [&](Status s) { outcome = s; });
        QTRY_VERIFY(outcome.has_value());
        QVERIFY(*outcome);
        const auto reports = m_stub->cloud().statusReports(u"shop"_s);
        QCOMPARE(reports.size(), 1);
        QCOMPARE(reports.at(0).state, u"read"_s);
        QCOMPARE(reports.at(0).agentId, u"pc"_s);
    }

private:
    CloudClientOptions options(const QString &caFile) const
    {
        return {QUrl(u"https://127.0.0.1:%1"_s.arg(m_stub->httpsPort())), caFile, u"shop"_s,
                u"pc"_s, std::chrono::seconds(10)};
    }

    static Result<cloud::InboundResponse> post(CloudClient &client, const InboundMessage &message)
    {
        std::optional<Result<cloud::InboundResponse>> outcome;
        client.postInbound(
            message, [&](Result<cloud::InboundResponse> r) { outcome.emplace(std::move(r)); });
        if (!QTest::qWaitFor([&] { return outcome.has_value(); }, 15000))
            return Error{u"test"_s, u"no answer within 15 s"_s};
        return *outcome;
    }

    std::unique_ptr<stub::StubServer> m_stub;
};

QTEST_GUILESS_MAIN(TestCloudClient)
#include "tst_cloudclient.moc"
