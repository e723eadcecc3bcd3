#include "tests/support/pairedagenttest.h"
#include "tests/support/testenv.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using sak::test::PairedAgentTest;

// The kiosk, managed from a terminal and by monitoring: the local status endpoint (token,
// loopback), Prometheus metrics, the operator's commands, JSON logs, a clean SIGTERM, and an
// impostor on the endpoint's port that never gets the token.
class TestHeadlessOps : public PairedAgentTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(startPairedAgent(StubState::Forgotten,
                                 {u"--status-port"_s, u"0"_s, u"--log-format"_s, u"json"_s}));
        QVERIFY2(m_agent->waitForLog("Status endpoint on", 20000), m_agent->log().constData());
        QFile address(m_dir.filePath(u"data/status-address"_s));
        QVERIFY(address.open(QIODevice::ReadOnly));
        m_address = QString::fromLatin1(address.readAll().trimmed());
        QVERIFY(m_address.startsWith(u"127.0.0.1:"_s));
        QFile token(m_dir.filePath(u"data/status-token"_s));
        QVERIFY(token.open(QIODevice::ReadOnly));
        m_token = token.readAll().trimmed();
        QCOMPARE(token.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                 QFileDevice::Permissions());
    }

    void statusNeedsTheToken()
    {
        QCOMPARE(get(u"/v1/status"_s, {}).first, 401);
        QCOMPARE(get(u"/metrics"_s, "wrong-token").first, 401);
        const auto [code, body] = get(u"/v1/status"_s, m_token);
        QCOMPARE(code, 200);
        const QJsonObject status = QJsonDocument::fromJson(body).object();
        QCOMPARE(status[u"session"_s].toString(), u"connected"_s);
        QCOMPARE(status[u"protection"_s][u"level"_s].toString(), u"keychain"_s);
        QVERIFY(status[u"queues"_s].toObject().contains(u"outboundQueued"_s));
        QVERIFY(status[u"lastErrors"_s].isArray());
    }

    void metricsFollowTheMessages()
    {
        const QJsonObject injected = m_stub.control(
            u"/control/inject"_s, QJsonDocument(QJsonObject{{u"chatId"_s, u"491729900001@c.us"_s},
                                                            {u"body"_s, u"how much is a latte?"_s}})
                                      .toJson());
        QVERIFY(injected.contains(u"serialized"_s));
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         return get(u"/metrics"_s, m_token)
                             .second.contains("sak_reply_latency_seconds_count 1\n");
                     },
                     60000),
                 m_agent->log().right(4000).constData());
        const QByteArray metrics = get(u"/metrics"_s, m_token).second;
        QVERIFY(
            metrics.contains("# TYPE sak_messages_in_total counter\nsak_messages_in_total 1\n"));
        QVERIFY(metrics.contains("sak_messages_relayed_total 1\n"));
        QVERIFY(metrics.contains("sak_session_state{state=\"connected\"} 1\n"));
        QVERIFY(metrics.contains("sak_session_state{state=\"needs-pairing\"} 0\n"));
        QVERIFY(metrics.contains("sak_queue_depth{queue=\"outbound_failed\"} 0\n"));
        QVERIFY(metrics.contains("sak_cloud_reachable 1\n"));
        QVERIFY(metrics.contains("sak_reply_latency_seconds_bucket{le=\"+Inf\"} 1\n"));
    }

    void operatorCommands()
    {
        QByteArray output;
        QCOMPARE(m_agent->runCommand({u"--status"_s}, &output), 0);
        const QJsonObject status = QJsonDocument::fromJson(output).object();
        QVERIFY2(status[u"state"_s].toString() == u"connected"_s, output.constData());
        QCOMPARE(m_agent->runCommand({u"--metrics"_s}, &output), 0);
        QVERIFY(output.contains("sak_messages_in_total"));

        // Pause and resume through the endpoint (the --pause-sending command writes the store).
        QCOMPARE(post(u"/v1/pause"_s), 200);
        QVERIFY(QJsonDocument::fromJson(get(u"/v1/status"_s, m_token).second)
                    .object()[u"sendingPaused"_s]
                    .toBool());
        QVERIFY(get(u"/metrics"_s, m_token).second.contains("sak_sending_paused 1\n"));
        QCOMPARE(post(u"/v1/resume"_s), 200);
        QVERIFY(get(u"/metrics"_s, m_token).second.contains("sak_sending_paused 0\n"));
        // The outbox as the operator sees it, and an action on an item that cannot take it.
        const QJsonArray items = QJsonDocument::fromJson(get(u"/v1/outbox"_s, m_token).second)
                                     .object()[u"items"_s]
                                     .toArray();
        QVERIFY(!items.isEmpty());
        const QString sentId = items.at(0)[u"clientId"_s].toString();
        QCOMPARE(post(u"/v1/outbox/%1/cancel"_s.arg(sentId)), 409);
    }

    void logsAreJsonLines()
    {
        int json = 0;
        bool sawRelay = false;
        for (const QByteArray &line : m_agent->log().split('\n')) {
            if (!line.startsWith("{\"")) {
                // Only what Chromium itself prints bypasses Qt's logging.
                QVERIFY2(!line.contains("sak.relay"), line.constData());
                continue;
            }
            QJsonParseError error;
            const QJsonObject entry = QJsonDocument::fromJson(line, &error).object();
            QVERIFY2(error.error == QJsonParseError::NoError, line.constData());
            QVERIFY(entry.contains(u"time"_s) && entry.contains(u"level"_s) &&
                    entry.contains(u"message"_s));
            sawRelay = sawRelay || (entry[u"category"_s].toString() == u"sak.relay"_s &&
                                    entry[u"message"_s].toString().contains(u"[1 captured]"_s));
            ++json;
        }
        QVERIFY(json > 10);
        QVERIFY(sawRelay);
        // Message bodies never reach the log at info level.
        QVERIFY(!m_agent->log().contains("how much is a latte"));
    }

    void aSecondAgentOnTheSameDataIsRefused()
    {
        QByteArray output;
        QCOMPARE(m_agent->runCommand({u"--headless"_s}, &output), 2);
        QVERIFY2(output.contains("is running already"), output.constData());

        // Started from another environment (sudo -u, su, cron: another runtime directory, so
        // another socket), it is refused all the same, and told which process holds the data.
        QTemporaryDir otherRuntime;
        m_agent->setEnvironment(u"XDG_RUNTIME_DIR"_s, otherRuntime.path());
        const int code = m_agent->runCommand({u"--headless"_s}, &output);
        m_agent->setEnvironment(u"XDG_RUNTIME_DIR"_s, m_dir.filePath(u"run"_s)); // as before
        QCOMPARE(code, 2);
        QVERIFY2(output.contains("is running already") &&
                     output.contains(QByteArray::number(m_agent->processId())),
                 output.constData());
    }

    void sigtermDrainsAndExitsCleanly()
    {
        m_stub.control(u"/control/inject"_s,
                       QJsonDocument(QJsonObject{{u"chatId"_s, u"491729900002@c.us"_s},
                                                 {u"body"_s, u"are you open today?"_s}})
                           .toJson());
        QVERIFY(m_agent->waitForLog("[4 sending]", 60000));
        QCOMPARE(m_agent->terminate(), 0);
        const QByteArray log = m_agent->log();
        QVERIFY(log.contains("finishing the send in flight"));
        QVERIFY(log.contains("Drained: sealing the session"));
        // The session was sealed and the RAM copy wiped on the way out.
        QVERIFY(log.contains("Sealed"));
    }

    // After the agent: a clean stop takes the address and the token away. A crash leaves them
    // (put back here as it would), and another local user may listen on the port then: what
    // sak-agent --status sends it is a random nonce, never the token.
    void anImpostorOnThePortNeverGetsTheToken()
    {
        const QString addressFile = m_dir.filePath(u"data/status-address"_s);
        const QString tokenFile = m_dir.filePath(u"data/status-token"_s);
        QVERIFY(!QFile::exists(addressFile));
        QVERIFY(!QFile::exists(tokenFile));
        QByteArray output;
        QCOMPARE(m_agent->runCommand({u"--status"_s}, &output), 2);
        QVERIFY2(output.contains("No running agent"), output.constData());

        for (const auto &[path, bytes] :
             {std::pair{addressFile, m_address.toLatin1()}, std::pair{tokenFile, m_token}}) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            QVERIFY(file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
            file.write(bytes + '\n');
        }
        QTcpServer impostor;
        QVERIFY(
            impostor.listen(QHostAddress::LocalHost, quint16(m_address.section(u':', 1).toUInt())));
        QByteArray heard;
        connect(&impostor, &QTcpServer::newConnection, this, [&] {
            while (QTcpSocket *socket = impostor.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [&heard, socket] {
                    heard += socket->readAll();
                    const QByteArray body =
                        R"({"proof":"6b1f0e3c2d4a59687f8e9d0c1b2a39485766a5b4c3d2e1f00f1e2d3c4b5a6978"})";
                    socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                  "Content-Length: " +
                                  QByteArray::number(body.size()) +
                                  "\r\nConnection: close\r\n\r\n" + body);
                    socket->disconnectFromHost();
                });
            }
        });
        QCOMPARE(m_agent->runCommand({u"--status"_s}, &output), 2);
        QVERIFY2(output.contains("could not prove that it is the agent"), output.constData());
        QVERIFY2(heard.contains("GET /v1/hello?nonce="), heard.constData());
        QVERIFY2(!heard.contains(m_token), heard.constData());
        QVERIFY(!heard.toLower().contains("authorization"));
    }

private:
    std::pair<int, QByteArray> request(const QByteArray &method, const QString &path,
                                       const QByteArray &token)
    {
        const auto answer =
            sak::test::httpRequest(method, QUrl(u"http://%1%2"_s.arg(m_address, path)),
                                   token.isEmpty() ? QByteArray() : "Bearer " + token);
        return {answer.status, answer.body};
    }
    std::pair<int, QByteArray> get(const QString &path, const QByteArray &token)
    {
        return request("GET", path, token);
    }
    int post(const QString &path) { return request("POST", path, m_token).first; }

    QString m_address;
    QByteArray m_token;
};

QTEST_GUILESS_MAIN(TestHeadlessOps)
#include "tst_headlessops.moc"
