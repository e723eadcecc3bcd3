#pragma once

#include "agent/protocol/cloudprotocol.h"
#include "cloud-stub/bridgepackagestore.h"
#include "cloud-stub/deviceregistry.h"
#include "cloud-stub/replyengine.h"

#include <QHash>
#include <QJsonObject>
#include <QList>

namespace sak::stub {

// The stub's cloud: answers inbound messages from the reply rules and records what agents
// report. Data is kept per tenant; one tenant never sees another's.
class CloudService
{
public:
    explicit CloudService(ReplyEngine engine);

    struct Answer
    {
        int httpStatus;
        QByteArray body;
    };

    // Both for a device whose request signature was verified already.
    Answer handleInbound(const DeviceRegistry::Device &device, const QByteArray &body);
    Answer handleStatus(const DeviceRegistry::Device &device, const QByteArray &body);
    Answer handleStatusBatch(const DeviceRegistry::Device &device, const QByteArray &body);

    // The answer announces the newest bridge package published for the device's tenant.
    Answer handleHeartbeat(const DeviceRegistry::Device &device, const QByteArray &body);
    // {"v": 1, "version": "1.2.0"}: the package document of the device's tenant, as published.
    Answer handleBridgePackage(const DeviceRegistry::Device &device, const QByteArray &body);

    DeviceRegistry &devices() { return m_devices; }
    BridgePackageStore &bridgePackages() { return m_bridgePackages; }
    // The reply rules themselves (bench/peer asks them without a paired device).
    const ReplyEngine &rules() const { return m_engine; }
    // The last heartbeat of each agent of a tenant.
    QList<cloud::Heartbeat> heartbeats(const QString &tenantId) const;

    // What the cloud received for a tenant, oldest first.
    QList<cloud::InboundRequest> inbound(const QString &tenantId) const
    {
        return m_inbound.value(tenantId);
    }
    QList<cloud::StatusReport> statusReports(const QString &tenantId) const
    {
        return m_status.value(tenantId);
    }

    // What the cloud received and answered survives a restart (so that a repeated request is
    // still answered as the first time), and so do the bridge packages published; devices are
    // kept by the registry.
    QJsonObject snapshot() const;
    void restore(const QJsonObject &snapshot);

private:
    ReplyEngine m_engine;
    DeviceRegistry m_devices;
    BridgePackageStore m_bridgePackages;
    QHash<QString, cloud::Heartbeat> m_heartbeats; // by agent id
    QHash<QString, QList<cloud::InboundRequest>> m_inbound;
    QHash<QString, QList<cloud::StatusReport>> m_status;
    // Idempotency: (tenant, message id) -> the first answer, returned again for repeats.
    QHash<QString, QByteArray> m_answers;
};

} // namespace sak::stub
