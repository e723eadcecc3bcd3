#pragma once

#include "agent/base/result.h"
#include "agent/protocol/messagetypes.h"

#include <QJsonObject>
#include <QObject>

namespace sak {

class BridgeUpdater;
class RelayPipeline;
class WhatsAppSession;

// What the running agent is doing, in one place: the tray, the status endpoint, its metrics
// and the heartbeat all read it, so that they never disagree.
class AgentStatus : public QObject
{
    Q_OBJECT
public:
    // The one thing the owner should know first, most urgent first.
    enum class Overall
    {
        NeedsPairing,     // scan the QR code (or WhatsApp logged this computer out)
        Unhealthy,        // WhatsApp changed, refused, is open elsewhere, or cannot send
        CloudUnreachable, // messages wait in the journal
        Paused,           // sending paused by the owner
        Connecting,
        Connected,
    };
    Q_ENUM(Overall)

    AgentStatus(WhatsAppSession *session, RelayPipeline *pipeline, QObject *parent = nullptr);

    Overall overall() const;
    static QString overallName(Overall overall); // "needs-pairing", ... for machines
    // Empty when WhatsApp works; else what is wrong, in a sentence (the page's memory problem
    // too, while it lasts).
    QString health() const;
    // Empty while the cloud answers; else the last error.
    QString cloudProblem() const { return m_cloudProblem; }
    SessionState sessionState() const;
    bool isPaused() const;
    qsizetype queueDepth() const; // outbound items waiting or being sent

    // The heartbeat and the relays say whether the cloud answers.
    void setCloudResult(const Status &result);
    void setProtection(const QString &name, const QString &description, bool weaker);
    void setIdentity(const QString &agentId, const QString &tenantId, const QString &version);
    // The page half of the bridge: what runs and what failed ("bridge" in toJson()).
    void setBridge(BridgeUpdater *bridge);
    // Empty, or the last bridge package that failed here and where the agent went back to.
    QString bridgeProblem() const;
    bool weakerProtection() const { return m_protectionWeaker; }
    QString protectionDescription() const { return m_protectionDescription; }

    QJsonObject toJson() const;
    // Prometheus' text format.
    QByteArray metrics() const;

Q_SIGNALS:
    // Anything above changed (coalesced by the caller if it must be).
    void changed();
    // A delivered bridge package did not work and the agent went back: once, for the tray.
    void bridgePackageFailed(const QString &message);

private:
    WhatsAppSession *m_session;
    RelayPipeline *m_pipeline;
    QString m_health;
    QString m_cloudProblem;
    QString m_protection;
    QString m_protectionDescription;
    bool m_protectionWeaker = false;
    QString m_agentId;
    QString m_tenantId;
    QString m_version;
    quint64 m_blockedRequests = 0;
    BridgeUpdater *m_bridge = nullptr;
};

} // namespace sak
