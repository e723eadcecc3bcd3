#include "cloud-stub/stubserver.h"

#include "agent/base/logging.h"
#include "agent/protocol/cloudprotocol.h"
#include "agent/protocol/signing.h"
#include "cloud-stub/httpservercompat.h"
#include "cloud-stub/stubhttp.h"

#include <QDateTime>
#include <QEventLoop>
#include <QFile>
#include <QHttpServer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMetaEnum>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QTcpServer>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocketServer>

using namespace Qt::Literals::StringLiterals;

namespace sak::stub {
namespace {

constexpr int kSaveIntervalMs = 250;
constexpr qsizetype kRecordedRequests = 5000;

// Every reply of an inbound answer with one field set to `value`.
void setInEveryReply(QJsonObject &answer, const QString &field, const QString &value)
{
    QJsonArray replies = answer.value(u"replies"_s).toArray();
    for (qsizetype i = 0; i < replies.size(); ++i) {
        QJsonObject reply = replies.at(i).toObject();
        reply.insert(field, value);
        replies.replace(i, reply);
    }
    answer.insert(u"replies"_s, replies);
}

// A signed answer the agent must refuse all the same (Faults::answer), in place of `body`.
QByteArray faultyAnswer(const QString &kind, const QString &path, const QByteArray &body)
{
    if (kind == u"nested"_s) {
        const QByteArray deep = deeplyNested(kNestedFaultDepth);
        if (path == u"/v1/jobs/poll"_s)
            return "{\"frames\":[" + deep + "]}";
        if (path == u"/v1/bridge/package"_s)
            return "{\"format\":\"sak-bridge/1\",\"manifest\":" + deep + "}";
        return "{\"v\":1,\"messageId\":\"nested\",\"replies\":[" + deep + "]}";
    }
    if (kind == u"oversized"_s)
        return "{\"padding\":\"" + QByteArray(cloud::kMaxAnswerBytes, 'x') + "\"}";
    // other-chat: every reply goes to a chat the customer did not write in.
    QJsonObject answer = QJsonDocument::fromJson(body).object();
    setInEveryReply(answer, u"chatId"_s, u"15550009999@c.us"_s);
    return QJsonDocument(answer).toJson(QJsonDocument::Compact);
}

// The answer as a proxy could change it after it was signed: the replies say something else.
QByteArray tampered(const QByteArray &body)
{
    QJsonObject answer = QJsonDocument::fromJson(body).object();
    if (answer.contains(u"replies"_s))
        setInEveryReply(answer, u"text"_s,
                        u"Tampered: pay 500 EUR to DE00 0000 0000 0000 0000 00."_s);
    answer.insert(u"tampered"_s, true); // changed even when there is nothing else to change
    return QJsonDocument(answer).toJson(QJsonDocument::Compact);
}

} // namespace

StubServer::StubServer(QObject *parent)
    : QObject(parent)
{}

StubServer::~StubServer()
{
    if (m_cloud)
        saveState();
}

Status StubServer::start(const StubOptions &options)
{
    auto rules = ReplyEngine::fromFile(options.rulesFile);
    if (!rules)
        return rules.error();
    m_cloud = std::make_unique<CloudService>(std::move(rules).value());
    m_simulator = new WhatsAppSimulator(options.businessNumber, this);
    m_jobs = new JobHub(m_cloud->devices(), this);
    m_pageChannel = new PageChannel(m_simulator, this);
    m_stateFile = options.stateFile;
    if (!m_stateFile.isEmpty()) {
        if (Status loaded = loadState(); !loaded)
            return loaded;
        m_saveTimer = new QTimer(this);
        connect(m_saveTimer, &QTimer::timeout, this, &StubServer::saveState);
        m_saveTimer->start(kSaveIntervalMs);
    }

    QFile certFile(options.certFile);
    QFile keyFile(options.keyFile);
    if (!certFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly))
        return Error{
            u"tls"_s,
            u"The certificate %1 or key %2 cannot be read; run scripts/make-certs.sh to create them."_s
                .arg(options.certFile, options.keyFile)};
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
    const QSslKey key(keyFile.readAll(), QSsl::Rsa, QSsl::Pem);
    if (chain.isEmpty() || key.isNull())
        return Error{u"tls"_s, u"The certificate %1 or key %2 is not valid PEM."_s.arg(
                                   options.certFile, options.keyFile)};
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificateChain(chain);
    tls.setPrivateKey(key);
    tls.setPeerVerifyMode(QSslSocket::VerifyNone); // clients are not asked for certificates

