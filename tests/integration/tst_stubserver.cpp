// One test executable per unit: the stub over its real listeners, both of them; about 730
// lines.
#include "agent/protocol/bridgepackage.h"
#include "agent/protocol/cloudprotocol.h"
#include "agent/protocol/signing.h"
#include "tests/support/bridgetestkeys.h"
#include "tests/support/testenv.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

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
        // The stub checks a package's form, never its signature: any Ed25519 key will do.
        m_releaseKey = test::makeBridgeKey().privatePem;
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
        QTest::newRow("signed 310 s ago") << u"old"_s << u"stale-timestamp"_s;
        QTest::newRow("signed 310 s ahead") << u"future"_s << u"stale-timestamp"_s;
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
            now -= 310; // beyond the 300 s allowed, with room for the clock to tick on the way
        if (tampering == u"future"_s)
            now += 310;
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
        QTest::newRow("bad status batch")
            << u"/v1/status/batch"_s << QByteArray(R"({"tenantId":"t"})") << 400;
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

    void servesTheSimulatorPage_data()
    {
        QTest::addColumn<QString>("base");
        QTest::newRow("under /wa/") << u"/wa/"_s;
        // bench/peer: WPPConnect opens https://web.whatsapp.com/, which it maps to the stub.
        QTest::newRow("at the root") << u"/"_s;
    }
    void servesTheSimulatorPage()
    {
        QFETCH(QString, base);
        const auto page = https(base, {});
        QCOMPARE(page.status, 200);
        for (const char *script : {"loader.js", "modules.js", "whatsapp-sim.js"}) {
            QVERIFY2(page.body.contains(script), script);
            QCOMPARE(https(base + QLatin1StringView(script), {}).status, 200);
        }
        // Meta's module loader, as wa-js looks for it.
        const auto loader = https(base + u"loader.js"_s, {});
        QVERIFY(loader.body.contains("window.importNamespace = importNamespace"));
    }

    // The simulated page's one connection: calls answered by id, a refusal as an error frame,
    // and a poll held until the page has an event (the scan's "paired"), not answered empty.
    void thePageTalksOverOneWebSocket()
    {
        // A stub of its own: the page it pairs must not be there for the other tests.
        const auto stub = test::startStub();
        QVERIFY(stub);
        QWebSocket socket;
        socket.setSslConfiguration(m_tls);
        QSignalSpy frames(&socket, &QWebSocket::textMessageReceived);
        QSignalSpy connected(&socket, &QWebSocket::connected);
        socket.open(
            QUrl(u"wss://127.0.0.1:%1/ws/chat?pageId=channeltest"_s.arg(stub->httpsPort())));
        QVERIFY(connected.wait(10000));
        const auto call = [&](int id, const QString &name, const QJsonObject &body) {
            socket.sendTextMessage(QString::fromUtf8(
                QJsonDocument(QJsonObject{{u"id"_s, id}, {u"call"_s, name}, {u"body"_s, body}})
                    .toJson(QJsonDocument::Compact)));
        };
        const auto frame = [&](int i) {
            return QJsonDocument::fromJson(frames.at(i).at(0).toString().toUtf8()).object();
        };

        call(1, u"hello"_s, {});
        QVERIFY(frames.wait(10000));
        QCOMPARE(frame(0)[u"id"_s].toInt(), 1);
        QCOMPARE(frame(0)[u"answer"_s][u"paired"_s].toBool(), false);

        call(2, u"no-such-call"_s, {});
        QVERIFY(frames.wait(10000));
        QCOMPARE(frame(1)[u"id"_s].toInt(), 2);
        QCOMPARE(frame(1)[u"error"_s][u"code"_s].toString(), u"unknown-call"_s);

        call(3, u"poll"_s, QJsonObject{{u"ack"_s, 0}});
        QVERIFY2(!frames.wait(300), "a poll with nothing to deliver was answered at once");
        QVERIFY(stub->simulator().scan());
        QVERIFY(frames.wait(10000));
        QCOMPARE(frame(2)[u"id"_s].toInt(), 3);
        const QJsonArray events = frame(2)[u"answer"_s][u"events"_s].toArray();
        QVERIFY(!events.isEmpty());
        QCOMPARE(events.at(0)[u"type"_s].toString(), u"paired"_s);
    }

    // Only /ws/chat takes a WebSocket.
    void otherPathsRefuseWebSockets()
    {
        QWebSocket socket;
        socket.setSslConfiguration(m_tls);
        QSignalSpy connected(&socket, &QWebSocket::connected);
        QSignalSpy disconnected(&socket, &QWebSocket::disconnected);
        socket.open(QUrl(u"wss://127.0.0.1:%1/v1/inbound"_s.arg(m_stub->httpsPort())));
        QVERIFY(disconnected.wait(10000));
        QCOMPARE(connected.size(), 0);
    }

    // bench/peer's bot asks the rules for a reply without a device: the same answers as
    // /v1/inbound gives a paired agent.
    void benchAnswerUsesTheRules_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("reply");
        QTest::newRow("price") << QByteArray(R"({"text":"how much is a latte? 7"})") << 200
                               << u"Latte costs 3.40 EUR."_s;
        QTest::newRow("greeting with a name")
            << QByteArray(R"({"text":"hello","senderName":"Ana"})") << 200
            << u"Hello Ana! Welcome to Casa Verde Coffee."_s;
        QTest::newRow("booking: the poll's question")
            << QByteArray(R"({"text":"can I book a table?"})") << 200
            << u"Happy to keep a table for you. Which time suits you today?"_s;
        QTest::newRow("no text") << QByteArray(R"({"body":"hello"})") << 400 << QString();
        QTest::newRow("not json") << QByteArray("{oops") << 400 << QString();
    }
    void benchAnswerUsesTheRules()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, reply);
        const auto answer = https(u"/bench/answer"_s, body);
        QCOMPARE(answer.status, status);
        if (status != 200) {
            const auto error = cloud::decodeError(answer.body);
            QVERIFY2(error && error->message.contains(u"text"_s), answer.body.constData());
            return;
        }
        const QJsonArray replies = answer.json.value(u"replies"_s).toArray();
        QCOMPARE(replies.size(), 1);
        QVERIFY2(replies.at(0)[u"text"_s].toString().startsWith(reply), answer.body.constData());
    }

    void controlApiValidates()
    {
        QCOMPARE(control(u"/control/inject"_s, R"({"chatId":"nope","body":"x"})").status, 400);
        const auto scan = control(u"/control/scan"_s, "{}");
        QCOMPARE(scan.status, 409);
        QVERIFY(scan.json[u"error"_s][u"message"_s].toString().contains(u"QR"_s));
        QCOMPARE(control(u"/customer"_s).status, 200);
        const auto admin = control(u"/admin"_s);
        QCOMPARE(admin.status, 200);
        QVERIFY(admin.body.contains("Create a pairing code"));
    }

    void faultsAreValidated_data()
    {
        QTest::addColumn<QByteArray>("faults");
        QTest::newRow("not an error status") << QByteArray(R"({"status":200})");
        QTest::newRow("a rate without a status") << QByteArray(R"({"errorRate":0.5})");
        QTest::newRow("a rate above 1") << QByteArray(R"({"status":503,"errorRate":2})");
        QTest::newRow("negative latency") << QByteArray(R"({"latencyMs":-1})");
        QTest::newRow("not JSON") << QByteArray("latency please");
    }
    void faultsAreValidated()
    {
        QFETCH(QByteArray, faults);
        const auto answer = control(u"/admin/faults"_s, faults);
        QCOMPARE(answer.status, 400);
        QVERIFY(!answer.json[u"error"_s][u"message"_s].toString().isEmpty());
    }

    void injectedErrorsAndTheRequestLog()
    {
        QCOMPARE(control(u"/admin/faults"_s, R"({"status":503,"retryAfter":7,"count":2})").status,
                 200);
        const auto first =
            https(u"/v1/inbound"_s, inboundBody(u"idem"_s, u"false_1234567@c.us_F1"_s));
        const auto second =
            https(u"/v1/inbound"_s, inboundBody(u"idem"_s, u"false_1234567@c.us_F1"_s));
        const auto third =
            https(u"/v1/inbound"_s, inboundBody(u"idem"_s, u"false_1234567@c.us_F1"_s));
        QCOMPARE(first.status, 503);
        QCOMPARE(second.status, 503);
        QCOMPARE(third.status, 200);
        QCOMPARE(first.json[u"error"_s][u"code"_s].toString(), u"injected-fault"_s);

        // Every signed request is on record, the refused ones too.
        const QJsonArray log = control(u"/admin/requests"_s).json[u"requests"_s].toArray();
        QVERIFY(log.size() >= 3);
        const auto last = [&](int back) {
            return log.at(log.size() - back).toObject();
        };
        QCOMPARE(last(3)[u"status"_s].toInt(), 503);
        QCOMPARE(last(2)[u"status"_s].toInt(), 503);
        QCOMPARE(last(1)[u"status"_s].toInt(), 200);
        QCOMPARE(last(1)[u"path"_s].toString(), u"/v1/inbound"_s);
        QCOMPARE(last(1)[u"agentId"_s].toString(), credentialsFor(u"idem"_s).agentId);
    }

    // Added latency holds up the answer, not the server: other requests are served meanwhile.
    void latencyDelaysAnswersWithoutBlockingTheServer()
    {
        QCOMPARE(control(u"/admin/faults"_s, R"({"latencyMs":1500})").status, 200);
        const QByteArray body = inboundBody(u"idem"_s, u"false_1234567@c.us_L1"_s);
        QNetworkRequest r(QUrl(u"https://127.0.0.1:%1/v1/inbound"_s.arg(m_stub->httpsPort())));
        r.setSslConfiguration(m_tls);
        r.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        setSignature(r, credentialsFor(u"idem"_s),
                     signing::sign(credentialsFor(u"idem"_s).secret, "POST", "/v1/inbound", body,
                                   QDateTime::currentSecsSinceEpoch()));
        QElapsedTimer clock;
        clock.start();
        QNetworkReply *slow = m_network.post(r, body);
        QCOMPARE(control(u"/control/state"_s).status, 200);
        QVERIFY(!slow->isFinished());
        QVERIFY(QTest::qWaitFor([slow] { return slow->isFinished(); }, 10000));
        QVERIFY(clock.elapsed() >= 1500);
        QCOMPARE(slow->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        slow->deleteLater();
        QCOMPARE(control(u"/admin/faults"_s, "{}").status, 200); // faults off
    }

    // With a state file, a new stub goes on where the previous one stopped: devices, answers
    // given (a repeated request is still answered as the first time), jobs not acknowledged.
    void stateSurvivesARestart()
    {
        QTemporaryDir dir;
        const QString stateFile = dir.filePath(u"state.json"_s);
        auto first = test::startStub(stateFile);
        QVERIFY(first);
        const auto device = test::pairDevice(*first, u"restart-shop"_s);
        const QByteArray body =
            cloud::encode(cloud::InboundRequest{u"restart-shop"_s, device.agentId,
                                                InboundMessage{u"false_1234567@c.us_R1"_s,
                                                               u"1234567@c.us"_s,
                                                               {},
                                                               u"chat"_s,
                                                               u"how much is a latte?"_s,
                                                               1,
                                                               {}}});
        const auto answered = signedPost(*first, device, u"/v1/inbound"_s, body);
        QCOMPARE(answered.status, 200);
        QCOMPARE(
            first->jobs().broadcast(u"restart-shop"_s, {u"491705555555@c.us"_s}, u"Hi"_s).value(),
            1);
        const QByteArray bridgePackage = package(u"1.4.0"_s);
        QVERIFY(first->cloud().bridgePackages().publish(u"restart-shop"_s, bridgePackage, 1));
        first.reset(); // written at the end, like at SIGTERM

        auto second = test::startStub(stateFile);
        QVERIFY(second);
        const auto again = signedPost(*second, device, u"/v1/inbound"_s, body);
        QCOMPARE(again.status, 200);
        QCOMPARE(again.body, answered.body);
        QCOMPARE(second->cloud().inbound(u"restart-shop"_s).size(), 1);
        QCOMPARE(second->jobs().jobs(u"restart-shop"_s)[u"pending"_s].toArray().size(), 1);
        const auto fetched = signedPost(*second, device, u"/v1/bridge/package"_s,
                                        cloud::encode(cloud::BridgePackageRequest{u"1.4.0"_s}));
        QCOMPARE(fetched.status, 200);
        QVERIFY(fetched.body == bridgePackage);
    }

    void aDamagedStateFileIsRefusedWithAnExplanation()
    {
        QTemporaryDir dir;
        QFile file(dir.filePath(u"state.json"_s));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{ not json");
        file.close();
        stub::StubServer server;
        stub::StubOptions options;
        options.httpsPort = options.controlPort = options.jobsPort = 0;
        options.certFile = test::certPath(u"server.pem"_s);
        options.keyFile = test::certPath(u"server.key"_s);
        options.rulesFile = test::rulesPath();
        options.stateFile = file.fileName();
        const auto started = server.start(options);
        QVERIFY(!started);
        QVERIFY2(started.error().message.contains(u"move it away"_s),
                 qPrintable(started.error().message));
    }

    // A package published for a tenant reaches its agents: announced in the heartbeat's
    // answer (as the agent reads it), then served byte for byte; both answers signed for the
    // agent. The largest document the agent takes goes through both listeners whole.
    void aPublishedPackageReachesTheAgent_data()
    {
        QTest::addColumn<int>("librarySize");
        QTest::newRow("small") << 2000;
        // base64 makes 4 bytes of 3: a document just under 8 MiB.
        QTest::newRow("near the 8 MiB limit") << int(bridgepackage::kMaxBytes / 4 * 3 - 2048);
    }
    void aPublishedPackageReachesTheAgent()
    {
        QFETCH(int, librarySize);
        const QString tenant = u"bridge-shop"_s;
        QCOMPARE(control(u"/admin/bridge?tenant="_s + tenant, std::nullopt, "DELETE").status, 200);
        const QByteArray document = package(u"1.2.0"_s, librarySize);
        QVERIFY(document.size() <= bridgepackage::kMaxBytes);
        if (librarySize > 2000)
            QVERIFY(document.size() > bridgepackage::kMaxBytes - 8192);
        const QString sha256 = QString::fromLatin1(
            QCryptographicHash::hash(document, QCryptographicHash::Sha256).toHex());

        const auto published = control(u"/admin/bridge/publish?tenant="_s + tenant, document);
        QCOMPARE(published.status, 200);
        QCOMPARE(published.json[u"version"_s].toString(), u"1.2.0"_s);
        QCOMPARE(published.json[u"size"_s].toInteger(), qint64(document.size()));
        QCOMPARE(published.json[u"sha256"_s].toString(), sha256);

        const auto beat = asAgent(tenant, u"/v1/heartbeat"_s, heartbeatBody(tenant));
        QCOMPARE(beat.status, 200);
        QVERIFY(beat.signedForAgent);
        QCOMPARE(beat.json[u"ok"_s].toBool(), true);
        const auto announced = cloud::decodeHeartbeatAnswer(beat.body);
        QVERIFY2(announced && announced.value().bridge, beat.body.constData());
        QCOMPARE(announced.value().bridge->version, u"1.2.0"_s);
        QCOMPARE(announced.value().bridge->size, qint64(document.size()));
        QCOMPARE(QString::fromLatin1(announced.value().bridge->sha256), sha256);

        const auto fetched = asAgent(tenant, u"/v1/bridge/package"_s,
                                     cloud::encode(cloud::BridgePackageRequest{u"1.2.0"_s}));
        QCOMPARE(fetched.status, 200);
        QVERIFY(fetched.signedForAgent);
        QCOMPARE(fetched.body.size(), document.size());
        QVERIFY(fetched.body == document);
        const QJsonArray log = control(u"/admin/requests"_s).json[u"requests"_s].toArray();
        QCOMPARE(log.last()[u"path"_s].toString(), u"/v1/bridge/package"_s);
        QCOMPARE(log.last()[u"status"_s].toInt(), 200);

        // Another tenant's agent is told nothing and gets nothing.
        const auto otherBeat =
            asAgent(u"bridge-other"_s, u"/v1/heartbeat"_s, heartbeatBody(u"bridge-other"_s));
        QCOMPARE(otherBeat.status, 200);
        QCOMPARE(otherBeat.body, QByteArray(R"({"ok":true})"));
        QCOMPARE(asAgent(u"bridge-other"_s, u"/v1/bridge/package"_s,
                         cloud::encode(cloud::BridgePackageRequest{u"1.2.0"_s}))
                     .status,
                 404);
    }

    // What is not a package is refused with the reader's own sentence, and nothing is kept.
    void aMalformedPackageIsRefused_data()
    {
        QTest::addColumn<QByteArray>("document");
        QTest::addColumn<QString>("code");
        const QByteArray valid = package(u"1.0.0"_s);
        QTest::newRow("not JSON") << QByteArray("{oops") << u"bridge-package-malformed"_s;
        QTest::newRow("not a package") << QByteArray("{}") << u"bridge-package-malformed"_s;
        QTest::newRow("cut short") << valid.left(valid.size() / 2) << u"bridge-package-malformed"_s;
        QTest::newRow("unknown format") << QByteArray(valid).replace("sak-bridge/1", "sak-bridge/9")
                                        << u"bridge-package-malformed"_s;
        QTest::newRow("larger than 8 MiB")
            << package(u"1.0.0"_s, int(bridgepackage::kMaxBytes / 4 * 3 + 4096))
            << u"bridge-package-too-large"_s;
    }
    void aMalformedPackageIsRefused()
    {
        QFETCH(QByteArray, document);
        QFETCH(QString, code);
        const auto refused = control(u"/admin/bridge/publish?tenant=bridge-refused"_s, document);
        QCOMPARE(refused.status, 400);
        QCOMPARE(refused.json[u"error"_s][u"code"_s].toString(), code);
        const auto read = bridgepackage::read(document);
        QVERIFY(!read);
        QCOMPARE(refused.json[u"error"_s][u"message"_s].toString(), read.error().message);
        const auto listed = control(u"/admin/bridge?tenant=bridge-refused"_s);
        QCOMPARE(listed.status, 200);
        QCOMPARE(listed.json[u"packages"_s].toArray().size(), 0);
    }

    void packageRequestsAreChecked_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::newRow("the published version")
            << QByteArray(R"({"v":1,"version":"2.0.0"})") << 200 << QString();
        QTest::newRow("an unknown version")
            << QByteArray(R"({"v":1,"version":"9.9.9"})") << 404 << u"unknown-package"_s;
        QTest::newRow("no version") << QByteArray(R"({"v":1})") << 400 << u"invalid-request"_s;
        QTest::newRow("a number for a version")
            << QByteArray(R"({"v":1,"version":2})") << 400 << u"invalid-request"_s;
        QTest::newRow("not JSON") << QByteArray("{oops") << 400 << u"invalid-request"_s;
    }
    void packageRequestsAreChecked()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, code);
        const QString tenant = u"bridge-requests"_s;
        if (control(u"/admin/bridge?tenant="_s + tenant).json[u"packages"_s].toArray().isEmpty())
            QCOMPARE(
                control(u"/admin/bridge/publish?tenant="_s + tenant, package(u"2.0.0"_s)).status,
                200);
        const auto answer = asAgent(tenant, u"/v1/bridge/package"_s, body);
        QCOMPARE(answer.status, status);
        QVERIFY(answer.signedForAgent); // refusals are signed too
        if (status == 200) {
            QVERIFY(bridgepackage::read(answer.body));
            return;
        }
        QCOMPARE(answer.json[u"error"_s][u"code"_s].toString(), code);
        QVERIFY(!answer.json[u"error"_s][u"message"_s].toString().isEmpty());
    }

    // The newest version by number (1.10.0 after 1.9.0, not as text) is the one announced;
    // publishing a version again replaces it; withdrawing ends the announcements.
    void theNewestVersionWins()
    {
        const QString tenant = u"bridge-versions"_s;
        const QString admin = u"/admin/bridge?tenant="_s + tenant;
        const QString publish = u"/admin/bridge/publish?tenant="_s + tenant;
        for (const QString &version : {u"1.9.0"_s, u"1.10.0"_s, u"1.2.0"_s})
            QCOMPARE(control(publish, package(version)).status, 200);
        const auto announced = [&] {
            return asAgent(tenant, u"/v1/heartbeat"_s, heartbeatBody(tenant))
                .json[u"bridge"_s][u"version"_s]
                .toString();
        };
        QCOMPARE(announced(), u"1.10.0"_s);

        const QByteArray replacement = package(u"1.9.0"_s, 3000);
        QCOMPARE(control(publish, replacement).status, 200);
        const QJsonArray listed = control(admin).json[u"packages"_s].toArray();
        QStringList versions;
        for (const auto &p : listed)
            versions << p[u"version"_s].toString();
        QCOMPARE(versions, (QStringList{u"1.10.0"_s, u"1.9.0"_s, u"1.2.0"_s}));
        QCOMPARE(listed.at(0)[u"announced"_s].toBool(), true);
        QCOMPARE(listed.at(1)[u"announced"_s].toBool(), false);
        QCOMPARE(listed.at(1)[u"size"_s].toInteger(), qint64(replacement.size()));
        QCOMPARE(asAgent(tenant, u"/v1/bridge/package"_s,
                         cloud::encode(cloud::BridgePackageRequest{u"1.9.0"_s}))
                     .body,
                 replacement);
        QCOMPARE(announced(), u"1.10.0"_s);

        const auto withdrawn = control(admin, std::nullopt, "DELETE");
        QCOMPARE(withdrawn.status, 200);
        QCOMPARE(withdrawn.json[u"withdrawn"_s].toInt(), 3);
        const auto beat = asAgent(tenant, u"/v1/heartbeat"_s, heartbeatBody(tenant));
        QCOMPARE(beat.status, 200);
        QVERIFY2(!beat.json.contains(u"bridge"_s), beat.body.constData());
        QCOMPARE(asAgent(tenant, u"/v1/bridge/package"_s,
                         cloud::encode(cloud::BridgePackageRequest{u"1.10.0"_s}))
                     .status,
                 404);
        QCOMPARE(control(u"/admin/bridge/publish?tenant=no%20spaces"_s, package(u"1.0.0"_s)).status,
                 400);
    }

