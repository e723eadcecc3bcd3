#include "agent/cloud/cloudclient.h"
#include "agent/cloud/jobchannel.h"
#include "tests/support/testenv.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslKey>
#include <QTcpServer>
#include <QTest>
#include <QWebSocketServer>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

// The job channel against the stub's real hub over a secure WebSocket on loopback, and against
// a server that forges frames.
class TestJobChannel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_stub = test::startStub();
        QVERIFY(m_stub);
        m_tls = test::trustingTestCa();
    }

    void jobsAreAcknowledgedOnlyOnceQueued()
    {
        const auto credentials = test::pairDevice(*m_stub, u"jobs-shop"_s);
        JobChannel channel;
        channel.configure(QUrl(u"https://127.0.0.1:%1"_s.arg(m_stub->httpsPort())), m_tls,
                          credentials);
        channel.setRetryPolicy({std::chrono::milliseconds(10), std::chrono::milliseconds(50), 0});
        QList<cloud::OutboundJob> queued;
        bool diskFull = true; // the first delivery cannot be queued
        channel.setJobHandler([&](const cloud::OutboundJob &job) -> Status {
            if (diskFull)
                return Error{u"store"_s, u"disk full"_s};
            queued.append(job);
            return Done{};
        });
        QSignalSpy ready(&channel, &JobChannel::readyChanged);
        channel.start();
        QVERIFY(ready.wait(10000));
        QVERIFY(channel.isReady());

        QCOMPARE(m_stub->jobs()
                     .broadcast(u"jobs-shop"_s, {u"491705555555@c.us"_s}, u"Hi {name}!"_s)
                     .value(),
                 1);
        QTRY_COMPARE(m_stub->jobs().jobs(u"jobs-shop"_s)[u"pending"_s].toArray().size(), 1);
        QTest::qWait(300);
        QCOMPARE(m_stub->jobs().jobs(u"jobs-shop"_s)[u"acknowledged"_s].toArray().size(), 0);

        // The channel comes back; the unacknowledged job is pushed again and now queued.
        diskFull = false;
        channel.stop();
        channel.start();
        QTRY_COMPARE_WITH_TIMEOUT(queued.size(), 1, 10000);
        QCOMPARE(queued.at(0).chatId, u"491705555555@c.us"_s);
        QCOMPARE(queued.at(0).text, u"Hi 491705555555!"_s);
        QTRY_COMPARE(m_stub->jobs().jobs(u"jobs-shop"_s)[u"acknowledged"_s].toArray().size(), 1);
        QCOMPARE(m_stub->jobs().jobs(u"jobs-shop"_s)[u"pending"_s].toArray().size(), 0);
    }

    void aServerWithoutThePinnedKeyNeverSeesTheHello_data()
    {
        QTest::addColumn<QString>("pin");
        QTest::addColumn<bool>("opens");
        QTest::newRow("pinned") << test::serverPin() << true;
        QTest::newRow("another key")
            << QString::fromLatin1(QByteArray(32, 'k').toBase64()) << false;
    }
    void aServerWithoutThePinnedKeyNeverSeesTheHello()
    {
        QFETCH(QString, pin);
        QFETCH(bool, opens);
        const auto credentials = test::pairDevice(*m_stub, u"pin-shop"_s);
        JobChannel channel;
        channel.configure(QUrl(u"https://127.0.0.1:%1"_s.arg(m_stub->httpsPort())), m_tls,
                          credentials, {pin});
        channel.setRetryPolicy({std::chrono::milliseconds(200), std::chrono::milliseconds(400), 0});
        QSignalSpy ready(&channel, &JobChannel::readyChanged);
        channel.start();
        QCOMPARE(ready.wait(opens ? 10000 : 1500), opens);
        QCOMPARE(channel.isReady(), opens);
        QCOMPARE(m_stub->jobs().connectedAgents(), opens ? 1 : 0);
        channel.stop();
        QTRY_COMPARE(m_stub->jobs().connectedAgents(), 0);
    }

    void aChannelWithUnknownCredentialsIsRefused()
    {
        auto credentials = test::pairDevice(*m_stub, u"jobs-shop"_s);
        credentials.secret = QByteArray(32, 'w');
        JobChannel channel;
        channel.configure(QUrl(u"https://127.0.0.1:%1"_s.arg(m_stub->httpsPort())), m_tls,
                          credentials);
        QSignalSpy ready(&channel, &JobChannel::readyChanged);
        channel.start();
        QVERIFY(!ready.wait(1500));
        QVERIFY(!channel.isReady());
        channel.stop();
    }

    void framesNotSignedByTheCloudAreDropped()
    {
        QWebSocketServer server(u"forger"_s, QWebSocketServer::SecureMode);
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        QFile cert(test::certPath(u"server.pem"_s));
        QFile key(test::certPath(u"server.key"_s));
        QVERIFY(cert.open(QIODevice::ReadOnly) && key.open(QIODevice::ReadOnly));
        tls.setLocalCertificateChain(QSslCertificate::fromData(cert.readAll()));
        tls.setPrivateKey(QSslKey(key.readAll(), QSsl::Rsa));
        server.setSslConfiguration(tls);
        QVERIFY(server.listen(QHostAddress::LocalHost));

        const QByteArray secret(32, 'g');
        const QByteArray forged(32, 'f');
        auto frame = [](const QByteArray &signingSecret, const QString &type,
                        const QByteArray &payload) {
            const auto s = signing::sign(signingSecret, "PUSH", "/v1/jobs", payload,
                                         QDateTime::currentSecsSinceEpoch());
            return QString::fromUtf8(
                cloud::encodeFrame({type, payload, s.timestamp, s.nonce, s.value}));
        };
        const QByteArray job = cloud::encode(cloud::OutboundJob{
            u"forged-1"_s, u"491706666666@c.us"_s, u"Send money to…"_s, 0, 0, 0});
        const QByteArray genuine = cloud::encode(
            cloud::OutboundJob{u"genuine-1"_s, u"491706666666@c.us"_s, u"Hello"_s, 0, 0, 0});
        connect(&server, &QWebSocketServer::newConnection, this, [&] {
            QWebSocket *socket = server.nextPendingConnection();
            connect(
                socket, &QWebSocket::textMessageReceived, socket,
                [&, socket](const QString &) {
                    socket->sendTextMessage(frame(forged, u"welcome"_s, "{}"));
                    socket->sendTextMessage(frame(forged, u"job"_s, job));
                    socket->sendTextMessage(QString::fromUtf8(
                        cloud::encodeFrame({u"job"_s, job, {}, {}, {}}))); // unsigned
                    socket->sendTextMessage(frame(secret, u"job"_s, genuine));
                },
                Qt::SingleShotConnection);
        });

        JobChannel channel;
        QUrl url(u"https://127.0.0.1"_s);
        channel.configure(
            url, m_tls,
            cloud::Credentials{u"t"_s, u"a"_s, u"token"_s, secret, server.serverPort()});
        QStringList handled;
        channel.setJobHandler([&](const cloud::OutboundJob &j) -> Status {
            handled.append(j.clientId);
            return Done{};
        });
        channel.start();
        QTRY_COMPARE_WITH_TIMEOUT(handled, QStringList{u"genuine-1"_s}, 10000);
        QTest::qWait(200);
        QCOMPARE(handled, QStringList{u"genuine-1"_s});
        QVERIFY(!channel.isReady()); // the forged welcome did not open it
        channel.stop();
    }

    // Where the socket cannot be held, jobs still come: by the long-poll, forced or as the
    // fallback after the socket failed in a row; acknowledged with the next poll.
    void longPollDeliversJobs_data()
    {
        QTest::addColumn<bool>("socketBlocked");
        QTest::newRow("polling chosen") << false;
        QTest::newRow("fallback after socket failures") << true;
    }
    void longPollDeliversJobs()
    {
        QFETCH(bool, socketBlocked);
        const QString tenant = socketBlocked ? u"fallback-shop"_s : u"poll-shop"_s;
        auto credentials = test::pairDevice(*m_stub, tenant);
        if (socketBlocked) {
            QTcpServer closed; // a port nobody listens on once closed
            QVERIFY(closed.listen(QHostAddress::LocalHost));
            credentials.jobsPort = closed.serverPort();
        }
        CloudClient cloud;
        QVERIFY(cloud.configure({QUrl(u"https://127.0.0.1:%1"_s.arg(m_stub->httpsPort())),
                                 test::certPath(u"ca.pem"_s),
                                 std::chrono::seconds(10),
                                 {}}));
        cloud.setCredentials(credentials);
        JobChannel channel;
        channel.configure(QUrl(u"https://127.0.0.1:%1"_s.arg(m_stub->httpsPort())), m_tls,
                          credentials, {}, &cloud);
        channel.setTransport(socketBlocked ? JobChannel::Transport::Auto
                                           : JobChannel::Transport::Poll);
        channel.setRetryPolicy({std::chrono::milliseconds(10), std::chrono::milliseconds(50), 0});
        channel.setPollWaitSeconds(2);
        QStringList queued;
        channel.setJobHandler([&](const cloud::OutboundJob &job) -> Status {
            queued.append(job.clientId);
            return Done{};
        });
        channel.start();
        QTRY_VERIFY_WITH_TIMEOUT(channel.isReady(), 15000);
        QVERIFY(channel.isPolling());

        QCOMPARE(m_stub->jobs()
                     .broadcast(tenant, {u"491707777777@c.us"_s, u"491707777778@c.us"_s},
                                u"Hi {name}!"_s)
                     .value(),
                 2);
        QTRY_COMPARE_WITH_TIMEOUT(queued.size(), 2, 10000); // a waiting poll answers at once
        QTRY_COMPARE_WITH_TIMEOUT(m_stub->jobs().jobs(tenant)[u"acknowledged"_s].toArray().size(),
                                  2, 10000);
        QCOMPARE(queued.size(), 2); // each once
        channel.stop();
    }

private:
    std::unique_ptr<stub::StubServer> m_stub;
    QSslConfiguration m_tls;
};

QTEST_GUILESS_MAIN(TestJobChannel)
#include "tst_jobchannel.moc"