    // The servers listen themselves and are handed to QHttpServer (bind): the one way that
    // Qt 6.4 and the later LTS releases (where listen() and sslSetup() are gone) share.
    m_https = new QHttpServer(this);
    addHttpsRoutes();
    notFound(m_https);
    compat::acceptWebSockets(m_https, u"/ws/chat"_s);
    connect(m_https, &QHttpServer::newWebSocketConnection, this, [this] {
        while (m_https->hasPendingWebSocketConnections())
            m_pageChannel->accept(m_https->nextPendingWebSocketConnection());
    });
    auto *httpsServer = new QSslServer(this);
    httpsServer->setSslConfiguration(tls);
    if (httpsServer->listen(options.address, options.httpsPort)) {
        m_https->bind(httpsServer);
        m_httpsPort = httpsServer->serverPort();
    }
    if (m_httpsPort == 0)
        return Error{
            u"listen"_s,
            u"Cannot listen on %1:%2 (HTTPS); is another stub running? Choose another port with --port."_s
                .arg(options.address.toString())
                .arg(options.httpsPort)};

    // The job channel: a secure WebSocket server of its own, with the same certificate.
    m_jobsServer = new QWebSocketServer(u"sak-cloud-stub"_s, QWebSocketServer::SecureMode, this);
    m_jobsServer->setSslConfiguration(tls);
    connect(m_jobsServer, &QWebSocketServer::newConnection, this, [this] {
        while (m_jobsServer->hasPendingConnections())
            m_jobs->accept(std::unique_ptr<QWebSocket>(m_jobsServer->nextPendingConnection()));
    });
    if (!m_jobsServer->listen(options.address, options.jobsPort))
        return Error{
            u"listen"_s,
            u"Cannot listen on %1:%2 (job channel); choose another port with --jobs-port."_s
                .arg(options.address.toString())
                .arg(options.jobsPort)};
    m_jobsPort = m_jobsServer->serverPort();
    m_cloud->devices().setJobsPort(m_jobsPort);

    m_control = new QHttpServer(this);
    addControlRoutes();
    notFound(m_control);
    // People and tests only: never reachable from another machine.
    auto *controlServer = new QTcpServer(this);
    if (controlServer->listen(QHostAddress::LocalHost, options.controlPort)) {
        m_control->bind(controlServer);
        m_controlPort = controlServer->serverPort();
    }
    if (m_controlPort == 0)
        return Error{
            u"listen"_s,
            u"Cannot listen on 127.0.0.1:%1 (control); choose another port with --control-port."_s
                .arg(options.controlPort)};
    return Done{};
}

std::optional<StubServer::Faults> StubServer::dueFault(const QString &path)
{
    const bool any =
        m_faults.status != 0 || !m_faults.signature.isEmpty() || !m_faults.answer.isEmpty();
    if (!any || (!m_faults.path.isEmpty() && m_faults.path != path))
        return std::nullopt;
    const bool due = m_faults.remaining > 0 ||
                     (m_faults.errorRate > 0 &&
                      QRandomGenerator::global()->generateDouble() < m_faults.errorRate);
    if (!due)
        return std::nullopt;
    if (m_faults.remaining > 0)
        --m_faults.remaining;
    return m_faults;
}

void StubServer::record(const QString &path, const QString &agentId, int status)
{
    m_requests.append({QDateTime::currentMSecsSinceEpoch(), path, agentId, status});
    if (m_requests.size() > kRecordedRequests)
        m_requests.removeFirst();
}

