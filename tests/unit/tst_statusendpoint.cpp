#include "agent/base/clock.h"
#include "agent/cloud/cloudclient.h"
#include "agent/delivery/relaypipeline.h"
#include "agent/status/agentstatus.h"
#include "agent/status/statusendpoint.h"
#include "agent/store/store.h"
#include "tests/support/fakesession.h"
#include "tests/support/testenv.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

using namespace Qt::Literals::StringLiterals;
using namespace sak;

// What the status endpoint answers and does, over a real store and pipeline (never started:
// nothing is sent), and its client as sak-agent --status uses it: it reads only private files
// and sends the token only to a server that proved it knows it.
class TestStatusEndpoint : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        auto store =
            Store::open({m_dir->filePath(u"agent.db"_s), QByteArray(Store::kKeySize, 'k')});
        QVERIFY(store);
        m_store = std::move(store).value();
        m_session = std::make_unique<test::FakeSession>();
        m_cloud = std::make_unique<CloudClient>();
        m_pipeline = std::make_unique<RelayPipeline>(m_session.get(), m_cloud.get(), m_store.get(),
                                                     &m_clock);
        m_status = std::make_unique<AgentStatus>(m_session.get(), m_pipeline.get());
        m_endpoint =
            std::make_unique<StatusEndpoint>(m_status.get(), m_pipeline.get(), m_store.get());
        QVERIFY(m_endpoint->listen(0, m_dir->path()));
        QFile token(StatusServer::tokenPath(m_dir->path()));
        QVERIFY(token.open(QIODevice::ReadOnly));
        m_token = "Bearer " + token.readAll().trimmed();
        for (int i = 0; i < 3; ++i)
            QVERIFY(m_store
                        ->enqueueOutbound({u"c%1"_s.arg(i), u"4917000000%1@c.us"_s.arg(i),
                                           u"hello"_s, u"3EB0%1"_s.arg(i)})
                        .value());
        QVERIFY(m_store->setOutboundState(u"c0"_s, outbox::kFailed, u"Not on WhatsApp"_s));
        QVERIFY(m_store->setOutboundState(u"c1"_s, outbox::kSending));
        QVERIFY(m_store->setOutboundState(u"c1"_s, outbox::kSent));
    }

    void statusAndMetrics()
    {
        m_session->setState(SessionState::Connected);
        // The page tried to reach another host twice: blocked, and counted.
        Q_EMIT m_session->requestBlocked(u"analytics.google.com"_s);
        Q_EMIT m_session->requestBlocked(u"analytics.google.com"_s);
        const auto status = call("GET", u"/v1/status"_s);
        QCOMPARE(status.status, 200);
        const QJsonObject o = QJsonDocument::fromJson(status.body).object();
        QCOMPARE(o[u"state"_s].toString(), u"connected"_s);
        QCOMPARE(o[u"session"_s].toString(), u"connected"_s);
        QCOMPARE(o[u"health"_s].toString(), u"ok"_s);
        QVERIFY(o[u"queues"_s].toObject().contains(u"outboundFailed"_s));
        QCOMPARE(o[u"blockedRequests"_s].toInt(), 2);
        const auto metrics = call("GET", u"/metrics"_s);
        QCOMPARE(metrics.status, 200);
        QVERIFY(metrics.body.contains("sak_session_state{state=\"connected\"} 1\n"));
        QVERIFY(metrics.body.contains("sak_blocked_requests_total 2\n"));
    }

    void outboxList_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QStringList>("ids");
        QTest::newRow("all, newest first") << QString() << QStringList{u"c2"_s, u"c1"_s, u"c0"_s};
        QTest::newRow("failed") << u"?state=failed"_s << QStringList{u"c0"_s};
        QTest::newRow("two states") << u"?state=failed,sent"_s << QStringList{u"c1"_s, u"c0"_s};
        QTest::newRow("a chat") << u"?chat=49170000002%40c.us"_s << QStringList{u"c2"_s};
        QTest::newRow("a search in the errors")
            << u"?search=not%20on%20whatsapp"_s << QStringList{u"c0"_s};
    }

    void outboxList()
    {
        QFETCH(QString, query);
        QFETCH(QStringList, ids);
        const auto answer = call("GET", u"/v1/outbox"_s + query);
        QCOMPARE(answer.status, 200);
        QStringList got;
        for (const QJsonValue &item :
             QJsonDocument::fromJson(answer.body).object()[u"items"_s].toArray())
            got.append(item[u"clientId"_s].toString());
        QCOMPARE(got, ids);
    }

    // The owner knows a customer by number: shown where WhatsApp told it, else the LID.
    void outboxShowsTheCustomer()
    {
        OutboxItem lidOnly;
        lidOnly.text = {u"l"_s, u"7712345@lid"_s, u"hi"_s, u"3EB0L"_s};
        lidOnly.recipient = recipientOf(lidOnly.text.chatId);
        QVERIFY(m_store->enqueueOutbound(lidOnly, 1000).value());
        const auto answer = call("GET", u"/v1/outbox"_s);
        QCOMPARE(answer.status, 200);
        QHash<QString, QJsonObject> items;
        for (const QJsonValue &item :
             QJsonDocument::fromJson(answer.body).object()[u"items"_s].toArray())
            items.insert(item[u"clientId"_s].toString(), item.toObject());
        QCOMPARE(items[u"l"_s][u"customer"_s].toString(), u"7712345@lid"_s);
        QCOMPARE(items[u"l"_s][u"lid"_s].toString(), u"7712345@lid"_s);
        QVERIFY(m_store->setOutboundRecipient(u"3EB0L"_s, {{}, u"+491701234567"_s, {}}));
        const auto again = call("GET", u"/v1/outbox?search=%2B4917012"_s);
        const QJsonArray found = QJsonDocument::fromJson(again.body).object()[u"items"_s].toArray();
        QCOMPARE(found.size(), 1);
        QCOMPARE(found.at(0)[u"customer"_s].toString(), u"+491701234567"_s);
    }

    void outboxActions_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("stateAfter"); // of the item named in the path
        QTest::newRow("retry a failed item") << u"/v1/outbox/c0/retry"_s << 200 << u"queued"_s;
        QTest::newRow("cancel a waiting one") << u"/v1/outbox/c2/cancel"_s << 200 << u"cancelled"_s;
        QTest::newRow("cancel a sent one") << u"/v1/outbox/c1/cancel"_s << 409 << u"sent"_s;
        QTest::newRow("retry a sent one") << u"/v1/outbox/c1/retry"_s << 409 << u"sent"_s;
        QTest::newRow("an unknown item") << u"/v1/outbox/nobody/retry"_s << 409 << QString();
        QTest::newRow("an unknown action") << u"/v1/outbox/c2/delete"_s << 404 << u"queued"_s;
        QTest::newRow("no action") << u"/v1/outbox/c2"_s << 404 << u"queued"_s;
    }

    void outboxActions()
    {
        QFETCH(QString, path);
        QFETCH(int, status);
        QFETCH(QString, stateAfter);
        const auto answer = call("POST", path);
        QCOMPARE(answer.status, status);
        if (status != 200)
            QVERIFY(QJsonDocument::fromJson(answer.body).object().contains(u"error"_s));
        const QString id = path.section(u'/', 3, 3);
        const auto item = m_store->outboundItem(id);
        QVERIFY(item);
        QCOMPARE(item.value() ? item.value()->state : QString(), stateAfter);
    }

    void pauseAndResume()
    {
        QCOMPARE(call("POST", u"/v1/pause"_s).status, 200);
        QVERIFY(m_pipeline->isPaused());
        QCOMPARE(m_status->overall(), AgentStatus::Overall::Paused);
        QCOMPARE(call("POST", u"/v1/resume"_s).status, 200);
        QVERIFY(!m_pipeline->isPaused());
    }

    void theClientAsksTheRunningAgent()
    {
        const auto status = ask(m_dir->path(), u"status"_s);
        QVERIFY2(status, qPrintable(status ? QString() : status.error().message));
        QVERIFY(status.value().contains("\"session\": \"starting\"")); // indented for people

        // A token the server does not have: it cannot prove it, and the client stops there.
        QFile token(StatusServer::tokenPath(m_dir->path()));
        QVERIFY(token.open(QIODevice::WriteOnly));
        token.write("0123456789abcdef0123456789abcdef0123456789abcdef\n");
        token.close();
        const auto refused = ask(m_dir->path(), u"metrics"_s);
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.contains(u"could not prove"_s),
                 qPrintable(refused.error().message));

        // Nobody listening any more; and no agent ever ran on that directory.
        m_endpoint.reset();
        QVERIFY(!QFile::exists(StatusServer::addressPath(m_dir->path())));
        const auto gone = ask(m_dir->path(), u"status"_s);
        QVERIFY(!gone);
        QVERIFY2(gone.error().message.contains(u"No running agent"_s),
                 qPrintable(gone.error().message));
        QTemporaryDir empty;
        const auto never = ask(empty.path(), u"status"_s);
        QVERIFY(!never);
        QVERIFY(never.error().message.contains(u"No running agent"_s));
    }

    void theClientSaysWhenTheAgentIsGone()
    {
        // A crashed agent's files, and nothing on the port any more.
        const QByteArray token = readToken();
        const QString address = readAddress();
        m_endpoint.reset();
        writePrivate(StatusServer::tokenPath(m_dir->path()), token);
        writePrivate(StatusServer::addressPath(m_dir->path()), address.toLatin1());
        const auto gone = ask(m_dir->path(), u"status"_s);
        QVERIFY(!gone);
        QVERIFY2(gone.error().message.contains(u"is the agent running?"_s),
                 qPrintable(gone.error().message));
    }

    // Another local user listens where the address file points (the agent was down, or the
    // file is a crashed agent's): whatever it answers, even the agent's own proof that it got
    // by passing the nonce on to the real endpoint, the token never reaches it.
    void anImpostorNeverGetsTheToken_data()
    {
        QTest::addColumn<bool>("relaysToTheAgent");
        QTest::newRow("answers with a made-up proof") << false;
        QTest::newRow("passes the nonce on to the real agent") << true;
    }

    void anImpostorNeverGetsTheToken()
    {
        QFETCH(bool, relaysToTheAgent);
        const QByteArray token = readToken();
        const quint16 agentPort = m_endpoint->port();
        QTcpServer impostor;
        QVERIFY(impostor.listen(QHostAddress::LocalHost, 0));
        QByteArray heard;
        connect(&impostor, &QTcpServer::newConnection, this, [&] {
            while (QTcpSocket *socket = impostor.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [&, socket] {
                    const QByteArray request = socket->readAll();
                    heard += request;
                    QByteArray body = R"({"proof":"00"})";
                    const qsizetype nonceAt = request.indexOf("nonce=");
                    if (relaysToTheAgent && nonceAt >= 0)
                        body =
                            test::httpRequest(
                                "GET",
                                QUrl(u"http://127.0.0.1:%1/v1/hello?nonce=%2"_s.arg(agentPort).arg(
                                    QString::fromLatin1(request.mid(nonceAt + 6, 64)))))
                                .body;
                    socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                  "Content-Length: " +
                                  QByteArray::number(body.size()) +
                                  "\r\nConnection: close\r\n\r\n" + body);
                    socket->disconnectFromHost();
                });
            }
        });
        writePrivate(StatusServer::addressPath(m_dir->path()),
                     u"127.0.0.1:%1"_s.arg(impostor.serverPort()).toLatin1());
        const auto answer = ask(m_dir->path(), u"status"_s);
        QVERIFY(!answer);
        QCOMPARE(answer.error().code, u"status-impostor"_s);
        QVERIFY(heard.contains("GET /v1/hello?nonce=")); // it was asked, and failed
        QVERIFY2(!heard.contains(token), heard.constData());
        QVERIFY(!heard.toLower().contains("authorization"));
    }

    // The client reads the token only from a file that is this user's alone.
    void theClientRefusesATokenFileOthersCanReach()
    {
        const QString path = StatusServer::tokenPath(m_dir->path());
        QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                QFileDevice::ReadGroup));
        const auto readable = ask(m_dir->path(), u"status"_s);
        QVERIFY(!readable);
        QVERIFY2(readable.error().message.contains(u"chmod 600 %1"_s.arg(path)),
                 qPrintable(readable.error().message));
        QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        QVERIFY(ask(m_dir->path(), u"status"_s));
