#include "agent/cloud/cloudclient.h"
#include "agent/cloud/jobchannel.h"
#include "tests/support/testenv.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>
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
        QVERIFY(listenWithTheTestCertificate(server));

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

    // What a broken or hostile server could send on the socket is refused without a crash: a
    // frame 100,000 levels deep (and a signed job that deep) is dropped, the channel stays
    // open; a message larger than the largest job closes the channel before it is read, and
    // it opens again. Jobs flow afterwards either way.
    void deepAndOversizedFramesAreRefused_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<bool>("closes");
        QTest::newRow("nested") << u"nested"_s << false;
        QTest::newRow("oversized") << u"oversized"_s << true;
    }
    void deepAndOversizedFramesAreRefused()
    {
        QFETCH(QString, kind);
        QFETCH(bool, closes);
        const QString tenant = u"frames-%1"_s.arg(kind);
        const auto credentials = test::pairDevice(*m_stub, tenant);
        JobChannel channel;
        channel.configure(QUrl(u"https://127.0.0.1:%1"_s.arg(m_stub->httpsPort())), m_tls,
                          credentials);
        channel.setRetryPolicy({std::chrono::milliseconds(10), std::chrono::milliseconds(50), 0});
        QStringList queued;
        channel.setJobHandler([&](const cloud::OutboundJob &job) -> Status {
            queued.append(job.clientId);
            return Done{};
        });
        QSignalSpy ready(&channel, &JobChannel::readyChanged);
        channel.start();
        QVERIFY(ready.wait(10000));
        ready.clear();
        if (closes) {
            QTest::ignoreMessage(QtWarningMsg,
                                 QRegularExpression(u"^The job channel received a message larger "
                                                    u"than 100728832 bytes and was closed"_s));
        } else {
            QTest::ignoreMessage(QtWarningMsg,
                                 QRegularExpression(u"^Dropped a malformed frame from the job "
                                                    u"channel: .*nested more than 32 levels"_s));
            QTest::ignoreMessage(QtWarningMsg,
                                 QRegularExpression(u"^Refused a job from the cloud: .*nested "
                                                    u"more than 32 levels"_s));
        }
        QCOMPARE(m_stub->jobs().sendFaultyFrames(kind).value(), 1);
        if (closes) {
            QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 2, 20000); // closed, and open again
            QCOMPARE(ready.at(0).at(0).toBool(), false);
        }
        QVERIFY(channel.isReady());
        QCOMPARE(m_stub->jobs()
                     .broadcast(tenant, {u"491708888888@c.us"_s}, u"Still here, {name}"_s)
                     .value(),
                 1);
        QTRY_COMPARE_WITH_TIMEOUT(queued.size(), 1, 10000);
        QVERIFY(queued.at(0).startsWith(u"b-"_s)); // the broadcast; nothing of the faults
        if (!closes)
            QCOMPARE(ready.size(), 0); // never closed
        channel.stop();
    }

    // The long-poll's answer is checked like any other: signed by the cloud, at most 96 MiB,
    // nested at most 32 deep. A bad one fails the poll, which is tried again; jobs still come.
    void pollAnswersTheAgentCannotUseAreRefused_data()
    {
        QTest::addColumn<QString>("signature");
        QTest::addColumn<QString>("answer");
        QTest::addColumn<QString>("says");
        QTest::newRow("unsigned") << u"strip"_s << QString() << u"not signed by the cloud"_s;
        QTest::newRow("tampered with")
            << u"tamper"_s << QString() << u"does not match its signature"_s;
        QTest::newRow("nested") << QString() << u"nested"_s << u"nested more than 32 levels"_s;
        QTest::newRow("oversized")
            << QString() << u"oversized"_s << u"larger than the 100663296 bytes"_s;
    }
    void pollAnswersTheAgentCannotUseAreRefused()
    {
        QFETCH(QString, signature);
        QFETCH(QString, answer);
        QFETCH(QString, says);
        const QString tenant = u"poll-faults-%1"_s.arg(QString::fromLatin1(QTest::currentDataTag()))
                                   .replace(u' ', u'-');
        const auto credentials = test::pairDevice(*m_stub, tenant);
        CloudClient cloud;
        QVERIFY(cloud.configure({QUrl(u"https://127.0.0.1:%1"_s.arg(m_stub->httpsPort())),
                                 test::certPath(u"ca.pem"_s),
                                 std::chrono::seconds(10),
                                 {}}));
        cloud.setCredentials(credentials);
        // A job waits already: the faulty answer would carry it.
        QCOMPARE(
            m_stub->jobs().broadcast(tenant, {u"491707777779@c.us"_s}, u"Hi {name}!"_s).value(), 1);
        m_stub->setFaults(
            {.remaining = 1, .path = u"/v1/jobs/poll"_s, .signature = signature, .answer = answer});
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"^Polling for jobs failed: .*"_s +
                                                              QRegularExpression::escape(says)));
        JobChannel channel;
        channel.configure(QUrl(u"https://127.0.0.1:%1"_s.arg(m_stub->httpsPort())), m_tls,
                          credentials, {}, &cloud);
        channel.setTransport(JobChannel::Transport::Poll);
        channel.setRetryPolicy({std::chrono::milliseconds(10), std::chrono::milliseconds(50), 0});
        channel.setPollWaitSeconds(1); // the in-process stub holds an idle poll in a nested loop
        QStringList queued;
        channel.setJobHandler([&](const cloud::OutboundJob &job) -> Status {
            queued.append(job.clientId);
            return Done{};
        });
        channel.start();
        QTRY_COMPARE_WITH_TIMEOUT(queued.size(), 1, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(m_stub->jobs().jobs(tenant)[u"acknowledged"_s].toArray().size(),
                                  1, 10000);
        QCOMPARE(queued.size(), 1);
        channel.stop();
        m_stub->setFaults({});
    }

    // A job whose notBefore is 2^62 s (an overflow as milliseconds) is refused with what to
    // change, not acknowledged and not queued; the next job is.
    void aJobTooFarInTheFutureIsRefused()
    {
        QWebSocketServer server(u"far-future"_s, QWebSocketServer::SecureMode);
        QVERIFY(listenWithTheTestCertificate(server));
        const QByteArray secret(32, 'g');
        auto frame = [&secret](const QString &type, const QByteArray &payload) {
            const auto s = signing::sign(secret, "PUSH", "/v1/jobs", payload,
                                         QDateTime::currentSecsSinceEpoch());
            return QString::fromUtf8(
                cloud::encodeFrame({type, payload, s.timestamp, s.nonce, s.value}));
        };
        QStringList acks;
        connect(&server, &QWebSocketServer::newConnection, this, [&] {
            QWebSocket *socket = server.nextPendingConnection();
            connect(
                socket, &QWebSocket::textMessageReceived, socket, [&, socket](const QString &text) {
                    if (text.contains(u"\"ack\""_s)) {
                        acks.append(text);
                        return;
                    }
                    socket->sendTextMessage(frame(u"welcome"_s, "{}"));
                    socket->sendTextMessage(frame(
                        u"job"_s,
                        cloud::encode(cloud::OutboundJob{u"far-1"_s, u"491706666666@c.us"_s,
                                                         u"Later"_s, 0, qint64(1) << 62, 0})));
                    socket->sendTextMessage(frame(
                        u"job"_s, cloud::encode(cloud::OutboundJob{
                                      u"near-1"_s, u"491706666666@c.us"_s, u"Now"_s, 0, 0, 0})));
                });
        });
        JobChannel channel;
        channel.configure(
            QUrl(u"https://127.0.0.1"_s), m_tls,
            cloud::Credentials{u"t"_s, u"a"_s, u"token"_s, secret, server.serverPort()});
        QStringList handled;
        channel.setJobHandler([&](const cloud::OutboundJob &j) -> Status {
            handled.append(j.clientId);
            return Done{};
        });
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(u"^Refused a job from the cloud: Job far-1: "
                                                u"notBefore must be unix seconds .*9999.*it is "
                                                u"4611686018427387904"_s));
        channel.start();
        QTRY_COMPARE_WITH_TIMEOUT(handled, QStringList{u"near-1"_s}, 10000);
        QTRY_COMPARE(acks.size(), 1);
        QVERIFY(acks.at(0).contains(u"near-1"_s));
        channel.stop();
    }

private:
    static bool listenWithTheTestCertificate(QWebSocketServer &server)
    {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        QFile cert(test::certPath(u"server.pem"_s));
        QFile key(test::certPath(u"server.key"_s));
        if (!cert.open(QIODevice::ReadOnly) || !key.open(QIODevice::ReadOnly))
            return false;
        tls.setLocalCertificateChain(QSslCertificate::fromData(cert.readAll()));
        tls.setPrivateKey(QSslKey(key.readAll(), QSsl::Rsa));
        server.setSslConfiguration(tls);
        return server.listen(QHostAddress::LocalHost);
    }

    std::unique_ptr<stub::StubServer> m_stub;
    QSslConfiguration m_tls;
};

QTEST_GUILESS_MAIN(TestJobChannel)
#include "tst_jobchannel.moc"
