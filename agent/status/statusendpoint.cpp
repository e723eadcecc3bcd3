#include "agent/status/statusendpoint.h"

#include "agent/delivery/relaypipeline.h"
#include "agent/status/agentstatus.h"
#include "agent/store/store.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

constexpr int kMaxOutboxItems = 500;

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
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
    QFile tokenFile(StatusServer::tokenPath(dataDir));
    QFile addressFile(StatusServer::addressPath(dataDir));
    if (tokenFile.exists() && !tokenFile.open(QIODevice::ReadOnly)) {
        done(Error{
            u"status-token"_s,
            u"The status token %1 cannot be read (%2): ask as the user the agent runs as (for the kiosk service: sudo sak-agentctl --status)."_s
                .arg(tokenFile.fileName(), tokenFile.errorString())});
        return;
    }
    if (!tokenFile.isOpen() || !addressFile.open(QIODevice::ReadOnly)) {
        done(Error{
            u"not-running"_s,
            u"No running agent with the data directory %1 has a status endpoint ([status] port=off, or it is not running). sak-agent --outbox reads the store directly."_s
                .arg(dataDir)});
        return;
    }
    const QByteArray token = tokenFile.readAll().trimmed();
    const QString address = QString::fromLatin1(addressFile.readAll().trimmed());
    auto *network = new QNetworkAccessManager(context);
    network->setProxy(QNetworkProxy::NoProxy); // loopback, never through a proxy
    QNetworkRequest request(QUrl(
        u"http://%1%2"_s.arg(address, what == u"metrics"_s ? u"/metrics"_s : u"/v1/status"_s)));
    request.setRawHeader("Authorization", "Bearer " + token);
    request.setTransferTimeout(10000);
    QNetworkReply *reply = network->get(request);
    connect(
        reply, &QNetworkReply::finished, context,
        [reply, network, address, done = std::move(done)] {
            network->deleteLater();
            const QByteArray body = reply->readAll();
            if (reply->error() != QNetworkReply::NoError) {
                const QString refusal =
                    QJsonDocument::fromJson(body).object().value(u"error"_s).toString();
                if (!refusal.isEmpty())
                    done(Error{
                        u"status-endpoint"_s,
                        u"The agent's status endpoint at %1 refused: %2"_s.arg(address, refusal)});
                else
                    done(Error{
                        u"not-running"_s,
                        u"The agent's status endpoint at %1 does not answer (%2): is the agent running?"_s
                            .arg(address, reply->errorString())});
                return;
            }
            const auto document = QJsonDocument::fromJson(body);
            done(document.isObject() ? document.toJson(QJsonDocument::Indented) : body);
        });
}

} // namespace sak
