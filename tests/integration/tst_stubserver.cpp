#include "cloudprotocol.h"
#include "testenv.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslCertificate>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

// The stub over its real listeners: HTTPS for the cloud protocol and the simulator page,
// loopback HTTP for control and admin.
class TestStubServer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_stub = test::startStub();
        QVERIFY(m_stub);
        m_tls = QSslConfiguration::defaultConfiguration();
        m_tls.addCaCertificates(QSslCertificate::fromPath(test::certPath(u"ca.pem"_s)));
    }

    void inboundIsIdempotentByMessageId()
    {
        const QByteArray request = cloud::encode(cloud::InboundRequest{
            u"idem"_s, u"pc"_s,
            InboundMessage{
                u"false_1234567@c.us_I1"_s, u"1234567@c.us"_s, {}, u"chat"_s, u"hello"_s, 1, {}}});
        const auto first = https(u"/v1/inbound"_s, request);
        const auto second = https(u"/v1/inbound"_s, request);
        QCOMPARE(first.status, 200);
        QCOMPARE(second.status, 200);
        QCOMPARE(second.body, first.body);
        QCOMPARE(m_stub->cloud().inbound(u"idem"_s).size(), 1);
    }

    void tenantsDoNotSeeEachOther()
    {
        for (const QString &tenant : {u"tenant-a"_s, u"tenant-b"_s}) {
            const QByteArray request = cloud::encode(
                cloud::InboundRequest{tenant, u"pc"_s,
                                      InboundMessage{u"false_1234567@c.us_T-"_s + tenant,
                                                     u"1234567@c.us"_s,
                                                     {},
                                                     u"chat"_s,
                                                     u"secret of "_s + tenant,
                                                     1,
                                                     {}}});
            QCOMPARE(https(u"/v1/inbound"_s, request).status, 200);
        }
        const QJsonArray a =
            control(u"/admin/inbound?tenant=tenant-a"_s).json[u"messages"_s].toArray();
        QCOMPARE(a.size(), 1);
        QCOMPARE(a.at(0)[u"body"_s].toString(), u"secret of tenant-a"_s);
    }

    void badRequestsGetAnErrorBody_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::newRow("not json") << u"/v1/inbound"_s << QByteArray("{oops") << 400;
        QTest::newRow("wrong types") << u"/v1/inbound"_s << QByteArray(R"({"tenantId":1})") << 400;
        QTest::newRow("bad status") << u"/v1/status"_s << QByteArray(R"({"tenantId":"t"})") << 400;
        QTest::newRow("unknown path") << u"/v1/nothing"_s << QByteArray("{}") << 404;
    }
    void badRequestsGetAnErrorBody()
    {
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        const auto answer = https(path, body);
        QCOMPARE(answer.status, status);
        const auto error = cloud::decodeError(answer.body);
        QVERIFY2(error, answer.body.constData());
        QVERIFY(!error->message.isEmpty());
    }

    void servesTheSimulatorPage()
    {
        const auto page = https(u"/wa/"_s, {});
        QCOMPARE(page.status, 200);
        QVERIFY(page.body.contains("whatsapp-sim.js"));
        const auto script = https(u"/wa/whatsapp-sim.js"_s, {});
        QCOMPARE(script.status, 200);
        QVERIFY(script.body.contains("window.require = function"));
    }

    void controlApiValidates()
    {
        QCOMPARE(control(u"/control/inject"_s, R"({"chatId":"nope","body":"x"})").status, 400);
        const auto scan = control(u"/control/scan"_s, "{}");
        QCOMPARE(scan.status, 409);
        QVERIFY(scan.json[u"error"_s][u"message"_s].toString().contains(u"QR"_s));
        QCOMPARE(control(u"/customer"_s).status, 200);
    }

private:
    struct Answer
    {
        int status = 0;
        QByteArray body;
        QJsonObject json;
    };

    Answer request(QNetworkRequest request, const std::optional<QByteArray> &body)
    {
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        QNetworkReply *reply = body ? m_network.post(request, *body) : m_network.get(request);
        if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 10000))
            return {};
        Answer answer{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                      reply->readAll(),
                      {}};
        answer.json = QJsonDocument::fromJson(answer.body).object();
        reply->deleteLater();
        return answer;
    }

    Answer https(const QString &path, const QByteArray &body)
    {
        QNetworkRequest r(QUrl(u"https://127.0.0.1:%1%2"_s.arg(m_stub->httpsPort()).arg(path)));
        r.setSslConfiguration(m_tls);
        return request(r, body.isNull() ? std::nullopt : std::optional(body));
    }

    Answer control(const QString &path, const std::optional<QByteArray> &body = std::nullopt)
    {
        return request(
            QNetworkRequest(QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_stub->controlPort()).arg(path))),
            body);
    }

    std::unique_ptr<stub::StubServer> m_stub;
    QNetworkAccessManager m_network;
    QSslConfiguration m_tls;
};

QTEST_GUILESS_MAIN(TestStubServer)
#include "tst_stubserver.moc"