void StubServer::signedRoute(const QString &path, SignedHandler handler)
{
    m_https->route(
        path, QHttpServerRequest::Method::Post, [this, handler](const QHttpServerRequest &request) {
            QHttpServerResponse response = [&] {
                const QString requestPath = request.url().path();
                const QByteArray signedPath = request.url().path(QUrl::FullyEncoded).toUtf8();
                const signing::Signature signature{request.value(signing::kTimestampHeader),
                                                   request.value(signing::kNonceHeader),
                                                   request.value(signing::kSignatureHeader)};
                const auto device = m_cloud->devices().authenticate(
                    "POST", signedPath, request.body(), request.value(signing::kTokenHeader),
                    signature, QDateTime::currentSecsSinceEpoch());
                if (!device) {
                    // Not signed: the cloud cannot tell which secret the agent holds, if any.
                    qCWarning(lcStub).noquote()
                        << "Refused" << requestPath << "-" << device.error().code;
                    record(requestPath, QString(), 401);
                    return errorResponse(device.error(), 401);
                }
                const auto fault = dueFault(requestPath);
                int status = 0;
                QByteArray body;
                if (fault && fault->status != 0) {
                    qCWarning(lcStub).noquote()
                        << "Injected fault: answering" << requestPath << "with" << fault->status;
                    status = fault->status;
                    body = cloud::encodeError(
                        u"injected-fault"_s,
                        u"The server is busy (injected fault); try again later."_s);
                } else {
                    const QHttpServerResponse served = handler(device.value(), request);
                    status = int(served.statusCode());
                    body = served.data();
                }
                record(requestPath, device.value().agentId, status);
                if (fault && !fault->answer.isEmpty())
                    body = faultyAnswer(fault->answer, requestPath, body);
                // Every answer to a signed request is signed, with the secret that signed the
                // request: during a rotation the agent knows no other.
                const QByteArray answerSignature = signing::signAnswer(
                    signing::signingSecret(device.value().secrets, "POST", signedPath,
                                           request.body(), signature),
                    signedPath, signature.nonce, status, body);
                if (fault && fault->signature == u"tamper"_s)
                    body = tampered(body);
                QHttpServerResponse answer = jsonResponse(body, status);
                if (fault && fault->status != 0 && fault->retryAfter > 0)
                    compat::addHeader(answer, "Retry-After", QByteArray::number(fault->retryAfter));
                if (fault && !fault->signature.isEmpty())
                    qCWarning(lcStub).noquote()
                        << "Injected fault: the answer to" << requestPath << "is"
                        << (fault->signature == u"strip"_s ? "unsigned" : "tampered with");
                if (!fault || fault->signature != u"strip"_s)
                    compat::addHeader(answer, signing::kSignatureHeader, answerSignature);
                return answer;
            }();
            if (m_faults.latencyMs > 0) {
                // QtHttpServer 6.4 cannot answer after the handler returned (its responder
                // keeps a reference to the request), so the answer waits in a local event
                // loop: other requests are served meanwhile.
                QEventLoop wait;
                QTimer::singleShot(m_faults.latencyMs, &wait, &QEventLoop::quit);
                wait.exec();
            }
            return response;
        });
}

StubServer::SignedHandler StubServer::served(ServiceHandler handler)
{
    return
        [this, handler](const DeviceRegistry::Device &device, const QHttpServerRequest &request) {
            const auto answer = (m_cloud.get()->*handler)(device, request.body());
            return jsonResponse(answer.body, answer.httpStatus);
        };
}

