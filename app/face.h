#pragma once

#include "agent/base/result.h"
#include "agent/config/agentconfig.h"
#include "app/options.h"

#include <QObject>

#include <functional>
#include <memory>

class QGuiApplication;

namespace sak {

class AgentStatus;
class RelayPipeline;
class Store;
class WhatsAppPage;
class WhatsAppSession;

// What the shop sees of the running agent: the desktop's tray and windows (ui/Desktop, through
// DesktopFace), or, headless, the kiosk's terminal (Kiosk). The agent talks to either through
// this interface; face.cpp alone knows which exist (a build without widgets has the kiosk only).
class Face : public QObject
{
    Q_OBJECT
public:
    struct Parts
    {
        WhatsAppSession *session = nullptr;
        WhatsAppPage *page = nullptr;
        RelayPipeline *pipeline = nullptr;
        Store *store = nullptr;
        AgentStatus *status = nullptr;
    };
    using CloudPairing = std::function<void(const QUrl &server, const QString &code,
                                            std::function<void(Status)> done)>;

    // Where a kiosk writes WhatsApp's pairing QR code as an image.
    static QString pairingQrPath(const QString &dataDir);

    // First run, before the agent runs: asks the owner for the cloud and a pairing code, and
    // pairs through `pairing`. False when this face cannot ask (a kiosk is paired with
    // sak-agent --pair).
    virtual bool askForCloud(CloudPairing pairing) = 0;
    // The agent runs: the face shows it.
    void attach(const Parts &parts);
    // A second launch asked this agent to show itself; false when it has no window.
    virtual bool raise() = 0;

Q_SIGNALS:
    void quitRequested();
    // The owner saved settings that the running agent can follow at once.
    void settingsSaved(const sak::AgentConfig &config);

protected:
    Face(QString dataDir, QObject *parent);
    virtual void show(const Parts &parts) = 0;

private:
    QString m_dataDir;
};

// Whether this build has windows at all; without, sak-agent only runs headless.
bool windowsBuiltIn();
// The application object, made before anything else of Qt: a QApplication for the windows,
// else a QGuiApplication (on the offscreen platform unless another is asked for).
std::unique_ptr<QGuiApplication> makeApplication(int &argc, char **argv, bool headless);
// The desktop, or the kiosk when headless. Made once the store is open.
std::unique_ptr<Face> makeFace(const AgentConfig &config, const RunOptions &options);

} // namespace sak
