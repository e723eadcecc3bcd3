#include "agent/status/statusendpoint.h"

#include "agent/delivery/relaypipeline.h"
#include "agent/delivery/whatsappsession.h"
#include "agent/status/agentstatus.h"
#include "agent/store/store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

constexpr int kMaxOutboxItems = 500;
constexpr int kAskTimeoutMs = 10000;

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// Loopback only, never through a proxy, never redirected (the token stays with this address).
QNetworkRequest localRequest(const QString &address, const QString &pathAndQuery)
{
    QNetworkRequest request(QUrl(u"http://%1%2"_s.arg(address, pathAndQuery)));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(kAskTimeoutMs);
    return request;
}

Error notAnswering(const QString &address, const QNetworkReply *reply)
{
    return Error{
        u"not-running"_s,
        u"The agent's status endpoint at %1 does not answer (%2): is the agent running?"_s.arg(
            address, reply->errorString())};
}

} // namespace

StatusEndpoint::StatusEndpoint(AgentStatus *status, RelayPipeline *pipeline, Store *store,
                               QObject *parent)
    : QObject(parent)
    , m_status(status)
    , m_pipeline(pipeline)
    , m_store(store)
{
    using Request = StatusServer::Request;
    m_server.route("GET", u"/v1/status"_s, [this](const Request &) {
        return StatusServer::json(200, compact(m_status->toJson()));
    });
    m_server.route("GET", u"/metrics"_s, [this](const Request &) {
        return StatusServer::Response{200, m_status->metrics(),
                                      "text/plain; version=0.0.4; charset=utf-8"};
    });
    for (const bool pause : {true, false}) {
        m_server.route("POST", pause ? u"/v1/pause"_s : u"/v1/resume"_s,
                       [this, pause](const Request &) {
                           m_pipeline->setPaused(pause);
                           return StatusServer::json(200, compact(m_status->toJson()));
                       });
    }
    m_server.route("GET", u"/v1/outbox"_s,
                   [this](const Request &request) { return outbox(request); });
    m_server.route("POST", u"/v1/outbox/"_s,
                   [this](const Request &request) { return outboxAction(request); });
    m_server.route("GET", u"/v1/pairing"_s, [this](const Request &) { return pairing(); });
}

void StatusEndpoint::followPairing(WhatsAppSession *session)
{
    m_session = session;
    connect(session, &WhatsAppSession::qrCodeChanged, this,
            [this](const QString &qr) { m_pairingQr = qr; });
    connect(session, &WhatsAppSession::pairingCodeReceived, this,
            [this](const QString &code, const QString &) { m_linkCode = code; });
    // Only while WhatsApp waits for the phone: a code is not shown after it was used.
    connect(session, &WhatsAppSession::stateChanged, this, [this](SessionState state) {
        if (state != SessionState::NeedsPairing) {
            m_pairingQr.clear();
            m_linkCode.clear();
        }
    });
}

StatusServer::Response StatusEndpoint::pairing() const
{
    const bool needed = m_session && m_session->state() == SessionState::NeedsPairing;
    QJsonObject answer{{u"needsPairing"_s, needed},
                       {u"session"_s, sessionStateName(m_status->sessionState())}};
    if (needed) {
        answer.insert(u"qr"_s, m_pairingQr);
        answer.insert(u"linkCode"_s, m_linkCode);
    }
    return StatusServer::json(200, compact(answer));
}

Status StatusEndpoint::listen(quint16 port, const QString &dataDir)
{
    return m_server.listen(port, dataDir);
}

StatusServer::Response StatusEndpoint::outbox(const StatusServer::Request &request) const
{
    OutboxFilter filter;
    if (const QString state = request.query.queryItemValue(u"state"_s); !state.isEmpty())
        filter.states = state.split(u',');
    filter.chatId = request.query.queryItemValue(u"chat"_s, QUrl::FullyDecoded);
    filter.search = request.query.queryItemValue(u"search"_s, QUrl::FullyDecoded);
    const auto rows = m_store->outboxPage(filter, 0, kMaxOutboxItems);
    if (!rows)
        return StatusServer::error(503, rows.error().message);
    QJsonArray items;
    for (const OutboxRow &row : rows.value())
        items.append(QJsonObject{{u"clientId"_s, row.item.text.clientId},
                                 {u"chatId"_s, row.item.text.chatId},
                                 // the number where WhatsApp told it, else the LID
                                 {u"customer"_s, row.item.recipient.shown(row.item.text.chatId)},
                                 {u"phone"_s, row.item.recipient.phone},
                                 {u"lid"_s, row.item.recipient.lid},
                                 {u"poll"_s, !row.item.text.poll.isEmpty()},
                                 {u"kind"_s, row.item.kind},
                                 {u"state"_s, row.item.state},
                                 {u"attempts"_s, row.item.attempts},
                                 {u"nextAttemptAt"_s, row.item.nextAttemptAt},
                                 {u"lastError"_s, row.item.lastError}});
    return StatusServer::json(200, compact(QJsonObject{{u"items"_s, items}}));
}

