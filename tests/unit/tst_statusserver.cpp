#include "agent/status/metrics.h"
#include "agent/status/statusserver.h"
#include "tests/support/testenv.h"

#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkInterface>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

// The local status endpoint: loopback only, a token on every request (new at every start, gone
// when it stops), a token file only the owner can read, the proof of the token for its client,
// limits on what it takes, this machine's names only; and the Prometheus text it serves.
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
        // A refusal says what to send, never where the data directory is.
        if (status == 401) {
            QVERIFY(answer.body.contains("Authorization: Bearer TOKEN"));
            QVERIFY2(!answer.body.contains(m_dir->path().toUtf8()), answer.body.constData());
        }
        if (path.startsWith(u"/v1/outbox/"_s) && status == 200)
            QCOMPARE(answer.body, path.toUtf8());
    }

    void theTokenIsNewAtEveryStartAndGoneAtTheEnd()
    {
        const QString path = StatusServer::tokenPath(m_dir->path());
        const QString addressPath = StatusServer::addressPath(m_dir->path());
        for (const QString &file : {path, addressPath})
            QCOMPARE(QFile::permissions(file) & ~(QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                  QFileDevice::ReadUser | QFileDevice::WriteUser),
                     QFileDevice::Permissions());
        QVERIFY(m_token.size() >= 64);
        QFile address(addressPath);
        QVERIFY(address.open(QIODevice::ReadOnly));
        QCOMPARE(address.readAll().trimmed(), u"127.0.0.1:%1"_s.arg(m_server->port()).toLatin1());
        address.close();
        // Stopped: no address to try and no token to send any more.
        m_server.reset();
        QVERIFY(!QFile::exists(path));
        QVERIFY(!QFile::exists(addressPath));
        // Started again: a token that an impostor got while the agent was down opens nothing.
        StatusServer again;
        QVERIFY(again.listen(0, m_dir->path()));
        QFile token(path);
        QVERIFY(token.open(QIODevice::ReadOnly));
        const QByteArray newToken = token.readAll().trimmed();
        QCOMPARE(newToken.size(), m_token.size());
        QVERIFY(newToken != m_token);
        const auto old = test::httpRequest(
            "GET", QUrl(u"http://127.0.0.1:%1/v1/status"_s.arg(again.port())), "Bearer " + m_token);
        QCOMPARE(old.status, 401);
    }

    // A planted link where the token goes is replaced, not followed.
    void aLinkInPlaceOfTheTokenIsNotFollowed()
    {
#ifdef Q_OS_UNIX
        m_server.reset();
        QTemporaryDir elsewhere;
        const QString target = elsewhere.filePath(u"captured"_s);
        QVERIFY(QFile::link(target, StatusServer::tokenPath(m_dir->path())));
        StatusServer again;
        QVERIFY(again.listen(0, m_dir->path()));
        QVERIFY(!QFile::exists(target));
        QVERIFY(!QFileInfo(StatusServer::tokenPath(m_dir->path())).isSymLink());
#else
        QSKIP("symbolic links are a Unix matter here");
#endif
    }

    // The server proves it knows the token for the client's nonce, without the token: what
    // sak-agent --status checks before it sends the token.
    void helloProvesTheTokenWithoutIt()
    {
        const QByteArray nonce = QByteArray(32, '\x5a').toHex();
        const auto answer = test::httpRequest(
            "GET", QUrl(u"http://127.0.0.1:%1/v1/hello?nonce=%2"_s.arg(m_server->port())
                            .arg(QString::fromLatin1(nonce))));
        QCOMPARE(answer.status, 200);
        const QByteArray proof =
            QJsonDocument::fromJson(answer.body).object()[u"proof"_s].toString().toLatin1();
        const QString address = u"127.0.0.1:%1"_s.arg(m_server->port());
        QCOMPARE(proof, StatusServer::proof(m_token, nonce, address));
        QVERIFY(!answer.body.contains(m_token));
        // Bound to the nonce, the token and the address: no other answer fits.
        QVERIFY(proof != StatusServer::proof(m_token, QByteArray(32, '\x5b').toHex(), address));
        QVERIFY(proof != StatusServer::proof(QByteArray(64, 'f'), nonce, address));
        QVERIFY(proof != StatusServer::proof(m_token, nonce, u"127.0.0.1:1"_s));
        for (const QString &bad : {u""_s, u"abc"_s, QString(32, u'g'), QString(200, u'a')})
            QCOMPARE(
                test::httpRequest(
                    "GET",
                    QUrl(u"http://127.0.0.1:%1/v1/hello?nonce=%2"_s.arg(m_server->port()).arg(bad)))
                    .status,
                400);
    }

    void aLimitOnConnections()
    {
        // Connections that send nothing hold their place until the request timeout.
        std::vector<std::unique_ptr<QTcpSocket>> idle;
        for (int i = 0; i < StatusServer::kMaxConnections; ++i) {
            idle.push_back(std::make_unique<QTcpSocket>());
            idle.back()->connectToHost(QHostAddress::LocalHost, m_server->port());
            QVERIFY(idle.back()->waitForConnected(3000));
        }
        QVERIFY2(exchange(withHost("GET /v1/status HTTP/1.1\r\nHost: HOST\r\n\r\n"))
                     .startsWith("HTTP/1.1 503"),
                 "one connection more than the limit is turned away");
        // One of them goes: there is room again.
        idle.pop_back();
        QVERIFY(QTest::qWaitFor(
            [&] {
                return test::httpRequest(
                           "GET", QUrl(u"http://127.0.0.1:%1/v1/status"_s.arg(m_server->port())),
                           "Bearer " + m_token)
                           .status == 200;
            },
            5000));
    }

    // Requests for "localhost" must not reach an impostor on [::1] while the agent holds the
    // port on 127.0.0.1 only.
    void holdsThePortOnIpv6LoopbackToo()
    {
        QTcpServer v6;
        if (!v6.listen(QHostAddress::LocalHostIPv6, 0))
            QSKIP("this machine has no IPv6 loopback");
        const quint16 squatted = v6.serverPort();
        v6.close();
        const auto answer = test::httpRequest(
            "GET", QUrl(u"http://[::1]:%1/v1/status"_s.arg(m_server->port())), "Bearer " + m_token);
        QCOMPARE(answer.status, 200);
        // A program on [::1]:PORT first: the endpoint does not start on that port.
        QVERIFY(v6.listen(QHostAddress::LocalHostIPv6, squatted));
        QTemporaryDir other;
        StatusServer second;
        const Status listening = second.listen(squatted, other.path());
        QVERIFY(!listening);
        QVERIFY2(listening.error().message.contains(u"[::1]:%1"_s.arg(squatted)),
                 qPrintable(listening.error().message));
        QVERIFY(!QFile::exists(StatusServer::tokenPath(other.path())));
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

    // HOST is replaced by 127.0.0.1:PORT, TOKEN by the token.
    void refusesOversizedAndBrokenRequests_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QByteArray>("answer");
        const QByteArray get = "GET /v1/status HTTP/1.1\r\nHost: HOST\r\n";
        const QByteArray token = "Authorization: Bearer TOKEN\r\n";
        QTest::newRow("not http") << QByteArray("NONSENSE\r\n\r\n") << QByteArray("HTTP/1.1 400");
        QTest::newRow("huge body") << QByteArray("POST /v1/outbox/x HTTP/1.1\r\nHost: HOST\r\n"
                                                 "Content-Length: 9999999\r\n\r\n")
                                   << QByteArray("HTTP/1.1 413");
        QTest::newRow("endless headers")
            << QByteArray("GET / HTTP/1.1\r\n" + QByteArray(20000, 'x'))
            << QByteArray("HTTP/1.1 431");
        // The limit is the whole head's, also when its blank line arrives with it.
        QTest::newRow("huge head at once")
            << QByteArray(get + "X-Filler: " + QByteArray(20000, 'x') + "\r\n" + token + "\r\n")
            << QByteArray("HTTP/1.1 431");
        QTest::newRow("length not a number")
            << QByteArray(get + token + "Content-Length: 12abc\r\n\r\n")
            << QByteArray("HTTP/1.1 400");
        QTest::newRow("negative length")
            << QByteArray(get + token + "Content-Length: -1\r\n\r\n") << QByteArray("HTTP/1.1 400");
        QTest::newRow("two lengths")
            << QByteArray(get + token + "Content-Length: 2\r\nContent-Length: 3\r\n\r\nabc")
            << QByteArray("HTTP/1.1 400");
        QTest::newRow("chunked")
            << QByteArray(get + token + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
            << QByteArray("HTTP/1.1 400");
        QTest::newRow("no host") << QByteArray("GET /v1/status HTTP/1.1\r\n" + token + "\r\n")
                                 << QByteArray("HTTP/1.1 400");
        QTest::newRow("two hosts")
            << QByteArray(get + "Host: HOST\r\n" + token + "\r\n") << QByteArray("HTTP/1.1 400");
        // DNS rebinding: a web page whose own name now points at 127.0.0.1.
        QTest::newRow("a web page's name")
            << QByteArray("GET /v1/status HTTP/1.1\r\nHost: shop-offers.example:PORT\r\n" + token +
                          "\r\n")
            << QByteArray("HTTP/1.1 403");
        QTest::newRow("another port")
            << QByteArray("GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1:1\r\n" + token + "\r\n")
            << QByteArray("HTTP/1.1 403");
        QTest::newRow("hello from a web page's name")
            << QByteArray("GET /v1/hello?nonce=" + QByteArray(64, 'a') +
                          " HTTP/1.1\r\nHost: shop-offers.example:PORT\r\n\r\n")
            << QByteArray("HTTP/1.1 403");
        QTest::newRow("localhost")
            << QByteArray("GET /v1/status HTTP/1.1\r\nHost: LocalHost:PORT\r\n" + token + "\r\n")
            << QByteArray("HTTP/1.1 200");
        QTest::newRow("ipv6 loopback")
            << QByteArray("GET /v1/status HTTP/1.1\r\nHost: [::1]:PORT\r\n" + token + "\r\n")
            << QByteArray("HTTP/1.1 200");
        QTest::newRow("well formed")
            << QByteArray(get + token + "\r\n") << QByteArray("HTTP/1.1 200");
    }

    void refusesOversizedAndBrokenRequests()
    {
        QFETCH(QByteArray, request);
        QFETCH(QByteArray, answer);
        request.replace("TOKEN", m_token);
        const QByteArray received = exchange(withHost(request));
        QVERIFY2(received.startsWith(answer), received.constData());
    }

    void aPortInUseIsNamedAndTheLastRunsFilesGo()
    {
        // What a crashed agent left in its data directory: not an address to try.
        QTemporaryDir other;
        for (const QString &path :
             {StatusServer::tokenPath(other.path()), StatusServer::addressPath(other.path())}) {
            QFile stale(path);
            QVERIFY(stale.open(QIODevice::WriteOnly));
            stale.write("stale\n");
        }
        StatusServer second;
        const Status listening = second.listen(m_server->port(), other.path());
        QVERIFY(!listening);
        QVERIFY(listening.error().message.contains(u"[status] port"_s));
        QVERIFY(!QFile::exists(StatusServer::tokenPath(other.path())));
        QVERIFY(!QFile::exists(StatusServer::addressPath(other.path())));
        // The running server's files are untouched.
        QVERIFY(QFile::exists(StatusServer::tokenPath(m_dir->path())));
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
    QByteArray withHost(QByteArray request) const
    {
        const QByteArray port = QByteArray::number(m_server->port());
        return request.replace("HOST", QByteArray("127.0.0.1:" + port)).replace("PORT", port);
    }

    // A raw request, and everything the server answers until it closes. The server runs in this
    // thread: waiting is done by the event loop, never blocking.
    QByteArray exchange(const QByteArray &request)
    {
        QTcpSocket socket;
        QByteArray received;
        connect(&socket, &QTcpSocket::readyRead, this, [&] { received += socket.readAll(); });
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        if (!QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; },
                             5000))
            return "not connected";
        socket.write(request);
        // The server closes after its answer; what came by then is the answer either way.
        (void)QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::UnconnectedState; },
                              12000);
        return received;
    }

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
