#pragma once

#include "agentconfig.h"
#include "result.h"

#include <QObject>

#include <memory>

namespace sak {

class CloudClient;
class MainWindow;
class ProfileManager;
class RelayPipeline;
class WebBridge;

// The one place that knows both worlds: it builds the core, the bridge and (unless headless)
// the window from the configuration and wires them together.
class Application : public QObject
{
    Q_OBJECT
public:
    Application(AgentConfig config, bool headless, QObject *parent = nullptr);
    ~Application() override;

    Status start();

private:
    AgentConfig m_config;
    bool m_headless;
    // Declared in the order of dependence, so that they are destroyed the other way round:
    // the window lets go of the page, the bridge's page goes before its profile.
    std::unique_ptr<CloudClient> m_cloud;
    std::unique_ptr<ProfileManager> m_profiles;
    std::unique_ptr<WebBridge> m_bridge;
    std::unique_ptr<RelayPipeline> m_pipeline;
#ifdef SAK_WITH_WIDGETS
    std::unique_ptr<MainWindow> m_window;
#endif
};

} // namespace sak