Status StubServer::loadState()
{
    QFile file(m_stateFile);
    if (!file.exists())
        return Done{};
    if (!file.open(QIODevice::ReadOnly))
        return Error{
            u"state"_s,
            u"The stub's state file %1 cannot be read; check its permissions or choose another --state-file."_s
                .arg(m_stateFile)};
    m_savedState = file.readAll();
    QJsonParseError error{};
    const QJsonObject state = QJsonDocument::fromJson(m_savedState, &error).object();
    if (error.error != QJsonParseError::NoError)
        return Error{
            u"state"_s,
            u"The stub's state file %1 is not valid JSON (%2); move it away to start afresh."_s.arg(
                m_stateFile, error.errorString())};
    m_cloud->devices().restore(state.value(u"devices"_s).toArray());
    m_cloud->restore(state.value(u"cloud"_s).toObject());
    m_jobs->restore(state.value(u"jobs"_s).toArray());
    m_simulator->restore(state.value(u"whatsapp"_s).toObject());
    qCInfo(lcStub).noquote() << "State restored from" << m_stateFile;
    return Done{};
}

void StubServer::saveState()
{
    if (m_stateFile.isEmpty())
        return;
    const QByteArray state =
        QJsonDocument(QJsonObject{{u"devices"_s, m_cloud->devices().snapshot()},
                                  {u"cloud"_s, m_cloud->snapshot()},
                                  {u"jobs"_s, m_jobs->snapshot()},
                                  {u"whatsapp"_s, m_simulator->snapshot()}})
            .toJson(QJsonDocument::Compact);
    if (state == m_savedState)
        return;
    QSaveFile file(m_stateFile);
    if (!file.open(QIODevice::WriteOnly) || file.write(state) < 0 || !file.commit()) {
        qCWarning(lcStub).noquote()
            << "The stub's state file" << m_stateFile << "cannot be written:" << file.errorString();
        return;
    }
    m_savedState = state;
}