#ifdef Q_OS_UNIX
        if (::geteuid() != 0)
            QSKIP("only root can give the file to another user");
        QCOMPARE(::chown(QFile::encodeName(path).constData(), 65534, 65534), 0);
        const auto foreign = ask(m_dir->path(), u"status"_s);
        QVERIFY(!foreign);
        QVERIFY2(foreign.error().message.contains(u"belongs to another user"_s),
                 qPrintable(foreign.error().message));
#endif
    }

    // Where the agent has no terminal, the operator's sak-agent --show-pairing asks for the QR
    // code and the link code; only while WhatsApp waits for them.
    void pairingCodesWhileWhatsAppNeedsThem()
    {
        m_endpoint->followPairing(m_session.get());
        const auto before = QJsonDocument::fromJson(call("GET", u"/v1/pairing"_s).body).object();
        QCOMPARE(before[u"needsPairing"_s].toBool(), false);
        QVERIFY(!before.contains(u"qr"_s));
        m_session->setState(SessionState::NeedsPairing);
        Q_EMIT m_session->qrCodeChanged(u"2@first,qr"_s);
        Q_EMIT m_session->qrCodeChanged(u"2@second,qr"_s);
        Q_EMIT m_session->pairingCodeReceived(u"K2LM-7QXP"_s, QString());
        const auto asked = ask(m_dir->path(), u"pairing"_s);
        QVERIFY2(asked, qPrintable(asked ? QString() : asked.error().message));
        const QJsonObject shown = QJsonDocument::fromJson(asked.value()).object();
        QCOMPARE(shown[u"needsPairing"_s].toBool(), true);
        QCOMPARE(shown[u"qr"_s].toString(), u"2@second,qr"_s);
        QCOMPARE(shown[u"linkCode"_s].toString(), u"K2LM-7QXP"_s);
        // Paired: the codes are gone, also when WhatsApp asks again later.
        m_session->setState(SessionState::Connected);
        m_session->setState(SessionState::NeedsPairing);
        const auto after = QJsonDocument::fromJson(call("GET", u"/v1/pairing"_s).body).object();
        QCOMPARE(after[u"needsPairing"_s].toBool(), true);
        QCOMPARE(after[u"qr"_s].toString(), QString());
        QCOMPARE(after[u"linkCode"_s].toString(), QString());
        // Like everything else, only with the token.
        QCOMPARE(test::httpRequest(
                     "GET", QUrl(u"http://127.0.0.1:%1/v1/pairing"_s.arg(m_endpoint->port())))
                     .status,
                 401);
    }

    void cleanup()
    {
        m_endpoint.reset();
        m_status.reset();
        m_pipeline.reset();
        m_cloud.reset();
        m_session.reset();
        m_store.reset();
    }