private:
    struct Answer
    {
        int status = 0;
        QByteArray body;
        QJsonObject json;
        QByteArray signature; // the answer's X-Sak-Signature
        bool signedForAgent = false;
    };

    // A package document signed with the test's key; `librarySize` characters of wa-js.
    QByteArray package(const QString &version, int librarySize = 1000)
    {
        bridgepackage::Manifest manifest = test::testManifest(version);
        manifest.notes = u"package %1 with %2 characters of wa-js"_s.arg(version).arg(librarySize);
        manifest.library = QString(librarySize, u'w');
        const auto signedDocument = bridgepackage::sign(manifest, m_releaseKey);
        if (!signedDocument)
            qWarning().noquote() << signedDocument.error().message;
        return signedDocument ? signedDocument.value() : QByteArray();
    }

    QByteArray heartbeatBody(const QString &tenant)
    {
        cloud::Heartbeat heartbeat;
        heartbeat.tenantId = tenant;
        heartbeat.agentId = credentialsFor(tenant).agentId;
        heartbeat.session = u"connected"_s;
        heartbeat.health = u"ok"_s;
        heartbeat.protection = u"keychain"_s;
        heartbeat.agentVersion = u"0.1.0"_s;
        return cloud::encode(heartbeat);
    }

    // A signed request as the tenant's agent; whether the answer is signed for that request.
    Answer asAgent(const QString &tenant, const QString &path, const QByteArray &body)
    {
        const auto device = credentialsFor(tenant);
        const auto signature = signing::sign(device.secret, "POST", path.toUtf8(), body,
                                             QDateTime::currentSecsSinceEpoch());
        Answer answer = rawPost(path, body, device, signature);
        answer.signedForAgent =
            bool(signing::verifyAnswer(device.secret, path.toUtf8(), signature.nonce, answer.status,
                                       answer.body, answer.signature));
        return answer;
    }

    Answer signedPost(stub::StubServer &server, const cloud::Credentials &device,
                      const QString &path, const QByteArray &body)
    {
        QNetworkRequest r(QUrl(u"https://127.0.0.1:%1%2"_s.arg(server.httpsPort()).arg(path)));
        r.setSslConfiguration(m_tls);
        setSignature(r, device,
                     signing::sign(device.secret, "POST", path.toUtf8(), body,
                                   QDateTime::currentSecsSinceEpoch()));
        return request(r, body);
    }

    // A POST with a body, else a GET; or the request `verb` names.
    Answer request(QNetworkRequest request, const std::optional<QByteArray> &body,
                   const QByteArray &verb = {})
    {
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        QNetworkReply *reply = !verb.isEmpty() ? m_network.sendCustomRequest(request, verb)
                               : body          ? m_network.post(request, *body)
                                               : m_network.get(request);
        // A signal spy's event loop, not qWaitFor's polling: the stub in this thread then
        // moves an 8 MiB body without a pause between its pieces.
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished() && !finished.wait(10000))
            return {};
        Answer answer{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                      reply->readAll(),
                      {},
                      reply->rawHeader(signing::kSignatureHeader)};
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

    Answer control(const QString &path, const std::optional<QByteArray> &body = std::nullopt,
                   const QByteArray &verb = {})
    {
        return request(
            QNetworkRequest(QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_stub->controlPort()).arg(path))),
            body, verb);
    }

    std::unique_ptr<stub::StubServer> m_stub;
    QNetworkAccessManager m_network;
    QSslConfiguration m_tls;
    QHash<QString, cloud::Credentials> m_devices;
    QByteArray m_releaseKey; // PEM
};

QTEST_GUILESS_MAIN(TestStubServer)
#include "tst_stubserver.moc"
