#pragma once

#include "agent/base/clock.h"
#include "agent/base/result.h"
#include "agent/config/agentconfig.h"
#include "app/options.h"
#include "app/storeopener.h"

#include <QObject>

#include <functional>
#include <memory>

namespace sak {

class AgentStatus;
class BridgeUpdater;
class CloudClient;
class Face;
class Heartbeat;
class JobChannel;
class ProfileManager;
class RelayPipeline;
class SealSchedule;
class SessionVault;
class StatusEndpoint;
class Store;
class WebBridge;

// The composition root of the running agent, and its lifecycle: it gets the key, opens the
// encrypted store, restores the WhatsApp session, builds the core, the bridge and the face
// (the desktop, or the kiosk when headless), and at a clean exit takes them down the other
// way round and seals the session back. A fatal error is printed and ends the application
// with 2. (The one-shot commands are app/commands/.)
class Application : public QObject
{
    Q_OBJECT
public:
    Application(AgentConfig config, RunOptions options, QObject *parent = nullptr);
    ~Application() override;

    // Runs inside the event loop (keychain access is asynchronous).
    void start();
    // A clean stop (SIGTERM, SIGINT, Quit): no new work is taken, the send in flight finishes,
    // the session is sealed, and the event loop ends with 0.
    void stop();
    // A second launch asked this agent to show itself.
    void raise();

private:
    void showFace();
    Status startSession();
    Result<QString> openProfile();
    void startJobs();
    void startStatusEndpoint();
    Status makeCloudClient();
    // First run of the desktop: the pairing window's step 1 pairs with the cloud through this.
    void pairFromWindow(const QUrl &server, const QString &code, std::function<void(Status)> done);
    void followSettings(const AgentConfig &saved);
    void shutDown();
    void fail(const Error &error);

    AgentConfig m_config;
    RunOptions m_options;
    StoreOpener m_opener;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<SessionVault> m_vault;
    std::unique_ptr<SealSchedule> m_seals;
    // Declared in the order of dependence, so that they are destroyed the other way round:
    // the window lets go of the page, the bridge's page goes before its profile.
    std::unique_ptr<CloudClient> m_cloud;
    std::unique_ptr<ProfileManager> m_profiles;
    std::unique_ptr<WebBridge> m_bridge;
    std::unique_ptr<RelayPipeline> m_pipeline;
    std::unique_ptr<BridgeUpdater> m_bridgeUpdates;
    std::unique_ptr<JobChannel> m_jobs;
    std::unique_ptr<AgentStatus> m_status;
    std::unique_ptr<Heartbeat> m_heartbeat;
    std::unique_ptr<StatusEndpoint> m_endpoint;
    std::unique_ptr<Face> m_face;
    SystemClock m_clock;
    qsizetype m_reportedUnknown = 0;
    bool m_shutDown = false;
    bool m_stopping = false;
};

} // namespace sak
