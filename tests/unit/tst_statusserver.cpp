#include "agent/status/metrics.h"
#include "agent/status/statusserver.h"
#include "tests/support/testenv.h"

#include <QFile>
#include <QHostAddress>
#include <QNetworkInterface>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

// The local status endpoint: loopback only, a token on every request, a token file only the
// owner can read; and the Prometheus text it serves.
class TestStatusServer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_server = std::make_unique<StatusServer>();
        m_server->route("GET", u"/v1/status"_s, [](const StatusServer::Request &) {
            return StatusServer::json(200, R"({"state":"connected"})");
        });
        m_server->route("POST", u"/v1/outbox/"_s, [](const StatusServer::Request &r) {
            return StatusServer::json(200, r.path.toUtf8());
        });
        QVERIFY(m_server->listen(0, m_dir->path()));
        QFile token(StatusServer::tokenPath(m_dir->path()));
        QVERIFY(token.open(QIODevice::ReadOnly));
        m_token = token.readAll().trimmed();
    }

    void answersOnlyWithTheToken_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("authorization"); // "TOKEN" is replaced by the real one
        QTest::addColumn<int>("status");

        QTest::newRow("with the token")
            << QByteArray("GET") << u"/v1/status"_s << QByteArray("Bearer TOKEN") << 200;
        QTest::newRow("without a token")
            << QByteArray("GET") << u"/v1/status"_s << QByteArray() << 401;
        QTest::newRow("a wrong token")
            << QByteArray("GET") << u"/v1/status"_s
            << QByteArray("Bearer 0123456789abcdef0123456789abcdef") << 401;
        QTest::newRow("the token without Bearer")
            << QByteArray("GET") << u"/v1/status"_s << QByteArray("TOKEN") << 401;
        QTest::newRow("unknown path")
            << QByteArray("GET") << u"/v1/nothing"_s << QByteArray("Bearer TOKEN") << 404;
        QTest::newRow("wrong method")
            << QByteArray("DELETE") << u"/v1/status"_s << QByteArray("Bearer TOKEN") << 405;
        QTest::newRow("prefix route")
            << QByteArray("POST") << u"/v1/outbox/c1/retry"_s << QByteArray("Bearer TOKEN") << 200;
        QTest::newRow("unknown paths need the token too")
            << QByteArray("GET") << u"/v1/nothing"_s << QByteArray() << 401;
    }

    void answersOnlyWithTheToken()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, authorization);
        QFETCH(int, status);
        authorization.replace("TOKEN", m_token);
        const test::HttpAnswer answer = request(method, path, authorization);
        QCOMPARE(answer.status, status);
        if (status == 401)
            QVERIFY(answer.body.contains(StatusServer::tokenPath(m_dir->path()).toUtf8()));
        if (path.startsWith(u"/v1/outbox/"_s) && status == 200)
            QCOMPARE(answer.body, path.toUtf8());
    }

    void theTokenFileIsTheOwnersAndSurvivesARestart()
    {
        const QString path = StatusServer::tokenPath(m_dir->path());
        QCOMPARE(QFile::permissions(path) & ~(QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                              QFileDevice::ReadUser | QFileDevice::WriteUser),
                 QFileDevice::Permissions());
        QVERIFY(m_token.size() >= 64);
        QFile address(StatusServer::addressPath(m_dir->path()));
        QVERIFY(address.open(QIODevice::ReadOnly));
        QCOMPARE(address.readAll().trimmed(), u"127.0.0.1:%1"_s.arg(m_server->port()).toLatin1());
        // A monitoring setup keeps working across restarts of the agent.
        m_server.reset();
        StatusServer again;
        QVERIFY(again.listen(0, m_dir->path()));
        QFile token(path);
        QVERIFY(token.open(QIODevice::ReadOnly));
        QCOMPARE(token.readAll().trimmed(), m_token);
    }

    void listensOnLoopbackOnly()
    {
        // Every address of this machine that is not loopback: nothing listens there.
        int tried = 0;
        for (const QHostAddress &address : QNetworkInterface::allAddresses()) {
            if (address.isLoopback() || address.protocol() != QAbstractSocket::IPv4Protocol)
                continue;
            ++tried;
            QTcpSocket socket;
            socket.connectToHost(address, m_server->port());
            QVERIFY2(!socket.waitForConnected(3000), qPrintable(address.toString()));
        }
        if (tried == 0)
            qInfo("This machine has no non-loopback IPv4 address to try");
        // And were a connection to come from elsewhere, it would be refused.
        QVERIFY(StatusServer::isAllowedPeer(QHostAddress::LocalHost));
        QVERIFY(StatusServer::isAllowedPeer(QHostAddress::LocalHostIPv6));
        QVERIFY(!StatusServer::isAllowedPeer(QHostAddress(u"192.168.1.20"_s)));
        QVERIFY(!StatusServer::isAllowedPeer(QHostAddress(u"10.0.0.1"_s)));
    }

    void refusesOversizedAndBrokenRequests_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QByteArray>("answer");
        QTest::newRow("not http") << QByteArray("NONSENSE\r\n\r\n") << QByteArray("HTTP/1.1 400");
        QTest::newRow("huge body")
            << QByteArray("POST /v1/outbox/x HTTP/1.1\r\nContent-Length: 9999999\r\n\r\n")
            << QByteArray("HTTP/1.1 413");
        QTest::newRow("endless headers")
            << QByteArray("GET / HTTP/1.1\r\n" + QByteArray(20000, 'x'))
            << QByteArray("HTTP/1.1 413");
    }

    void refusesOversizedAndBrokenRequests()
    {
        QFETCH(QByteArray, request);
        QFETCH(QByteArray, answer);
        // The server runs in this thread: waiting is done by the event loop, never blocking.
        QTcpSocket socket;
        QByteArray received;
        connect(&socket, &QTcpSocket::readyRead, this, [&] { received += socket.readAll(); });
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        QTRY_COMPARE(socket.state(), QAbstractSocket::ConnectedState);
        socket.write(request);
        QTRY_COMPARE(socket.state(), QAbstractSocket::UnconnectedState);
        QVERIFY2(received.startsWith(answer), received.constData());
    }

    void aPortInUseIsNamed()
    {
        StatusServer second;
        const Status listening = second.listen(m_server->port(), m_dir->path());
        QVERIFY(!listening);
        QVERIFY(listening.error().message.contains(u"[status] port"_s));
    }

    void prometheusText()
    {
        Histogram h({0.5, 1, 5});
        h.observe(0.2);
        h.observe(0.5);
        h.observe(3);
        h.observe(100);
        QCOMPARE(h.cumulativeCounts(), (QList<quint64>{2, 2, 3, 4}));
        MetricsWriter w;
        w.family(u"sak_x_total"_s, "counter", u"X."_s);
        w.sample(u"sak_x_total"_s, 3, {{u"chat"_s, u"a\"b\\c"_s}});
        w.histogram(u"sak_latency_seconds"_s, u"Latency."_s, h);
        const QByteArray text = w.text();
        QVERIFY(text.contains("# HELP sak_x_total X.\n# TYPE sak_x_total counter\n"));
        QVERIFY(text.contains("sak_x_total{chat=\"a\\\"b\\\\c\"} 3\n"));
        QVERIFY(text.contains("sak_latency_seconds_bucket{le=\"0.5\"} 2\n"));
        QVERIFY(text.contains("sak_latency_seconds_bucket{le=\"5\"} 3\n"));
        QVERIFY(text.contains("sak_latency_seconds_bucket{le=\"+Inf\"} 4\n"));
        QVERIFY(text.contains("sak_latency_seconds_sum 103.7\n"));
        QVERIFY(text.contains("sak_latency_seconds_count 4\n"));
    }

private:
    test::HttpAnswer request(const QByteArray &method, const QString &path,
                             const QByteArray &authorization)
    {
        return test::httpRequest(method,
                                 QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_server->port()).arg(path)),
                                 authorization);
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<StatusServer> m_server;
    QByteArray m_token;
};

QTEST_GUILESS_MAIN(TestStatusServer)
#include "tst_statusserver.moc"
