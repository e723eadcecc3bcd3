#include "agent/cloud/cloudclient.h"
#include "agent/cloud/keypins.h"
#include "tests/support/fakesession.h"
#include "tests/support/testenv.h"

#include <QDateTime>
#include <QFile>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslServer>
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
        m_credentials = test::pairDevice(*m_stub, u"shop"_s);
    }

    void relaysAMessageAndGetsTheReply()
    {
        CloudClient client;
        QVERIFY(client.configure(options(test::certPath(u"ca.pem"_s))));
        client.setCredentials(m_credentials);
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
        client.setCredentials(m_credentials);
        const qsizetype before = m_stub->cloud().inbound(u"shop"_s).size();
        const auto reply =
            post(client, test::customerMessage(u"T1"_s, u"491701234567@c.us"_s, u"hi"_s));
        QVERIFY(!reply);
        QCOMPARE(reply.error().code, u"tls"_s);
        QVERIFY2(reply.error().message.contains(u"--ca-file"_s), qPrintable(reply.error().message));
        QCOMPARE(m_stub->cloud().inbound(u"shop"_s).size(), before);
    }

    // A pin narrows the trust to the pinned keys: the server's own key or its CA's key passes,
    // another key (a server some CA vouches for, but not ours) is refused before the request.
    void pinnedKeys_data()
    {
        QTest::addColumn<QString>("pin");
        QTest::addColumn<bool>("accepted");
        const auto ca = QSslCertificate::fromPath(test::certPath(u"ca.pem"_s));
        QTest::newRow("the server's key") << test::serverPin() << true;
        QTest::newRow("the CA's key") << QString::fromLatin1(keypins::pinOf(ca.value(0))) << true;
        QTest::newRow("another key")
            << QString::fromLatin1(QByteArray(32, 'k').toBase64()) << false;
    }
    void pinnedKeys()
    {
        QFETCH(QString, pin);
        QFETCH(bool, accepted);
        CloudClient client;
        auto o = options(test::certPath(u"ca.pem"_s));
        o.spkiPins = {pin};
        QVERIFY(client.configure(o));
        client.setCredentials(m_credentials);
        const qsizetype before = m_stub->cloud().inbound(u"shop"_s).size();
        const auto reply =
            post(client,
                 test::customerMessage(u"P-%1"_s.arg(QString::fromLatin1(QTest::currentDataTag())),
                                       u"491701234567@c.us"_s, u"hi"_s));
        if (accepted) {
            QVERIFY2(reply, reply ? "" : qPrintable(reply.error().message));
            QCOMPARE(m_stub->cloud().inbound(u"shop"_s).size(), before + 1);
        } else {
            QVERIFY(!reply);
            QCOMPARE(reply.error().code, u"tls-pin"_s);
            QVERIFY2(reply.error().message.contains(u"spki-pins"_s),
                     qPrintable(reply.error().message));
            QCOMPARE(m_stub->cloud().inbound(u"shop"_s).size(), before);
        }
    }

    // Our pin computation agrees with OpenSSL's (scripts/make-certs.sh wrote server.spki).
    void pinOfTheServerCertificateMatchesOpenSsl()
    {
        const auto chain = QSslCertificate::fromPath(test::certPath(u"server.crt"_s));
        QVERIFY(!chain.isEmpty());
        QCOMPARE(QString::fromLatin1(keypins::pinOf(chain.at(0))), test::serverPin());
    }

    void caFileWithoutCertificatesIsAConfigError()
    {
        CloudClient client;
        const auto configured = client.configure(options(test::certPath(u"server.spki"_s)));
        QVERIFY(!configured);
        QVERIFY(configured.error().message.contains(u"holds no PEM certificate"_s));
    }

    void aDeviceSpeaksOnlyForItsOwnTenant()
    {
        auto credentials = m_credentials;
        credentials.tenantId = u"another-shop"_s; // signed correctly, but not its tenant
        auto c = client(credentials);
        const auto reply =
            post(*c, test::customerMessage(u"E1"_s, u"491701234567@c.us"_s, u"hi"_s));
        QVERIFY(!reply);
        QCOMPARE(reply.error().code, u"http-403"_s);
        QVERIFY2(reply.error().message.contains(u"tenant-mismatch"_s),
                 qPrintable(reply.error().message));
        QVERIFY(m_stub->cloud().inbound(u"another-shop"_s).isEmpty());
    }

    void badCredentialsAreRefused_data()
    {
        QTest::addColumn<QString>("token");
        QTest::addColumn<QByteArray>("secret");
        QTest::addColumn<QString>("reason");
        QTest::newRow("wrong secret") << QString() << QByteArray(32, 'x') << u"bad-signature"_s;
        QTest::newRow("unknown token")
            << u"feedfacefeedface"_s << QByteArray() << u"unknown-token"_s;
    }
    void badCredentialsAreRefused()
    {
        QFETCH(QString, token);
        QFETCH(QByteArray, secret);
        QFETCH(QString, reason);
        auto credentials = m_credentials;
        if (!token.isEmpty())
            credentials.token = token;
        if (!secret.isEmpty())
            credentials.secret = secret;
        auto c = client(credentials);
        const auto reply =
            post(*c, test::customerMessage(u"B1"_s, u"491701234567@c.us"_s, u"hi"_s));
        QVERIFY(!reply);
        // The cloud cannot sign a refusal with a secret the agent holds: the refusal is named,
        // never acted on.
        QCOMPARE(reply.error().code, u"unsigned-answer"_s);
        QVERIFY2(reply.error().message.contains(u"HTTP 401"_s) &&
                     reply.error().message.contains(reason),
                 qPrintable(reply.error().message));
    }

    void unpairedAgentSaysHowToPair()
    {
        CloudClient c;
        QVERIFY(c.configure(options(test::certPath(u"ca.pem"_s))));
        const auto reply = post(c, test::customerMessage(u"N1"_s, u"491701234567@c.us"_s, u"hi"_s));
        QVERIFY(!reply);
        QCOMPARE(reply.error().code, u"not-paired"_s);
        QVERIFY(reply.error().message.contains(u"--pair"_s));
    }

    void pairingRotationAndUnpairing()
    {
        const QString code =
            m_stub->cloud()
                .devices()
                .createPairingCode(u"pairing-shop"_s, QDateTime::currentSecsSinceEpoch())[u"code"_s]
                .toString();
        CloudClient c;
        QVERIFY(c.configure(options(test::certPath(u"ca.pem"_s))));
        const auto paired = pairWith(c, code.toLower()); // typed in lower case: still fine
        QVERIFY2(paired, paired ? "" : qPrintable(paired.error().message));
        QCOMPARE(paired.value().tenantId, u"pairing-shop"_s);
        QVERIFY(paired.value().agentId.startsWith(u"agent-"_s));
        QVERIFY(paired.value().secret.size() >= 32);

        const auto again = pairWith(c, code); // single use
        QVERIFY(!again);
        QCOMPARE(again.error().code, u"http-404"_s);
        QVERIFY(again.error().message.contains(u"unknown or has expired"_s));

        c.setCredentials(paired.value());
        QVERIFY(post(c, test::customerMessage(u"P1"_s, u"491701234567@c.us"_s, u"hi"_s)));

        // Rotation: the new secret works, and so does the old one until the next rotation.
        std::optional<Result<cloud::Credentials>> rotated;
        c.rotateCredentials([&](Result<cloud::Credentials> r) { rotated.emplace(std::move(r)); });
        QTRY_VERIFY(rotated.has_value());
        QVERIFY(*rotated);
        QVERIFY(rotated->value().secret != paired.value().secret);
        QVERIFY(post(c, test::customerMessage(u"P2"_s, u"491701234567@c.us"_s, u"hi"_s)));
        c.setCredentials(rotated->value());
        QVERIFY(post(c, test::customerMessage(u"P3"_s, u"491701234567@c.us"_s, u"hi"_s)));

        std::optional<Status> unpaired;
        c.unpair([&](Status s) { unpaired = s; });
        QTRY_VERIFY(unpaired.has_value());
        QVERIFY(*unpaired);
        const auto refused =
            post(c, test::customerMessage(u"P4"_s, u"491701234567@c.us"_s, u"hi"_s));
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, u"unsigned-answer"_s);
        QVERIFY2(refused.error().message.contains(u"unknown-token"_s),
                 qPrintable(refused.error().message));
    }

    // An answer the cloud did not sign, or one changed after it signed it, is an error value
    // for every request the agent acts on; the next, genuine answer is used again.
    void answersNotSignedByTheCloudAreNotUsed_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("signature");
        QTest::addColumn<QString>("code");
        for (const QString &path : {u"/v1/inbound"_s, u"/v1/status/batch"_s, u"/v1/heartbeat"_s,
                                    u"/v1/jobs/poll"_s, u"/v1/credentials/rotate"_s}) {
            QTest::addRow("%s stripped", qPrintable(path))
                << path << u"strip"_s << u"unsigned-answer"_s;
            QTest::addRow("%s tampered with", qPrintable(path))
                << path << u"tamper"_s << u"bad-answer-signature"_s;
        }
    }
    void answersNotSignedByTheCloudAreNotUsed()
    {
        QFETCH(QString, path);
        QFETCH(QString, signature);
        QFETCH(QString, code);
        const auto credentials = test::pairDevice(*m_stub, u"proxied-shop"_s);
        auto c = client(credentials);
        m_stub->setFaults({.remaining = 1, .path = path, .signature = signature});
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(u"^Not acting on the answer of 127.0.0.1 to %1 - "
                                                u".*a proxy or a mis-issued certificate"_s.arg(
                                                    QRegularExpression::escape(path))));
        const Status refused = call(*c, path);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, code);
        QVERIFY2(refused.error().message.contains(u"(a proxy or a mis-issued certificate?)"_s),
                 qPrintable(refused.error().message));
        // A rotation whose answer was refused leaves the agent with its secret, which the cloud
        // still takes: the previous secret stays valid until the next rotation.
        const Status genuine = call(*c, path);
        QVERIFY2(genuine, genuine ? "" : qPrintable(genuine.error().message));
        m_stub->setFaults({});
    }

    // Answers the agent cannot read are refused without a crash, and say why: one nested
    // 100,000 levels deep, one larger than the agent reads of the endpoint (96 MiB for the
    // replies to a message, 64 KiB for a status answer).
    void deepAndOversizedAnswersAreRefused_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("answer");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("says");
        QTest::newRow("nested replies") << u"/v1/inbound"_s << u"nested"_s << u"bad-response"_s
                                        << u"nested more than 32 levels"_s;
        QTest::newRow("nested frames") << u"/v1/jobs/poll"_s << u"nested"_s << u"invalid-request"_s
                                       << u"nested more than 32 levels"_s;
        QTest::newRow("oversized replies") << u"/v1/inbound"_s << u"oversized"_s << u"too-large"_s
                                           << u"larger than the 100663296 bytes"_s;
        QTest::newRow("oversized status answer")
            << u"/v1/status/batch"_s << u"oversized"_s << u"too-large"_s
            << u"larger than the 65536 bytes"_s;
    }
    void deepAndOversizedAnswersAreRefused()
    {
        QFETCH(QString, path);
        QFETCH(QString, answer);
        QFETCH(QString, code);
        QFETCH(QString, says);
        auto c = client(test::pairDevice(*m_stub, u"odd-answers-shop"_s));
        m_stub->setFaults({.remaining = 1, .path = path, .answer = answer});
        if (code == u"too-large"_s)
            QTest::ignoreMessage(QtWarningMsg,
                                 QRegularExpression(u"^Refused an answer of 127.0.0.1 to "_s +
                                                    QRegularExpression::escape(path)));
        const Status refused = call(*c, path);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, code);
        QVERIFY2(refused.error().message.contains(says), qPrintable(refused.error().message));
        const Status next = call(*c, path);
        QVERIFY2(next, next ? "" : qPrintable(next.error().message));
        m_stub->setFaults({});
    }

    // A redirect is an error, not followed: the signed request and the token never reach the
    // server it points at (here the stub itself, which would take them).
    void aRedirectIsNotFollowed()
    {
        QSslServer redirector;
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        QFile cert(test::certPath(u"server.pem"_s));
        QFile key(test::certPath(u"server.key"_s));
        QVERIFY(cert.open(QIODevice::ReadOnly) && key.open(QIODevice::ReadOnly));
        tls.setLocalCertificateChain(QSslCertificate::fromData(cert.readAll()));
        tls.setPrivateKey(QSslKey(key.readAll(), QSsl::Rsa));
        redirector.setSslConfiguration(tls);
        QVERIFY(redirector.listen(QHostAddress::LocalHost));
        const QByteArray target =
            u"https://127.0.0.1:%1/v1/inbound"_s.arg(m_stub->httpsPort()).toLatin1();
        int asked = 0;
        connect(&redirector, &QTcpServer::pendingConnectionAvailable, this, [&] {
            QTcpSocket *socket = redirector.nextPendingConnection();
            connect(socket, &QTcpSocket::readyRead, socket, [socket, target, &asked] {
                socket->readAll();
                if (socket->property("answered").toBool())
                    return;
                socket->setProperty("answered", true);
                ++asked;
                socket->write("HTTP/1.1 307 Temporary Redirect\r\nLocation: " + target +
                              "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                socket->disconnectFromHost();
            });
        });
        CloudClient c;
        auto o = options(test::certPath(u"ca.pem"_s));
        o.baseUrl = QUrl(u"https://127.0.0.1:%1"_s.arg(redirector.serverPort()));
        QVERIFY(c.configure(o));
        c.setCredentials(m_credentials);
        const qsizetype before = m_stub->cloud().inbound(u"shop"_s).size();
        const auto reply =
            post(c, test::customerMessage(u"RD1"_s, u"491701234567@c.us"_s, u"hi"_s));
        QVERIFY(!reply);
        QCOMPARE(reply.error().code, u"redirect"_s);
        QVERIFY2(reply.error().message.contains(u"HTTP 307"_s) &&
                     reply.error().message.contains(QString::fromLatin1(target)) &&
                     reply.error().message.contains(u"--cloud-url"_s),
                 qPrintable(reply.error().message));
        QCOMPARE(asked, 1);
        QTest::qWait(200);
        QCOMPARE(m_stub->cloud().inbound(u"shop"_s).size(), before);
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
        client.setCredentials(m_credentials);
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
        client.setCredentials(m_credentials);
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
        QCOMPARE(reports.at(0).agentId, m_credentials.agentId);
    }

    void statusBatchesReachTheCloud()
    {
        CloudClient client;
        QVERIFY(client.configure(options(test::certPath(u"ca.pem"_s))));
        client.setCredentials(m_credentials);
        const qsizetype before = m_stub->cloud().statusReports(u"shop"_s).size();
        QList<cloud::StatusReport> batch;
        for (const QString &state : {u"queued"_s, u"sending"_s, u"sent"_s}) {
            cloud::StatusReport report;
            report.clientId = u"r-2"_s;
            report.waMessageId = u"3EB0BB"_s;
            report.chatId = u"491701234567@c.us"_s;
            report.state = state;
            batch.append(report);
        }
        std::optional<Status> outcome;
        client.postStatusBatch(batch, [&](Status s) { outcome = s; });
        QTRY_VERIFY(outcome.has_value());
        QVERIFY(*outcome);
        const auto reports = m_stub->cloud().statusReports(u"shop"_s);
        QCOMPARE(reports.size(), before + 3);
        QCOMPARE(reports.last().state, u"sent"_s);
        QCOMPARE(reports.last().agentId, m_credentials.agentId);
        QVERIFY(reports.last().timestamp > 0); // stamped by the client when left empty
    }

private:
    // One request the agent acts on, to `path`, with the answer reduced to done or why not.
    static Status call(CloudClient &c, const QString &path)
    {
        std::optional<Status> outcome;
        const auto keep = [&](Status s) {
            outcome = std::move(s);
        };
        if (path == u"/v1/inbound"_s) {
            static int sequence = 0;
            c.postInbound(test::customerMessage(u"S%1"_s.arg(++sequence), u"491701234567@c.us"_s,
                                                u"how much is a latte?"_s),
                          false, [&](Result<cloud::InboundResponse> r) {
                              keep(r ? Status(Done{}) : Status(r.error()));
                          });
        } else if (path == u"/v1/status/batch"_s) {
            cloud::StatusReport report;
            report.clientId = u"r-s"_s;
            report.waMessageId = u"3EB0CC"_s;
            report.chatId = u"491701234567@c.us"_s;
            report.state = u"sent"_s;
            c.postStatusBatch({report}, keep);
        } else if (path == u"/v1/heartbeat"_s) {
            cloud::Heartbeat heartbeat;
            heartbeat.session = u"connected"_s;
            heartbeat.health = u"ok"_s;
            heartbeat.protection = u"keychain"_s;
            heartbeat.agentVersion = u"0.1.0"_s;
            c.postHeartbeat(heartbeat, [&](Result<cloud::HeartbeatAnswer> r) {
                keep(r ? Status(Done{}) : Status(r.error()));
            });
        } else if (path == u"/v1/jobs/poll"_s) {
            c.pollJobs({{}, 0}, [&](Result<QList<cloud::SignedFrame>> r) {
                keep(r ? Status(Done{}) : Status(r.error()));
            });
        } else if (path == u"/v1/credentials/rotate"_s) {
            c.rotateCredentials([&](Result<cloud::Credentials> r) {
                keep(r ? Status(Done{}) : Status(r.error()));
            });
        } else {
            return Error{u"test"_s, u"no request for "_s + path};
        }
        if (!QTest::qWaitFor([&] { return outcome.has_value(); }, 15000))
            return Error{u"test"_s, u"no answer within 15 s"_s};
        return *outcome;
    }

    static Result<cloud::Credentials> pairWith(CloudClient &c, const QString &code)
    {
        std::optional<Result<cloud::Credentials>> outcome;
        c.pair(code, u"test pc"_s,
               [&](Result<cloud::Credentials> r) { outcome.emplace(std::move(r)); });
        if (!QTest::qWaitFor([&] { return outcome.has_value(); }, 15000))
            return Error{u"test"_s, u"no answer"_s};
        return *outcome;
    }

    CloudClientOptions options(const QString &caFile) const
    {
        return {QUrl(u"https://127.0.0.1:%1"_s.arg(m_stub->httpsPort())),
                caFile,
                std::chrono::seconds(10),
                {}};
    }

    static Result<cloud::InboundResponse> post(CloudClient &client, const InboundMessage &message)
    {
        std::optional<Result<cloud::InboundResponse>> outcome;
        client.postInbound(message, false, [&](Result<cloud::InboundResponse> r) {
            outcome.emplace(std::move(r));
        });
        if (!QTest::qWaitFor([&] { return outcome.has_value(); }, 15000))
            return Error{u"test"_s, u"no answer within 15 s"_s};
        return *outcome;
    }

    // A client configured for the stub with these credentials (the test's device by default).
    std::unique_ptr<CloudClient>
    client(std::optional<cloud::Credentials> credentials = std::nullopt)
    {
        auto c = std::make_unique<CloudClient>();
        if (!c->configure(options(test::certPath(u"ca.pem"_s))))
            return nullptr;
        c->setCredentials(credentials.value_or(m_credentials));
        return c;
    }

    std::unique_ptr<stub::StubServer> m_stub;
    cloud::Credentials m_credentials;
};

QTEST_GUILESS_MAIN(TestCloudClient)
#include "tst_cloudclient.moc"
