#pragma once

#include "agent/base/agentconfig.h"
#include "agent/base/clock.h"
#include "agent/base/result.h"
#include "agent/protocol/cloudprotocol.h"
#include "agent/protocol/messagetypes.h"

#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>

namespace sak {

class AgentStatus;
class CloudClient;
class JobChannel;
class KeySource;
class Desktop;
class ProfileManager;
class RelayPipeline;
class SessionVault;
class StatusEndpoint;
class Store;
class WebBridge;

struct RunOptions
{
    bool headless = false;
    bool resetCorruptStore = false; // the user agreed to set a damaged database aside
    QString iniPath;                // the configuration file (the settings window writes it)
};

// The one place that knows every part: it gets the key, opens the encrypted store, restores
// the WhatsApp session, builds the core, the bridge and (unless headless) the window, and at a
// clean exit seals the session back. A fatal error is printed and ends the application with 2.
class Application : public QObject
{
    Q_OBJECT
public:
    Application(AgentConfig config, RunOptions options, QObject *parent = nullptr);
    ~Application() override;

    // Both run inside the event loop (keychain access is asynchronous).
    void start();
    // Commands that run once and exit: re-key the store with a fresh key; pair with the cloud
    // (a code from the dashboard); unpair; rotate the signing secret.
    void rotateKey();
    void pair(const QString &code);
    void unpair();
    void rotateCredentials();
    // check-store, outbox, retry, cancel, pause-sending, resume-sending, requeue-dead.
    void storeCommand(const QString &command, const QString &argument);
    // Asks the running agent (its status endpoint) and prints the answer: "status", "metrics".
    void askRunningAgent(const QString &what);

    // A clean stop (SIGTERM, SIGINT, Quit): no new work is taken, the send in flight finishes,
    // the session is sealed, and the event loop ends with 0.
    void stop();
    // A second launch asked this agent to show itself.
    void raise();

private:
    void openStore(std::function<void()> next);
    Status startSession();
    Status makeCloudClient();
    Result<cloud::Credentials> storedCredentials();
    // What the cloud handed out (pairing, rotation), into the encrypted store.
    Status keepCredentials(const Result<cloud::Credentials> &credentials);
    void runCommand(std::function<void()> command);
    // First run of the desktop: the pairing window's step 1 pairs with the cloud through this.
    void pairFromWindow(const QUrl &server, const QString &code, std::function<void(Status)> done);
    // The same, for commands that talk to the cloud as the paired agent.
    void runPairedCommand(std::function<void()> command);
    void onSessionState(SessionState state);
    void showPairingQr(const QString &qr);
    // Headless with [whatsapp] link-phone: a code for the phone instead of scanning.
    void requestLinkCode();
    void showLinkCode(const QString &code, const QString &error);
    QString pairingQrPath() const;
    void sealNow();
    void sendHeartbeat();
    void startStatusEndpoint();
    void shutDown();
    void fail(const Error &error);

    AgentConfig m_config;
    RunOptions m_options;
    std::unique_ptr<KeySource> m_keys;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<SessionVault> m_vault;
    // Declared in the order of dependence, so that they are destroyed the other way round:
    // the window lets go of the page, the bridge's page goes before its profile.
    std::unique_ptr<CloudClient> m_cloud;
    std::unique_ptr<ProfileManager> m_profiles;
    std::unique_ptr<WebBridge> m_bridge;
    std::unique_ptr<RelayPipeline> m_pipeline;
    std::unique_ptr<JobChannel> m_jobs;
    std::unique_ptr<AgentStatus> m_status;
    std::unique_ptr<StatusEndpoint> m_endpoint;
#ifdef SAK_WITH_WIDGETS
    std::unique_ptr<Desktop> m_desktop;
#endif
    QTimer m_sealTimer;
    QTimer m_heartbeatTimer;
    QTimer m_linkCodeTimer; // a code WhatsApp gave expires: a new one after a while
    SystemClock m_clock;
    qsizetype m_reportedUnknown = 0;
    bool m_shutDown = false;
    bool m_stopping = false;
};

} // namespace sak
