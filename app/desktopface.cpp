#include "app/desktopface.h"

#include "bridge/whatsapppage.h"
#include "ui/desktop.h"

#include <QDesktopServices>

namespace sak {

DesktopFace::DesktopFace(const AgentConfig &config, const QString &iniPath, QObject *parent)
    : Face(config.dataDir, parent)
    , m_desktop(std::make_unique<Desktop>(config, iniPath))
{
    connect(m_desktop.get(), &Desktop::quitRequested, this, &Face::quitRequested);
    connect(m_desktop.get(), &Desktop::settingsSaved, this, &Face::settingsSaved);
}

DesktopFace::~DesktopFace() = default;

bool DesktopFace::askForCloud(CloudPairing pairing)
{
    m_desktop->askForCloud(std::move(pairing));
    return true;
}

void DesktopFace::show(const Parts &parts)
{
    connect(parts.page, &WhatsAppPage::externalLinkRequested, this,
            [](const QUrl &url) { QDesktopServices::openUrl(url); });
    m_desktop->attach({parts.session, parts.page, parts.pipeline, parts.store, parts.status});
}

bool DesktopFace::raise()
{
    m_desktop->raise();
    return true;
}

} // namespace sak
