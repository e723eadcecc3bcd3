// The stub's loopback listener (StubServer::addControlRoutes): the customer panel and the admin
// page, the simulator's control API (/control/...) and the cloud's admin API (/admin/...).
#include "cloud-stub/stubserver.h"

#include "cloud-stub/httpservercompat.h"
#include "cloud-stub/stubhttp.h"

#include <QDateTime>
#include <QHttpServer>
#include <QJsonArray>
#include <QUrlQuery>

using namespace Qt::Literals::StringLiterals;

namespace sak::stub {
namespace {

const Error kInvalidTenant{
    u"invalid-request"_s,
    u"tenantId must be 1-64 characters of letters, digits, '.', '_' or '-', starting with a letter or a digit."_s};

} // namespace

void StubServer::addControlRoutes()
{
    using Method = QHttpServerRequest::Method;
    m_control->route(u"/"_s, Method::Get, [] {
        QHttpServerResponse response(QHttpServerResponse::StatusCode::Found);
        compat::addHeader(response, "Location", "/customer");
        return response;
    });
    m_control->route(u"/admin"_s, Method::Get,
                     [] { return staticFile(u"admin.html"_s, "text/html; charset=utf-8"); });
    m_control->route(u"/customer"_s, Method::Get,
                     [] { return staticFile(u"customer.html"_s, "text/html; charset=utf-8"); });
    m_control->route(u"/control/inject"_s, Method::Post, [this](const QHttpServerRequest &request) {
        const auto body = bodyObject(request);
        if (!body)
            return errorResponse({u"invalid-request"_s, u"Expected a JSON object."_s}, 400);
        return resultResponse(m_simulator->inject(*body));
    });
    m_control->route(u"/control/scan"_s, Method::Post,
                     [this] { return resultResponse(m_simulator->scan(), 409); });
    m_control->route(
        u"/control/link-code"_s, Method::Post, [this](const QHttpServerRequest &request) {
            const auto body = bodyObject(request);
            return resultResponse(
                m_simulator->linkWithCode(body ? body->value(u"code"_s).toString() : QString()));
        });
    m_control->route(u"/control/edit"_s, Method::Post, [this](const QHttpServerRequest &request) {
        const auto body = bodyObject(request);
        return resultResponse(
            m_simulator->edit(body ? body->value(u"id"_s).toString() : QString(),
                              body ? body->value(u"body"_s).toString() : QString()));
    });
    m_control->route(u"/control/revoke"_s, Method::Post, [this](const QHttpServerRequest &request) {
        const auto body = bodyObject(request);
        return resultResponse(
            m_simulator->revoke(body ? body->value(u"id"_s).toString() : QString()));
    });
    m_control->route(u"/control/fail"_s, Method::Post, [this](const QHttpServerRequest &request) {
        const auto body = bodyObject(request);
        return resultResponse(m_simulator->fail(body ? body->value(u"id"_s).toString() : QString(),
                                                body ? body->value(u"ack"_s).toInt() : 0));
    });
    m_control->route(u"/control/poll"_s, Method::Post, [this](const QHttpServerRequest &request) {
        const auto body = bodyObject(request);
        return resultResponse(m_simulator->poll(body.value_or(QJsonObject())));
    });
    m_control->route(u"/control/vote"_s, Method::Post, [this](const QHttpServerRequest &request) {
        const auto body = bodyObject(request);
        return resultResponse(m_simulator->vote(body.value_or(QJsonObject())));
    });
    m_control->route(
        u"/control/unregistered"_s, Method::Post, [this](const QHttpServerRequest &request) {
            const auto body = bodyObject(request);
            return resultResponse(
                m_simulator->unregister(body ? body->value(u"phone"_s).toString() : QString()));
        });
    m_control->route(u"/control/call"_s, Method::Post, [this](const QHttpServerRequest &request) {
        const auto body = bodyObject(request);
        return resultResponse(m_simulator->call(body.value_or(QJsonObject())));
    });
    m_control->route(u"/control/block"_s, Method::Post, [this](const QHttpServerRequest &request) {
        const auto body = bodyObject(request);
        return resultResponse(
            m_simulator->block(body ? body->value(u"state"_s).toString() : QString()));
    });
    m_control->route(u"/control/conflict"_s, Method::Post,
                     [this] { return resultResponse(m_simulator->conflict()); });
    m_control->route(u"/control/drop-connections"_s, Method::Post,
                     [this] { return resultResponse(m_simulator->dropConnections()); });
    m_control->route(u"/control/logout"_s, Method::Post,
                     [this] { return resultResponse(m_simulator->logout()); });
    m_control->route(u"/control/needs-update"_s, Method::Post,
                     [this] { return resultResponse(m_simulator->announceUpdate()); });
    m_control->route(u"/control/leak"_s, Method::Post, [this](const QHttpServerRequest &request) {
        const auto body = bodyObject(request);
        return resultResponse(m_simulator->leak(body.value_or(QJsonObject())));
    });
    m_control->route(u"/control/read"_s, Method::Post, [this](const QHttpServerRequest &request) {
        const auto body = bodyObject(request);
        if (!body)
            return errorResponse({u"invalid-request"_s, u"Expected a JSON object."_s}, 400);
        return resultResponse(m_simulator->markRead(body->value(u"chatId"_s).toString()));
    });
    m_control->route(u"/control/state"_s, Method::Get,
                     [this] { return jsonResponse(m_simulator->state()); });
    m_control->route(u"/control/chat"_s, Method::Get, [this](const QHttpServerRequest &request) {
        const QString chatId = request.query().queryItemValue(u"id"_s, QUrl::FullyDecoded);
        return jsonResponse(QJsonObject{{u"messages"_s, m_simulator->chat(chatId)}});
    });
    m_control->route(
        u"/control/activity"_s, Method::Get, [this](const QHttpServerRequest &request) {
            const QString chatId = request.query().queryItemValue(u"id"_s, QUrl::FullyDecoded);
            return jsonResponse(QJsonObject{{u"activity"_s, m_simulator->activityIn(chatId)}});
        });
    m_control->route(u"/control/sent"_s, Method::Get, [this] {
        return jsonResponse(QJsonObject{{u"messages"_s, m_simulator->sentByBusiness()}});
    });

    m_control->route(
        u"/admin/pairing-codes"_s, Method::Post, [this](const QHttpServerRequest &request) {
            const auto body = bodyObject(request);
            const QString tenant = body ? body->value(u"tenantId"_s).toString() : QString();
            if (!cloud::isValidAccountId(tenant))
                return errorResponse(kInvalidTenant, 400);
            return jsonResponse(
                m_cloud->devices().createPairingCode(tenant, QDateTime::currentSecsSinceEpoch()));
        });
    // Bridge packages (docs/protocol.md, "Bridge packages"): the body is the document, kept
    // as sent and announced to the tenant's agents at their next heartbeat.
    m_control->route(u"/admin/bridge/publish"_s, Method::Post,
                     [this](const QHttpServerRequest &request) {
                         const QString tenant = request.query().queryItemValue(u"tenant"_s);
                         if (!cloud::isValidAccountId(tenant))
                             return errorResponse(kInvalidTenant, 400);
                         const auto published = m_cloud->bridgePackages().publish(
                             tenant, request.body(), QDateTime::currentMSecsSinceEpoch());
                         if (!published)
                             return errorResponse(published.error(), 400);
                         saveState();
                         return jsonResponse(BridgePackageStore::describe(published.value()));
                     });
    m_control->route(u"/admin/bridge"_s, Method::Get, [this](const QHttpServerRequest &request) {
        const QString tenant = request.query().queryItemValue(u"tenant"_s);
        if (!cloud::isValidAccountId(tenant))
            return errorResponse(kInvalidTenant, 400);
        QJsonArray out;
        const auto packages = m_cloud->bridgePackages().packages(tenant);
        for (const auto &package : packages) {
            QJsonObject described = BridgePackageStore::describe(package);
            // The newest is the one the agents are told about.
            described.insert(u"announced"_s, out.isEmpty());
            out.append(described);
        }
        return jsonResponse(QJsonObject{{u"packages"_s, out}});
    });
    m_control->route(u"/admin/bridge"_s, Method::Delete, [this](const QHttpServerRequest &request) {
        const QString tenant = request.query().queryItemValue(u"tenant"_s);
        if (!cloud::isValidAccountId(tenant))
            return errorResponse(kInvalidTenant, 400);
        const qsizetype withdrawn = m_cloud->bridgePackages().withdraw(tenant);
        saveState();
        return jsonResponse(QJsonObject{{u"withdrawn"_s, withdrawn}});
    });
    m_control->route(
        u"/admin/broadcasts"_s, Method::Post, [this](const QHttpServerRequest &request) {
            const auto body = bodyObject(request);
            if (!body)
                return errorResponse({u"invalid-request"_s, u"Expected a JSON object."_s}, 400);
            QStringList chats;
            for (const auto &chat : body->value(u"chats"_s).toArray())
                chats.append(chat.toString());
            // Optional: "poll": {"options": [...], "multipleChoice": false}.
            Poll poll;
            const QJsonObject pollObject = body->value(u"poll"_s).toObject();
            for (const auto &option : pollObject.value(u"options"_s).toArray())
                poll.options.append(option.toString());
            poll.multipleChoice = pollObject.value(u"multipleChoice"_s).toBool();
            if (body->contains(u"poll"_s) && poll.options.isEmpty())
                return errorResponse(
                    {u"invalid-request"_s, u"poll needs options (2 to 12 texts)."_s}, 400);
            const auto created = m_jobs->broadcast(body->value(u"tenantId"_s).toString(), chats,
                                                   body->value(u"template"_s).toString(), poll);
            return created ? jsonResponse(QJsonObject{{u"jobs"_s, created.value()}})
                           : errorResponse(created.error(), 400);
        });
    m_control->route(u"/admin/jobs"_s, Method::Get, [this](const QHttpServerRequest &request) {
        return jsonResponse(m_jobs->jobs(request.query().queryItemValue(u"tenant"_s)));
    });
    m_control->route(u"/admin/faults"_s, Method::Post, [this](const QHttpServerRequest &request) {
        const auto body = bodyObject(request);
        if (!body)
            return errorResponse({u"invalid-request"_s, u"Expected a JSON object."_s}, 400);
        Faults faults;
        faults.status = body->value(u"status"_s).toInt();
        faults.retryAfter = body->value(u"retryAfter"_s).toInt();
        faults.errorRate = body->value(u"errorRate"_s).toDouble();
        faults.latencyMs = body->value(u"latencyMs"_s).toInt();
        faults.path = body->value(u"path"_s).toString();
        faults.remaining = body->contains(u"count"_s) ? body->value(u"count"_s).toInt() : 0;
        faults.signature = body->value(u"signature"_s).toString();
        faults.answer = body->value(u"answer"_s).toString();
        const QString jobFrame = body->value(u"jobFrame"_s).toString();
        if (faults.status != 0 && (faults.status < 400 || faults.status > 599))
            return errorResponse(
                {u"invalid-request"_s, u"status must be an HTTP error status (400-599)."_s}, 400);
        if (!QStringList{QString(), u"strip"_s, u"tamper"_s}.contains(faults.signature) ||
            !QStringList{QString(), u"other-chat"_s, u"nested"_s, u"oversized"_s}.contains(
                faults.answer) ||
            !QStringList{QString(), u"nested"_s, u"oversized"_s}.contains(jobFrame))
            return errorResponse(
                {u"invalid-request"_s,
                 u"signature must be strip or tamper; answer other-chat, nested or oversized; jobFrame nested or oversized."_s},
                400);
        const bool answerFault =
            faults.status != 0 || !faults.signature.isEmpty() || !faults.answer.isEmpty();
        if ((faults.remaining > 0 || faults.errorRate > 0) && !answerFault)
            return errorResponse(
                {u"invalid-request"_s,
                 u"count and errorRate need a status, a signature or an answer fault to answer with."_s},
                400);
        if (faults.errorRate < 0 || faults.errorRate > 1 || faults.latencyMs < 0 ||
            faults.latencyMs > 120000 || faults.retryAfter < 0 || faults.remaining < 0)
            return errorResponse(
                {u"invalid-request"_s,
                 u"errorRate must be 0-1, latencyMs 0-120000, retryAfter and count not negative."_s},
                400);
        if (answerFault && faults.remaining == 0 && faults.errorRate == 0)
            faults.remaining = 1;
        setFaults(faults);
        if (body->value(u"dropConnections"_s).toBool())
            m_jobs->dropConnections();
        QJsonObject answer{{u"ok"_s, true}};
        if (!jobFrame.isEmpty())
            answer.insert(u"jobChannels"_s, m_jobs->sendFaultyFrames(jobFrame).value());
        return jsonResponse(answer);
    });
    m_control->route(u"/admin/requests"_s, Method::Get, [this] {
        QJsonArray out;
        for (const RequestRecord &r : std::as_const(m_requests))
            out.append(QJsonObject{{u"timeMs"_s, r.timeMs},
                                   {u"path"_s, r.path},
                                   {u"agentId"_s, r.agentId},
                                   {u"status"_s, r.status}});
        return jsonResponse(QJsonObject{{u"requests"_s, out}});
    });
    m_control->route(u"/admin/agents"_s, Method::Get, [this](const QHttpServerRequest &request) {
        QJsonArray out;
        for (const auto &h : m_cloud->heartbeats(request.query().queryItemValue(u"tenant"_s))) {
            out.append(QJsonObject{{u"agentId"_s, h.agentId},
                                   {u"session"_s, h.session},
                                   {u"health"_s, h.health},
                                   {u"protection"_s, h.protection},
                                   {u"inboundBacklog"_s, h.inboundBacklog},
                                   {u"outboundBacklog"_s, h.outboundBacklog},
                                   {u"agentVersion"_s, h.agentVersion},
                                   {u"whatsappVersion"_s, h.whatsAppVersion},
                                   {u"rendererMb"_s, h.rendererMb},
                                   {u"memoryCeilingMb"_s, h.memoryCeilingMb},
                                   {u"memoryReloads"_s, h.memoryReloads},
                                   {u"bridge"_s, QJsonObject{{u"running"_s, h.bridgeRunning},
                                                             {u"waJs"_s, h.bridgeWaJs},
                                                             {u"failed"_s, h.bridgeFailed},
                                                             {u"failure"_s, h.bridgeFailure}}}});
        }
        return jsonResponse(QJsonObject{{u"agents"_s, out}});
    });
    m_control->route(u"/admin/devices"_s, Method::Get, [this] {
        QJsonArray out;
        for (const auto &d : m_cloud->devices().devices())
            out.append(QJsonObject{{u"tenantId"_s, d.tenantId},
                                   {u"agentId"_s, d.agentId},
                                   {u"name"_s, d.name},
                                   {u"secrets"_s, int(d.secrets.size())}});
        return jsonResponse(QJsonObject{{u"devices"_s, out}});
    });
    m_control->route(u"/admin/inbound"_s, Method::Get, [this](const QHttpServerRequest &request) {
        QJsonArray out;
        for (const cloud::InboundRequest &r :
             m_cloud->inbound(request.query().queryItemValue(u"tenant"_s))) {
            out.append(QJsonObject{{u"agentId"_s, r.agentId},
                                   {u"id"_s, r.message.id},
                                   {u"chatId"_s, r.message.chatId},
                                   {u"type"_s, r.message.type},
                                   {u"body"_s, r.message.body},
                                   {u"quotedId"_s, r.message.quotedId},
                                   {u"senderName"_s, r.message.senderName},
                                   {u"t"_s, r.message.timestamp},
                                   // One customer, whichever chat they wrote in: the number
                                   // when WhatsApp tells it, else the LID.
                                   {u"phone"_s, r.message.phone},
                                   {u"lid"_s, r.message.lid},
                                   {u"customer"_s, !r.message.phone.isEmpty() ? r.message.phone
                                                   : !r.message.lid.isEmpty() ? r.message.lid
                                                                              : r.message.chatId},
                                   {u"late"_s, r.late}});
        }
        return jsonResponse(QJsonObject{{u"messages"_s, out}});
    });
    m_control->route(u"/admin/status"_s, Method::Get, [this](const QHttpServerRequest &request) {
        QJsonArray out;
        for (const cloud::StatusReport &s :
             m_cloud->statusReports(request.query().queryItemValue(u"tenant"_s))) {
            out.append(QJsonObject{{u"agentId"_s, s.agentId},
                                   {u"clientId"_s, s.clientId},
                                   {u"waMessageId"_s, s.waMessageId},
                                   {u"chatId"_s, s.chatId},
                                   {u"waChatId"_s, s.recipient.chatId},
                                   {u"phone"_s, s.recipient.phone},
                                   {u"lid"_s, s.recipient.lid},
                                   {u"state"_s, s.state},
                                   {u"detail"_s, s.detail}});
        }
        return jsonResponse(QJsonObject{{u"reports"_s, out}});
    });
}

} // namespace sak::stub
