#include "cloudprotocol.h"
#include "signing.h"
#include "testenv.h"

#include <QDateTime>
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
        m_tls = test::trustingTestCa();
    }

    void inboundIsIdempotentByMessageId()
    {
        const QByteArray request = inboundBody(u"idem"_s, u"false_1234567@c.us_I1"_s);
        const auto first = https(u"/v1/inbound"_s, request);
        const auto second = https(u"/v1/inbound"_s, request); // signed anew: a retry, not a replay
        QCOMPARE(first.status, 200);
        QCOMPARE(second.status, 200);
        QCOMPARE(second.body, first.body);
        QCOMPARE(m_stub->cloud().inbound(u"idem"_s).size(), 1);
    }

    void tenantsDoNotSeeEachOther()
    {
        for (const QString &tenant : {u"tenant-a"_s, u"tenant-b"_s}) {
            const QByteArray request = cloud::encode(
                cloud::InboundRequest{tenant, credentialsFor(tenant).agentId,
                                      InboundMessage{u"false_1234567@c.us_T-"_s + tenant,
                                                     u"1234567@c.us"_s,
                                                     {},
                                                     u"chat"_s,
                                                     u"secret of "_s + tenant,
                                                     1,
                                                     {}}});
            QCOMPARE(https(u"/v1/inbound"_s, request, tenant).status, 200);
        }
        const QJsonArray a =
            control(u"/admin/inbound?tenant=tenant-a"_s).json[u"messages"_s].toArray();
        QCOMPARE(a.size(), 1);
        QCOMPARE(a.at(0)[u"body"_s].toString(), u"secret of tenant-a"_s);
        // tenant-a's device cannot write into tenant-b, even with a valid signature.
        const QByteArray intrusion = cloud::encode(cloud::InboundRequest{
            u"tenant-b"_s, credentialsFor(u"tenant-a"_s).agentId,
            InboundMessage{
                u"false_1234567@c.us_X"_s, u"1234567@c.us"_s, {}, u"chat"_s, u"x"_s, 1, {}}});
        QCOMPARE(https(u"/v1/inbound"_s, intrusion, u"tenant-a"_s).status, 403);
    }

    // Every way a signed request can be wrong is refused with 401 and named.
    void tamperedRequestsAreRejected_data()
    {
        QTest::addColumn<QString>("tampering");
        QTest::addColumn<QString>("code");
        QTest::newRow("body changed after signing") << u"body"_s << u"bad-signature"_s;
        QTest::newRow("signature altered") << u"signature"_s << u"bad-signature"_s;
        QTest::newRow("signed for another path") << u"path"_s << u"bad-signature"_s;
        QTest::newRow("timestamp changed after signing") << u"timestamp"_s << u"bad-signature"_s;
        QTest::newRow("signed 301 s ago") << u"old"_s << u"stale-timestamp"_s;
        QTest::newRow("signed 301 s ahead") << u"future"_s << u"stale-timestamp"_s;
        QTest::newRow("nonce replayed") << u"replay"_s << u"replayed-nonce"_s;
        QTest::newRow("no signature") << u"unsigned"_s << u"stale-timestamp"_s;
        QTest::newRow("unknown token") << u"token"_s << u"unknown-token"_s;
    }
    void tamperedRequestsAreRejected()
    {
        QFETCH(QString, tampering);
        QFETCH(QString, code);
        auto credentials = credentialsFor(u"tamper"_s);
        QByteArray body = inboundBody(u"tamper"_s, u"false_1234567@c.us_"_s + tampering);
        qint64 now = QDateTime::currentSecsSinceEpoch();
        if (tampering == u"old"_s)
            now -= 301;
        if (tampering == u"future"_s)
            now += 301;
        const QString path = u"/v1/inbound"_s;
        auto signature =
            signing::sign(credentials.secret, "POST",
                          (tampering == u"path"_s ? u"/v1/status"_s : path).toUtf8(), body, now);
        if (tampering == u"body"_s)
            body.replace("hello", "HELLO");
        if (tampering == u"signature"_s)
            signature.value[5] = signature.value[5] == 'a' ? 'b' : 'a';
        if (tampering == u"timestamp"_s)
            signature.timestamp = QByteArray::number(now + 1);
        if (tampering == u"unsigned"_s)
            signature = {};
        if (tampering == u"token"_s)
            credentials.token = u"0000000000000000"_s;
        if (tampering == u"replay"_s)
            QCOMPARE(rawPost(path, body, credentials, signature).status, 200);
        const auto answer = rawPost(path, body, credentials, signature);
        QCOMPARE(answer.status, 401);
        QCOMPARE(answer.json[u"error"_s][u"code"_s].toString(), code);
        QVERIFY(!answer.json[u"error"_s][u"message"_s].toString().isEmpty());
        // Nothing of a refused request was recorded (a replay: only its first, genuine copy).
        qsizetype recorded = 0;
        for (const auto &r : m_stub->cloud().inbound(u"tamper"_s))
            recorded += r.message.id == u"false_1234567@c.us_"_s + tampering ? 1 : 0;
        QCOMPARE(recorded, tampering == u"replay"_s ? 1 : 0);
    }

    void pairingCodesFromTheAdminApi()
    {
        const auto code = control(u"/admin/pairing-codes"_s, R"({"tenantId":"admin-shop"})");
        QCOMPARE(code.status, 200);
        QVERIFY(code.json[u"code"_s].toString().contains(u'-'));
        const auto paired = https(
            u"/v1/pair"_s,
            cloud::encode(cloud::PairRequest{code.json[u"code"_s].toString(), u"pc"_s, u"1"_s}));
        QCOMPARE(paired.status, 200);
        QVERIFY(cloud::decodeCredentials(paired.body));
        QCOMPARE(control(u"/admin/pairing-codes"_s, R"({"tenantId":"no spaces"})").status, 400);
        QCOMPARE(https(u"/v1/pair"_s,
                       cloud::encode(cloud::PairRequest{u"WRONG-CODE"_s, u"pc"_s, u"1"_s}))
                     .status,
                 404);
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

    // A request to the HTTPS listener; a POST to the signed API is signed as the tenant's device.
    Answer https(const QString &path, const QByteArray &body, const QString &tenant = u"idem"_s)
    {
        QNetworkRequest r(QUrl(u"https://127.0.0.1:%1%2"_s.arg(m_stub->httpsPort()).arg(path)));
        r.setSslConfiguration(m_tls);
        if (!body.isNull() && path.startsWith(u"/v1/"_s) && path != u"/v1/pair"_s)
            setSignature(r, credentialsFor(tenant),
                         signing::sign(credentialsFor(tenant).secret, "POST", path.toUtf8(), body,
                                       QDateTime::currentSecsSinceEpoch()));
        return request(r, body.isNull() ? std::nullopt : std::optional(body));
    }

    Answer rawPost(const QString &path, const QByteArray &body,
                   const cloud::Credentials &credentials, const signing::Signature &signature)
    {
        QNetworkRequest r(QUrl(u"https://127.0.0.1:%1%2"_s.arg(m_stub->httpsPort()).arg(path)));
        r.setSslConfiguration(m_tls);
        setSignature(r, credentials, signature);
        return request(r, body);
    }

    static void setSignature(QNetworkRequest &r, const cloud::Credentials &credentials,
                             const signing::Signature &signature)
    {
        r.setRawHeader(signing::kTokenHeader, credentials.token.toUtf8());
        r.setRawHeader(signing::kTimestampHeader, signature.timestamp);
        r.setRawHeader(signing::kNonceHeader, signature.nonce);
        r.setRawHeader(signing::kSignatureHeader, signature.value);
    }

    cloud::Credentials credentialsFor(const QString &tenant)
    {
        if (!m_devices.contains(tenant))
            m_devices.insert(tenant, test::pairDevice(*m_stub, tenant));
        return m_devices.value(tenant);
    }

    QByteArray inboundBody(const QString &tenant, const QString &id)
    {
        return cloud::encode(cloud::InboundRequest{
            tenant, credentialsFor(tenant).agentId,
            InboundMessage{id, u"1234567@c.us"_s, {}, u"chat"_s, u"hello"_s, 1, {}}});
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
    QHash<QString, cloud::Credentials> m_devices;
};

QTEST_GUILESS_MAIN(TestStubServer)
#include "tst_stubserver.moc"
