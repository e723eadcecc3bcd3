#include "ui/desktop.h"

#include "agent/delivery/relaypipeline.h"
#include "agent/delivery/whatsappsession.h"
#include "agent/platform/autostart.h"
#include "agent/status/agentstatus.h"
#include "ui/mainwindow.h"
#include "ui/outboxwindow.h"
#include "ui/settingsdialog.h"
#include "ui/translations.h"
#include "ui/trayicon.h"

#include <QCoreApplication>
#include <QSystemTrayIcon>

using namespace Qt::Literals::StringLiterals;

namespace sak {

Desktop::Desktop(AgentConfig config, QString iniPath, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_iniPath(std::move(iniPath))
    , m_autostart(
          std::make_unique<Autostart>(QCoreApplication::applicationFilePath(), QStringList{}))
    , m_pairing(std::make_unique<PairingWindow>())
{
    applyLanguage(m_config.language);
    m_pairing->setWindowIcon(TrayIcon::iconFor(AgentStatus::Overall::NeedsPairing));
    // Closing the setup window before the agent runs (no tray yet) is leaving.
    connect(m_pairing.get(), &PairingWindow::closed, this, [this] {
        if (!m_main)
            Q_EMIT quitRequested();
    });
}

Desktop::~Desktop() = default;

void Desktop::bringUp(QWidget *window)
{
    window->showNormal();
    window->raise();
    window->activateWindow();
}

void Desktop::askForCloud(PairingWindow::CloudPairing pairing)
{
    m_pairing->setCloudPairing(std::move(pairing), m_config.cloudUrl);
    m_pairing->showStep(PairingWindow::Step::Cloud);
    bringUp(m_pairing.get());
}

void Desktop::attach(const Parts &parts)
{
    m_parts = parts;
    m_pairing->setSession(parts.session);
    m_main = std::make_unique<MainWindow>(parts.page, parts.session);
    m_main->setProtection(parts.status->protectionDescription(), parts.status->weakerProtection());
    m_tray = std::make_unique<TrayIcon>(parts.status);
    const auto updateIcons = [this] {
        m_main->setWindowIcon(m_tray->icon());
        const QString problem = m_parts.status->cloudProblem();
        m_main->setCloudState(problem.isEmpty() ? tr("Cloud: %1").arg(m_config.cloudUrl.host())
                                                : tr("Cloud unreachable: %1").arg(problem));
    };
    connect(parts.status, &AgentStatus::changed, this, updateIcons);
    updateIcons();

    connect(m_tray.get(), &TrayIcon::openWhatsAppRequested, this,
            [this] { bringUp(m_main.get()); });
    connect(m_tray.get(), &TrayIcon::pairingRequested, this, &Desktop::showPairing);
    connect(m_tray.get(), &TrayIcon::outboxRequested, this, [this] { bringUp(outboxWindow()); });
    connect(m_tray.get(), &TrayIcon::settingsRequested, this,
            [this] { bringUp(settingsDialog()); });
    connect(m_tray.get(), &TrayIcon::pauseRequested, parts.pipeline, &RelayPipeline::setPaused);
    connect(m_tray.get(), &TrayIcon::useHereRequested, parts.session, &WhatsAppSession::takeOver);
    connect(m_tray.get(), &TrayIcon::quitRequested, this, &Desktop::quitRequested);
    connect(m_main.get(), &MainWindow::quitRequested, this, &Desktop::quitRequested);
    connect(m_main.get(), &MainWindow::closeRequested, this, [this] {
        // The agent keeps answering customers from the tray; without a notification area
        // there would be no way back, so closing the window stops it.
        if (QSystemTrayIcon::isSystemTrayAvailable())
            m_main->hide();
        else
            Q_EMIT quitRequested();
    });

    // Pairing comes up by itself on the first run and when WhatsApp logged this computer out.
    connect(parts.session, &WhatsAppSession::stateChanged, this, [this](SessionState state) {
        if (state == SessionState::Connected)
            m_everConnected = true;
        if (state == SessionState::NeedsPairing && !m_everConnected && !m_pairing->isVisible())
            showPairing();
    });
    connect(parts.session, &WhatsAppSession::loggedOut, this, &Desktop::showPairing);
    // Set up: the agent goes on quietly in the tray; where there is none, its window shows.
    connect(m_pairing.get(), &PairingWindow::finished, this, [this] {
        if (!QSystemTrayIcon::isSystemTrayAvailable())
            bringUp(m_main.get());
    });

    m_tray->show();
    if (parts.session->state() == SessionState::NeedsPairing || m_pairing->isVisible())
        showPairing();
    else
        bringUp(m_main.get());
}

void Desktop::showPairing()
{
    if (!m_parts.session)
        return;
    const bool connected = m_parts.session->state() == SessionState::Connected;
    m_pairing->showStep(connected ? PairingWindow::Step::Done : PairingWindow::Step::WhatsApp);
    bringUp(m_pairing.get());
}

void Desktop::raise()
{
    if (m_pairing->isVisible() || !m_main) {
        bringUp(m_pairing.get());
        return;
    }
    bringUp(m_main.get());
}

OutboxWindow *Desktop::outboxWindow()
{
    if (!m_outbox && m_parts.store) {
        m_outbox = std::make_unique<OutboxWindow>(m_parts.store, m_parts.pipeline);
        m_outbox->setWindowIcon(m_tray->icon());
    }
    return m_outbox.get();
}

SettingsDialog *Desktop::settingsDialog()
{
    if (!m_settings) {
        m_settings = std::make_unique<SettingsDialog>(m_config, m_iniPath, m_autostart.get());
        connect(m_settings.get(), &SettingsDialog::saved, this, [this](const AgentConfig &saved) {
            // What the file says now, except what only a restart changes.
            const QUrl cloud = m_config.cloudUrl;
            m_config = saved;
            m_config.cloudUrl = cloud;
            applyLanguage(saved.language);
            Q_EMIT settingsSaved(saved);
        });
        connect(m_settings.get(), &QDialog::finished, this,
                [this] { m_settings.release()->deleteLater(); });
    }
    return m_settings.get();
}

} // namespace sak
