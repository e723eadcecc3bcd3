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
    CloudClient *m_cloud = nullptr;
    ProfileManager *m_profiles = nullptr;
    WebBridge *m_bridge = nullptr;
    RelayPipeline *m_pipeline = nullptr;
#ifdef SAK_WITH_WIDGETS
    std::unique_ptr<MainWindow> m_window;
#endif
};

} // namespace sak
