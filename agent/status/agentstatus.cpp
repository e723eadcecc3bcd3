#include "agent/status/agentstatus.h"

#include "agent/base/logging.h"
#include "agent/bridgeupdate/bridgeupdater.h"
#include "agent/delivery/relaypipeline.h"
#include "agent/delivery/whatsappsession.h"
#include "agent/status/metrics.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

// The page's renderer and its reloads, for --status: sizes in MB, as the setting is.
QJsonObject pageJson(const PageMemory &memory, const QMap<QString, quint64> &reloads)
{
    QJsonObject byReason;
    for (auto it = reloads.cbegin(); it != reloads.cend(); ++it)
        byReason.insert(it.key(), qint64(it.value()));
    QJsonObject page{{u"memoryCeilingMb"_s, memory.ceilingBytes / (1024 * 1024)},
                     {u"reloads"_s, byReason}};
    if (memory.rendererBytes >= 0)
        page.insert(u"rendererMb"_s, (memory.rendererBytes + 512 * 1024) / (1024 * 1024));
    return page;
}

} // namespace

AgentStatus::AgentStatus(WhatsAppSession *session, RelayPipeline *pipeline, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_pipeline(pipeline)
{
    connect(session, &WhatsAppSession::stateChanged, this, [this](SessionState state) {
        // A page that connects but cannot send (WhatsApp changed) is not healthy.
        if (state == SessionState::Connected)
            m_health = m_session->sendingProblem();
        Q_EMIT changed();
    });
    connect(session, &WhatsAppSession::healthProblem, this, [this](const QString &problem) {
        m_health = problem;
        Q_EMIT changed();
    });
    // The page's memory problem is not kept: health() reads it live, so that it clears when
    // the renderer is back below the ceiling.
    connect(session, &WhatsAppSession::pageMemoryChanged, this, &AgentStatus::changed);
    connect(pipeline, &RelayPipeline::sendingProblemChanged, this, [this](const QString &problem) {
        m_health = problem;
        Q_EMIT changed();
    });
    connect(session, &WhatsAppSession::requestBlocked, this, [this] { ++m_blockedRequests; });
    connect(pipeline, &RelayPipeline::pausedChanged, this, &AgentStatus::changed);
    connect(pipeline, &RelayPipeline::backlogChanged, this, &AgentStatus::changed);
    connect(pipeline, &RelayPipeline::inboundRelayed, this, [this] { setCloudResult(Done{}); });
}

QString AgentStatus::health() const
{
    return m_health.isEmpty() ? m_session->pageMemory().problem : m_health;
}

SessionState AgentStatus::sessionState() const
{
    return m_session->state();
}

bool AgentStatus::isPaused() const
{
    return m_pipeline->isPaused();
}

qsizetype AgentStatus::queueDepth() const
{
    return m_pipeline->backlog().outboundQueued;
}

AgentStatus::Overall AgentStatus::overall() const
{
    switch (m_session->state()) {
    case SessionState::NeedsPairing:
    case SessionState::Pairing:
        return Overall::NeedsPairing;
    case SessionState::Conflict:
    case SessionState::Blocked:
    case SessionState::Unhealthy:
        return Overall::Unhealthy;
    default:
        break;
    }
    if (!health().isEmpty())
        return Overall::Unhealthy;
    if (!m_cloudProblem.isEmpty())
        return Overall::CloudUnreachable;
    if (m_pipeline->isPaused())
        return Overall::Paused;
    return m_session->state() == SessionState::Connected ? Overall::Connected : Overall::Connecting;
}

QString AgentStatus::overallName(Overall overall)
{
    switch (overall) {
    case Overall::NeedsPairing:
        return u"needs-pairing"_s;
    case Overall::Unhealthy:
        return u"unhealthy"_s;
    case Overall::CloudUnreachable:
        return u"cloud-unreachable"_s;
    case Overall::Paused:
        return u"paused"_s;
    case Overall::Connecting:
        return u"connecting"_s;
    case Overall::Connected:
        return u"connected"_s;
    }
    return {};
}

void AgentStatus::setCloudResult(const Status &result)
{
    const QString problem = result ? QString() : result.error().message;
    if (problem == m_cloudProblem)
        return;
    m_cloudProblem = problem;
    Q_EMIT changed();
}

void AgentStatus::setBridge(BridgeUpdater *bridge)
{
    m_bridge = bridge;
    connect(bridge, &BridgeUpdater::stateChanged, this, &AgentStatus::changed);
    connect(bridge, &BridgeUpdater::packageFailed, this, &AgentStatus::bridgePackageFailed);
}

QString AgentStatus::bridgeProblem() const
{
    if (!m_bridge || m_bridge->state().failed.isEmpty())
        return {};
    const BridgeState &b = m_bridge->state();
    return u"Bridge package %1 failed here: %2"_s.arg(b.failed, b.failure);
}

void AgentStatus::setProtection(const QString &name, const QString &description, bool weaker)
{
    m_protection = name;
    m_protectionDescription = description;
    m_protectionWeaker = weaker;
}

void AgentStatus::setIdentity(const QString &agentId, const QString &tenantId,
                              const QString &version)
{
    m_agentId = agentId;
    m_tenantId = tenantId;
    m_version = version;
}

QJsonObject AgentStatus::toJson() const
{
    const Backlog b = m_pipeline->backlog();
    QJsonArray errors;
    for (const LoggedProblem &p : recentProblems())
        errors.append(QJsonObject{{u"time"_s, p.time.toString(Qt::ISODateWithMs)},
                                  {u"category"_s, p.category},
                                  {u"message"_s, p.message}});
    QJsonObject bridge;
    if (m_bridge) {
        const BridgeState &page = m_bridge->state();
        bridge = {{u"running"_s, page.running}, {u"waJs"_s, page.waJsVersion},
                  {u"signedBy"_s, page.keyId},  {u"testKey"_s, page.testKey},
                  {u"trying"_s, page.trying},   {u"failed"_s, page.failed},
                  {u"failure"_s, page.failure}, {u"acceptsDelivered"_s, !page.refusesDelivered}};
    }
    return QJsonObject{
        {u"state"_s, overallName(overall())},
        {u"bridge"_s, bridge},
        {u"session"_s, sessionStateName(m_session->state())},
        {u"health"_s, health().isEmpty() ? u"ok"_s : health()},
        {u"cloud"_s, m_cloudProblem.isEmpty() ? u"ok"_s : m_cloudProblem},
        {u"sendingPaused"_s, m_pipeline->isPaused()},
        {u"protection"_s, QJsonObject{{u"level"_s, m_protection},
                                      {u"description"_s, m_protectionDescription},
                                      {u"weaker"_s, m_protectionWeaker}}},
        {u"queues"_s, QJsonObject{{u"inboundPending"_s, qint64(b.inboundPending)},
                                  {u"inboundDead"_s, qint64(b.inboundDead)},
                                  {u"outboundQueued"_s, qint64(b.outboundQueued)},
                                  {u"outboundUnknown"_s, qint64(b.outboundUnknown)},
                                  {u"outboundFailed"_s, qint64(b.outboundFailed)}}},
        {u"lastErrors"_s, errors},
        {u"blockedRequests"_s, qint64(m_blockedRequests)},
        {u"page"_s, pageJson(m_session->pageMemory(), m_session->pageReloads())},
        {u"agentId"_s, m_agentId},
        {u"tenantId"_s, m_tenantId},
        {u"version"_s, m_version},
    };
}

QByteArray AgentStatus::metrics() const
{
    const PipelineMetrics &m = m_pipeline->metrics();
    MetricsWriter w;
    const auto counter = [&w](const QString &name, const QString &help, quint64 value) {
        w.family(name, "counter", help);
        w.sample(name, double(value));
    };
    counter(u"sak_messages_in_total"_s, u"Customer messages captured and journaled."_s,
            m.messagesIn);
    counter(u"sak_messages_relayed_total"_s, u"Messages the cloud answered."_s, m.relayed);
    counter(u"sak_relay_failures_total"_s, u"Relay attempts the cloud did not answer or refused."_s,
            m.relayFailures);
    counter(u"sak_dead_letters_total"_s, u"Messages the cloud kept refusing."_s, m.deadLetters);
    counter(u"sak_messages_out_total"_s, u"Messages handed to WhatsApp to send."_s, m.sends);
    counter(u"sak_send_failures_total"_s, u"Send attempts WhatsApp Web could not make."_s,
            m.sendFailures);
    counter(u"sak_sends_given_up_total"_s, u"Outbox items that failed for good."_s, m.sendsGivenUp);
    counter(u"sak_blocked_requests_total"_s,
            u"Requests of the WhatsApp page to hosts that are not WhatsApp's, blocked."_s,
            m_blockedRequests);
    const QMap<QString, quint64> reloads = m_session->pageReloads();
    w.family(u"sak_page_reloads_total"_s, "counter",
             u"Reloads of the WhatsApp page by the agent, by reason."_s);
    for (const QString &reason : {u"memory"_s, u"not-ready"_s, u"needs-update"_s, u"load-failed"_s})
        w.sample(u"sak_page_reloads_total"_s, double(reloads.value(reason)),
                 {{u"reason"_s, reason}});
    const PageMemory memory = m_session->pageMemory();
    if (memory.rendererBytes >= 0) {
        w.family(u"sak_page_renderer_bytes"_s, "gauge",
                 u"Memory of the WhatsApp page's renderer process (PSS on Linux)."_s);
        w.sample(u"sak_page_renderer_bytes"_s, double(memory.rendererBytes));
    }
    w.family(u"sak_page_memory_ceiling_bytes"_s, "gauge",
             u"The page is reloaded above this ([whatsapp] memory-ceiling-mb; 0: never)."_s);
    w.sample(u"sak_page_memory_ceiling_bytes"_s, double(memory.ceilingBytes));
    w.histogram(u"sak_reply_latency_seconds"_s,
                u"From a customer's message to its first reply handed to WhatsApp."_s,
                m.replySeconds);

    w.family(u"sak_session_state"_s, "gauge",
             u"The WhatsApp session's state (1 for the current one)."_s);
    for (SessionState s : {SessionState::Starting, SessionState::NeedsPairing,
                           SessionState::Pairing, SessionState::Connecting, SessionState::Connected,
                           SessionState::Conflict, SessionState::Blocked, SessionState::Unhealthy})
        w.sample(u"sak_session_state"_s, s == m_session->state() ? 1 : 0,
                 {{u"state"_s, sessionStateName(s)}});
    w.family(u"sak_state"_s, "gauge", u"The agent's overall state (1 for the current one)."_s);
    for (Overall o : {Overall::NeedsPairing, Overall::Unhealthy, Overall::CloudUnreachable,
                      Overall::Paused, Overall::Connecting, Overall::Connected})
        w.sample(u"sak_state"_s, o == overall() ? 1 : 0, {{u"state"_s, overallName(o)}});

    const Backlog b = m_pipeline->backlog();
    w.family(u"sak_queue_depth"_s, "gauge", u"Items waiting in the agent's durable queues."_s);
    w.sample(u"sak_queue_depth"_s, double(b.inboundPending), {{u"queue"_s, u"inbound_pending"_s}});
    w.sample(u"sak_queue_depth"_s, double(b.inboundDead), {{u"queue"_s, u"inbound_dead"_s}});
    w.sample(u"sak_queue_depth"_s, double(b.outboundQueued), {{u"queue"_s, u"outbound_queued"_s}});
    w.sample(u"sak_queue_depth"_s, double(b.outboundUnknown),
             {{u"queue"_s, u"outbound_unknown"_s}});
    w.sample(u"sak_queue_depth"_s, double(b.outboundFailed), {{u"queue"_s, u"outbound_failed"_s}});
    w.family(u"sak_sending_paused"_s, "gauge", u"1 while sending is paused."_s);
    w.sample(u"sak_sending_paused"_s, m_pipeline->isPaused() ? 1 : 0);
    w.family(u"sak_cloud_reachable"_s, "gauge", u"1 while the cloud answers."_s);
    w.sample(u"sak_cloud_reachable"_s, m_cloudProblem.isEmpty() ? 1 : 0);
    w.family(
        u"sak_protection_weaker"_s, "gauge",
        u"1 when the data key is not in the OS keychain or the profile is kept unencrypted."_s);
    w.sample(u"sak_protection_weaker"_s, m_protectionWeaker ? 1 : 0, {{u"level"_s, m_protection}});
    return w.text();
}

} // namespace sak