void StubServer::addHttpsRoutes()
{
    using Method = QHttpServerRequest::Method;
    m_https->route(u"/v1/pair"_s, Method::Post, [this](const QHttpServerRequest &request) {
        const auto pairing = cloud::decodePairRequest(request.body());
        if (!pairing)
            return errorResponse(pairing.error(), 400);
        const auto credentials =
            m_cloud->devices().pair(pairing.value(), QDateTime::currentSecsSinceEpoch());
        if (!credentials)
            return errorResponse(credentials.error(), 404);
        saveState();
        return jsonResponse(cloud::encode(credentials.value()));
    });
    signedRoute(u"/v1/inbound"_s, served(&CloudService::handleInbound));
    signedRoute(u"/v1/status/batch"_s, served(&CloudService::handleStatusBatch));
    signedRoute(u"/v1/status"_s, served(&CloudService::handleStatus));
    signedRoute(u"/v1/credentials/rotate"_s,
                [this](const DeviceRegistry::Device &device, const QHttpServerRequest &) {
                    const auto rotated = m_cloud->devices().rotate(device.token);
                    saveState();
                    return rotated ? jsonResponse(cloud::encode(rotated.value()))
                                   : errorResponse(rotated.error(), 404);
                });
    signedRoute(u"/v1/heartbeat"_s, served(&CloudService::handleHeartbeat));
    // The document of a bridge package, as published (up to 8 MiB).
    signedRoute(u"/v1/bridge/package"_s, served(&CloudService::handleBridgePackage));
    signedRoute(u"/v1/jobs/poll"_s, [this](const DeviceRegistry::Device &device,
                                           const QHttpServerRequest &request) {
        const auto poll = cloud::decodeJobsPoll(request.body());
        if (!poll)
            return errorResponse(poll.error(), 400);
        const QString token = device.token;
        m_jobs->takeAcks(token, poll.value().acks);
        if (!m_jobs->hasPending(token) && poll.value().waitSeconds > 0) {
            // Held until a job comes or the wait is over (a local event loop: see the
            // latency fault for why QtHttpServer 6.4 needs one).
            QEventLoop wait;
            QTimer::singleShot(std::chrono::seconds(poll.value().waitSeconds), &wait,
                               &QEventLoop::quit);
            connect(m_jobs, &JobHub::jobsQueued, &wait, [&wait, token](const QString &queued) {
                if (queued == token)
                    wait.quit();
            });
            wait.exec();
        }
        return jsonResponse(cloud::encodeFrames(m_jobs->pendingFrames(token)));
    });
    signedRoute(u"/v1/unpair"_s,
                [this](const DeviceRegistry::Device &device, const QHttpServerRequest &) {
                    m_cloud->devices().unpair(device.token);
                    saveState();
                    return jsonResponse(QJsonObject{{u"ok"_s, true}});
                });

    // The page's calls travel over its WebSocket (PageChannel), as WhatsApp's over its own.
    m_pageChannel->addCall(u"hello"_s, [this](const QJsonObject &body) -> Result<QJsonObject> {
        return m_simulator->hello(body);
    });
    pageApi(u"send"_s, &WhatsAppSimulator::send);
    pageApi(u"activity"_s, &WhatsAppSimulator::activity);
    pageApi(u"presence"_s, &WhatsAppSimulator::presence);
    pageApi(u"call-reject"_s, &WhatsAppSimulator::rejectCall);
    // WhatsApp's media servers: the (here unencrypted) file behind a message's directPath.
    m_https->route(u"/wa/media"_s, Method::Get, [this](const QHttpServerRequest &request) {
        const auto file = m_simulator->mediaFile(request.query().queryItemValue(u"id"_s));
        if (!file)
            return errorResponse({u"not-found"_s, u"No such media."_s}, 404);
        return QHttpServerResponse(file->second.toLatin1(), file->first);
    });
    pageApi(u"upload"_s, &WhatsAppSimulator::upload);
    pageApi(u"takeover"_s, &WhatsAppSimulator::takeover);
    pageApi(u"pairing-code"_s, &WhatsAppSimulator::pairingCode);
    pageApi(u"lookup"_s, &WhatsAppSimulator::lookup);
    pageApi(u"logout"_s, &WhatsAppSimulator::logoutPage);
    m_https->route(u"/wa/"_s, Method::Get,
                   [] { return staticFile(u"wa/index.html"_s, "text/html; charset=utf-8"); });
    // The page at the root as well: WPPConnect opens https://web.whatsapp.com/ and bench/peer
    // points that name at the stub; the page's scripts are relative to where it is served.
    m_https->route(u"/"_s, Method::Get,
                   [] { return staticFile(u"wa/index.html"_s, "text/html; charset=utf-8"); });
    for (const auto &script : {u"loader.js"_s, u"modules.js"_s, u"whatsapp-sim.js"_s}) {
        for (const auto &dir : {u"/wa/"_s, u"/"_s}) {
            m_https->route(dir + script, Method::Get, [script = script] {
                return staticFile(u"wa/"_s + script, "text/javascript; charset=utf-8");
            });
        }
    }
    // bench/peer's bot: the cloud's rule-based answer to a customer's text, without a paired
    // device, signing or journal (the peer being measured has none of these).
    m_https->route(u"/bench/answer"_s, Method::Post, [this](const QHttpServerRequest &request) {
        const auto body = bodyObject(request);
        if (!body || !body->value(u"text"_s).isString())
            return errorResponse(
                {u"invalid-request"_s,
                 u"Expected a JSON object {\"text\": \"...\", \"senderName\"?: \"...\"}."_s},
                400);
        const QString text = body->value(u"text"_s).toString();
        const auto poll = m_cloud->rules().pollFor(text);
        const QString reply =
            poll ? poll->question
                 : m_cloud->rules().replyTo(text, body->value(u"senderName"_s).toString());
        return jsonResponse(
            QJsonObject{{u"replies"_s, QJsonArray{QJsonObject{{u"text"_s, reply}}}}});
    });
}

// A call of the simulated page with a JSON body; a refusal is answered as an error frame (the
// page tells it from a server that does not answer).
void StubServer::pageApi(const QString &name,
                         Result<QJsonObject> (WhatsAppSimulator::*call)(const QJsonObject &))
{
    m_pageChannel->addCall(
        name, [this, call](const QJsonObject &body) { return (m_simulator->*call)(body); });
}

} // namespace sak::stub