// POST /v1/outbox/<client id>/retry or /cancel
StatusServer::Response StatusEndpoint::outboxAction(const StatusServer::Request &request)
{
    const QStringList parts = request.path.mid(QStringLiteral("/v1/outbox/").size()).split(u'/');
    if (parts.size() != 2 || (parts.at(1) != u"retry"_s && parts.at(1) != u"cancel"_s))
        return StatusServer::error(404, u"Use /v1/outbox/CLIENT-ID/retry or /cancel."_s);
    const Status done = parts.at(1) == u"retry"_s ? m_pipeline->retry(parts.at(0))
                                                  : m_pipeline->cancel(parts.at(0));
    if (!done)
        return StatusServer::error(409, done.error().message);
    return StatusServer::json(200, compact(QJsonObject{{u"done"_s, true}}));
}

void StatusEndpoint::ask(const QString &dataDir, const QString &what, QObject *context,
                         std::function<void(Result<QByteArray>)> done)
{
    const auto token = StatusServer::readPrivateFile(StatusServer::tokenPath(dataDir));
    const auto address = StatusServer::readPrivateFile(StatusServer::addressPath(dataDir));
    if ((!token && token.error().code == u"not-found"_s) ||
        (!address && address.error().code == u"not-found"_s)) {
        done(Error{
            u"not-running"_s,
            u"No running agent with the data directory %1 has a status endpoint ([status] port=off, or it is not running). sak-agent --outbox reads the store directly."_s
                .arg(dataDir)});
        return;
    }
    if (!token || !address) {
        done(!token ? token.error() : address.error());
        return;
    }
    const QString where = QString::fromLatin1(address.value());
    static const QRegularExpression loopback(u"^127\\.0\\.0\\.1:[0-9]{1,5}$"_s);
    if (!loopback.match(where).hasMatch()) {
        done(Error{
            u"status-file"_s,
            u"%1 does not hold an address on 127.0.0.1; restart the agent, which writes it anew."_s
                .arg(StatusServer::addressPath(dataDir))});
        return;
    }
    const QString path = what == u"metrics"_s   ? u"/metrics"_s
                         : what == u"pairing"_s ? u"/v1/pairing"_s
                                                : u"/v1/status"_s;
    auto *network = new QNetworkAccessManager(context);
    network->setProxy(QNetworkProxy::NoProxy);
    // First the server proves that it knows the token, for a nonce of ours; only then is the
    // token sent. Whatever listens there otherwise gets a random number and nothing else.
    QByteArray random(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(random.begin(), random.end());
    const QByteArray nonce = random.toHex();
    QNetworkReply *hello =
        network->get(localRequest(where, u"/v1/hello?nonce=%1"_s.arg(QString::fromLatin1(nonce))));
    connect(
        hello, &QNetworkReply::finished, context,
        [hello, network, where, dataDir, path, nonce, token = token.value(),
         done = std::move(done)]() mutable {
            hello->deleteLater();
            const int status = hello->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status == 0) {
                network->deleteLater();
                done(notAnswering(where, hello));
                return;
            }
            const QByteArray proof = QJsonDocument::fromJson(hello->readAll())
                                         .object()
                                         .value(u"proof"_s)
                                         .toString()
                                         .toLatin1();
            if (status != 200 || !StatusServer::isProof(proof, token, nonce, where)) {
                network->deleteLater();
                done(Error{
                    u"status-impostor"_s,
                    u"What listens on %1 could not prove that it is the agent of %2, so the status token was not sent to it. If the agent runs, restart it (it takes a port and a token anew); if another program holds the port, set [status] port to a free one."_s
                        .arg(where, dataDir)});
                return;
            }
            QNetworkRequest request = localRequest(where, path);
            request.setRawHeader("Authorization", "Bearer " + token);
            QNetworkReply *reply = network->get(request);
            connect(reply, &QNetworkReply::finished, network,
                    [reply, network, where, done = std::move(done)] {
                        network->deleteLater();
                        const QByteArray body = reply->readAll();
                        if (reply->error() != QNetworkReply::NoError) {
                            const QString refusal =
                                QJsonDocument::fromJson(body).object().value(u"error"_s).toString();
                            if (!refusal.isEmpty())
                                done(Error{u"status-endpoint"_s,
                                           u"The agent's status endpoint at %1 refused: %2"_s.arg(
                                               where, refusal)});
                            else
                                done(notAnswering(where, reply));
                            return;
                        }
                        const auto document = QJsonDocument::fromJson(body);
                        done(document.isObject() ? document.toJson(QJsonDocument::Indented) : body);
                    });
        });
}

} // namespace sak
