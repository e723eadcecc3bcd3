#pragma once

#include "agentconfig.h"
#include "clock.h"
#include "cloudprotocol.h"
#include "messagetypes.h"
#include "result.h"

#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>

namespace sak {

class CloudClient;
class JobChannel;
class KeySource;
class MainWindow;
class ProfileManager;
class RelayPipeline;
class SessionVault;
class Store;
class WebBridge;

struct RunOptions
{
    bool headless = false;
    bool resetCorruptStore = false; // the user agreed to set a damaged database aside
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

private:
    void openStore(std::function<void()> next);
    Status startSession();
    Status makeCloudClient();
    Result<cloud::Credentials> storedCredentials();
    void runCommand(std::function<void()> command);
    // The same, for commands that talk to the cloud as the paired agent.
    void runPairedCommand(std::function<void()> command);
    void onSessionState(SessionState state);
    void showPairingQr(const QString &qr);
    QString pairingQrPath() const;
    void sealNow();
    void sendHeartbeat();
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
#ifdef SAK_WITH_WIDGETS
    std::unique_ptr<MainWindow> m_window;
#endif
    QTimer m_sealTimer;
    QTimer m_heartbeatTimer;
    QString m_health; // what is wrong with the WhatsApp page, empty when nothing
    SystemClock m_clock;
    qsizetype m_reportedUnknown = 0;
    bool m_shutDown = false;
};

} // namespace sak
