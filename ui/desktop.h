#pragma once

#include "agent/config/agentconfig.h"
#include "ui/pairingwindow.h"

#include <QObject>

#include <memory>

class QWebEnginePage;

namespace sak {

class AgentStatus;
class Autostart;
class MainWindow;
class OutboxWindow;
class RelayPipeline;
class SettingsDialog;
class Store;
class TrayIcon;
class WhatsAppSession;

// Everything the shop owner sees of a running agent: the tray, the WhatsApp window, the
// pairing window, the outbox and the settings. It starts with the pairing window alone (first
// run: the cloud is not known yet) and gets the rest once the agent runs (attach()).
class Desktop : public QObject
{
    Q_OBJECT
public:
    struct Parts
    {
        WhatsAppSession *session = nullptr;
        QWebEnginePage *page = nullptr;
        RelayPipeline *pipeline = nullptr;
        Store *store = nullptr;
        AgentStatus *status = nullptr;
    };

    Desktop(AgentConfig config, QString iniPath, QObject *parent = nullptr);
    ~Desktop() override;

    // First run: step 1 of the pairing window, with this way to pair with the cloud.
    void askForCloud(PairingWindow::CloudPairing pairing);
    void attach(const Parts &parts);
    // Brings the most useful window to the front (a second launch asks for this).
    void raise();

    TrayIcon *tray() const { return m_tray.get(); }
    MainWindow *mainWindow() const { return m_main.get(); }
    PairingWindow *pairingWindow() const { return m_pairing.get(); }
    OutboxWindow *outboxWindow();
    SettingsDialog *settingsDialog();

Q_SIGNALS:
    void quitRequested();
    // The owner saved settings that the running agent can follow at once.
    void settingsSaved(const sak::AgentConfig &config);

private:
    void showPairing();
    static void bringUp(QWidget *window);

    AgentConfig m_config;
    QString m_iniPath;
    Parts m_parts;
    std::unique_ptr<Autostart> m_autostart;
    std::unique_ptr<PairingWindow> m_pairing;
    std::unique_ptr<TrayIcon> m_tray;
    std::unique_ptr<MainWindow> m_main;
    std::unique_ptr<OutboxWindow> m_outbox;
    std::unique_ptr<SettingsDialog> m_settings;
    bool m_everConnected = false;
};

} // namespace sak
