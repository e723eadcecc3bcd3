#pragma once

#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>

namespace sak {

class AgentStatus;
class BridgeUpdater;
class CloudClient;
class RelayPipeline;
class WhatsAppSession;

// The agent's report of itself to the cloud (POST /v1/heartbeat): every minute, and at once
// when the WhatsApp session changes state, reports a health problem, or sending gets stuck or
// recovers, or the bridge's page half changes. Whether the cloud answered goes into
// AgentStatus; a bridge package the answer announces goes to the BridgeUpdater.
class Heartbeat : public QObject
{
    Q_OBJECT
public:
    struct Sources
    {
        CloudClient *cloud = nullptr;
        WhatsAppSession *session = nullptr;
        RelayPipeline *pipeline = nullptr;
        // Made before the heartbeat: its connections run first, so the heartbeat carries the
        // health it has just updated.
        AgentStatus *status = nullptr;
        QString protection;                       // protectionName(): keychain, key-file, ...
        std::function<QString()> whatsAppVersion; // the page's, once it is known
        // Reported, and handed the packages the cloud announces; may be null.
        BridgeUpdater *bridge = nullptr;
    };

    explicit Heartbeat(Sources sources,
                       std::chrono::milliseconds interval = std::chrono::minutes(1),
                       QObject *parent = nullptr);

    void start();
    void send();

private:
    Sources m_sources;
    QTimer m_timer;
};

} // namespace sak
