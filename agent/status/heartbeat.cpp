#include "agent/status/heartbeat.h"

#include "agent/base/logging.h"
#include "agent/bridgeupdate/bridgeupdater.h"
#include "agent/cloud/cloudclient.h"
#include "agent/delivery/relaypipeline.h"
#include "agent/delivery/whatsappsession.h"
#include "agent/status/agentstatus.h"

#include <QPointer>

using namespace Qt::Literals::StringLiterals;

namespace sak {

Heartbeat::Heartbeat(Sources sources, std::chrono::milliseconds interval, QObject *parent)
    : QObject(parent)
    , m_sources(std::move(sources))
{
    m_timer.setInterval(interval);
    connect(&m_timer, &QTimer::timeout, this, &Heartbeat::send);
    connect(m_sources.pipeline, &RelayPipeline::sendingProblemChanged, this, &Heartbeat::send);
    connect(m_sources.session, &WhatsAppSession::healthProblem, this, &Heartbeat::send);
    connect(m_sources.session, &WhatsAppSession::pageMemoryChanged, this, &Heartbeat::send);
    connect(m_sources.session, &WhatsAppSession::stateChanged, this, &Heartbeat::send);
    if (m_sources.bridge)
        connect(m_sources.bridge, &BridgeUpdater::stateChanged, this, &Heartbeat::send);
}

void Heartbeat::start()
{
    m_timer.start();
}

void Heartbeat::send()
{
    cloud::Heartbeat heartbeat;
    heartbeat.session = sessionStateName(m_sources.session->state());
    heartbeat.health = m_sources.status->health().isEmpty() ? u"ok"_s : m_sources.status->health();
    heartbeat.protection = m_sources.protection;
    heartbeat.inboundBacklog = m_sources.pipeline->backlog().inboundPending;
    heartbeat.outboundBacklog = m_sources.pipeline->backlog().outboundQueued;
    heartbeat.agentVersion = QStringLiteral(SAK_VERSION);
    heartbeat.whatsAppVersion = m_sources.whatsAppVersion ? m_sources.whatsAppVersion() : QString();
    const PageMemory memory = m_sources.session->pageMemory();
    constexpr qint64 kMb = 1024 * 1024;
    heartbeat.rendererMb = memory.rendererBytes < 0 ? -1 : (memory.rendererBytes + kMb / 2) / kMb;
    heartbeat.memoryCeilingMb = memory.ceilingBytes / kMb;
    heartbeat.memoryReloads = qint64(m_sources.session->pageReloads().value(u"memory"_s));
    // The answer may come after the agent began to stop (the session is sealed at exit while
    // the event loop still turns): by then the heartbeat and the status may be gone.
    if (m_sources.bridge) {
        const BridgeState &bridge = m_sources.bridge->state();
        heartbeat.bridgeRunning = bridge.running;
        heartbeat.bridgeWaJs = bridge.waJsVersion;
        heartbeat.bridgeFailed = bridge.failed;
        heartbeat.bridgeFailure = bridge.failure;
    }
    m_sources.cloud->postHeartbeat(heartbeat, [self = QPointer(this)](
                                                  Result<cloud::HeartbeatAnswer> answer) {
        if (!answer)
            qCWarning(lcCloud).noquote() << "Heartbeat not delivered:" << answer.error().message;
        if (!self)
            return;
        self->m_sources.status->setCloudResult(answer ? Status(Done{}) : Status(answer.error()));
        if (answer && answer.value().bridge && self->m_sources.bridge)
            self->m_sources.bridge->offer(*answer.value().bridge);
    });
}

} // namespace sak