private:
    // StatusEndpoint::ask, waited for.
    Result<QByteArray> ask(const QString &dataDir, const QString &what)
    {
        std::optional<Result<QByteArray>> answer;
        StatusEndpoint::ask(dataDir, what, this,
                            [&answer](Result<QByteArray> a) { answer = std::move(a); });
        if (!QTest::qWaitFor([&] { return answer.has_value(); }, 10000))
            return Error{u"test"_s, u"no answer within 10 s"_s};
        return *answer;
    }

    QByteArray readToken() const
    {
        QFile file(StatusServer::tokenPath(m_dir->path()));
        return file.open(QIODevice::ReadOnly) ? file.readAll().trimmed() : QByteArray();
    }

    QString readAddress() const
    {
        QFile file(StatusServer::addressPath(m_dir->path()));
        return file.open(QIODevice::ReadOnly) ? QString::fromLatin1(file.readAll().trimmed())
                                              : QString();
    }

    static void writePrivate(const QString &path, const QByteArray &bytes)
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QVERIFY(file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        file.write(bytes + '\n');
    }

    test::HttpAnswer call(const QByteArray &method, const QString &path)
    {
        return test::httpRequest(
            method, QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_endpoint->port()).arg(path)), m_token);
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<test::FakeSession> m_session;
    std::unique_ptr<CloudClient> m_cloud;
    std::unique_ptr<RelayPipeline> m_pipeline;
    std::unique_ptr<AgentStatus> m_status;
    std::unique_ptr<StatusEndpoint> m_endpoint;
    SystemClock m_clock;
    QByteArray m_token;
};

QTEST_GUILESS_MAIN(TestStatusEndpoint)
#include "tst_statusendpoint.moc"
