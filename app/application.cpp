#include "application.h"

#include "cloudclient.h"
#include "logging.h"
#include "profilemanager.h"
#include "relaypipeline.h"
#include "webbridge.h"
#include "whatsapppage.h"

#ifdef SAK_WITH_WIDGETS
#include "mainwindow.h"
#include <QDesktopServices>
#endif

#include <QDir>
#include <QFile>

using namespace Qt::Literals::StringLiterals;

namespace sak {

Application::Application(AgentConfig config, bool headless, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_headless(headless)
{}

Application::~Application() = default;

Status Application::start()
{
    if (!QDir().mkpath(m_config.dataDir))
        return Error{
            u"data-dir"_s,
            u"The data directory %1 cannot be created; choose another with --data-dir."_s.arg(
                m_config.dataDir)};
    QFile::setPermissions(m_config.dataDir,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);

    m_cloud = std::make_unique<CloudClient>();
    if (Status configured = m_cloud->configure(
            {m_config.cloudUrl, m_config.caFile, m_config.tenantId, m_config.agentId});
        !configured)
        return configured;

    m_profiles = std::make_unique<ProfileManager>(m_config.dataDir, m_config.userAgent);
    m_bridge =
        std::make_unique<WebBridge>(m_profiles->profile(m_config.account), m_config.whatsAppUrl);
    m_pipeline = std::make_unique<RelayPipeline>(m_bridge.get(), m_cloud.get());

    connect(m_bridge.get(), &WhatsAppSession::qrCodeChanged, this, [this](const QString &) {
        if (m_headless)
            qCInfo(lcAgent) << "WhatsApp needs pairing: scan the QR code with the shop's phone "
                               "(Linked devices)";
    });
    connect(m_bridge->page(), &WhatsAppPage::externalLinkRequested, this, [this](const QUrl &url) {
#ifdef SAK_WITH_WIDGETS
        if (!m_headless) {
            QDesktopServices::openUrl(url);
            return;
        }
#endif
        qCInfo(lcAgent).noquote() << "Not opening" << url.host() << "(headless: links stay closed)";
    });

#ifdef SAK_WITH_WIDGETS
    if (!m_headless) {
        m_window = std::make_unique<MainWindow>(m_bridge->page(), m_bridge.get());
        m_window->setCloudState(tr("Cloud: %1").arg(m_config.cloudUrl.host()));
        connect(m_pipeline.get(), &RelayPipeline::inboundFailed, m_window.get(),
                [this](const QString &, const Error &error) {
                    m_window->setCloudState(error.message);
                });
        m_window->show();
    }
#endif

    if (m_headless) {
        // A page without a view counts as hidden, and Chromium slows a hidden page's timers to
        // once a second: the kiosk's page must keep WhatsApp's own pace.
        m_bridge->page()->setVisible(true);
    }

    qCInfo(lcAgent).noquote() << "Agent" << m_config.agentId << "of tenant" << m_config.tenantId
                              << "relaying to" << m_config.cloudUrl.toDisplayString()
                              << (m_headless ? "(headless)" : "");
    m_bridge->start();
    return Done{};
}

} // namespace sak
