#include "app/face.h"

#include "agent/delivery/whatsappsession.h"
#include "app/kiosk.h"

#include <QFile>
#include <QGuiApplication>

using namespace Qt::Literals::StringLiterals;

// The one place that knows whether the build has widgets (SAK_WITH_WIDGETS): everything else
// sees a Face, and a build without them links no Qt Widgets at all.
#ifdef SAK_WITH_WIDGETS
#include "app/desktopface.h"
#include <QApplication>
namespace sak {
namespace {
constexpr bool kWidgets = true;
std::unique_ptr<QGuiApplication> makeWidgetApplication(int &argc, char **argv)
{
    return std::make_unique<QApplication>(argc, argv);
}
std::unique_ptr<Face> makeDesktop(const AgentConfig &config, const QString &iniPath)
{
    return std::make_unique<DesktopFace>(config, iniPath);
}
} // namespace
} // namespace sak
#else
namespace sak {
namespace {
constexpr bool kWidgets = false;
std::unique_ptr<QGuiApplication> makeWidgetApplication(int &, char **)
{
    return nullptr;
}
std::unique_ptr<Face> makeDesktop(const AgentConfig &, const QString &)
{
    return nullptr;
}
} // namespace
} // namespace sak
#endif

namespace sak {

Face::Face(QString dataDir, QObject *parent)
    : QObject(parent)
    , m_dataDir(std::move(dataDir))
{}

QString Face::pairingQrPath(const QString &dataDir)
{
    return dataDir + u"/pairing-qr.png"_s;
}

void Face::attach(const Parts &parts)
{
    // A code a kiosk wrote must not be scanned later, whichever face runs now.
    connect(parts.session, &WhatsAppSession::stateChanged, this, [this](SessionState state) {
        const QString qr = pairingQrPath(m_dataDir);
        if (state != SessionState::NeedsPairing && QFile::exists(qr))
            QFile::remove(qr);
    });
    show(parts);
}

bool windowsBuiltIn()
{
    return kWidgets;
}

std::unique_ptr<QGuiApplication> makeApplication(int &argc, char **argv, bool headless)
{
    if (headless && !qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts); // QtWebEngine asks for it
    std::unique_ptr<QGuiApplication> app = headless ? nullptr : makeWidgetApplication(argc, argv);
    if (!app)
        app = std::make_unique<QGuiApplication>(argc, argv);
    // The agent lives on in the tray when its windows are closed.
    QGuiApplication::setQuitOnLastWindowClosed(false);
    return app;
}

std::unique_ptr<Face> makeFace(const AgentConfig &config, const RunOptions &options)
{
    if (auto desktop = options.headless ? nullptr : makeDesktop(config, options.iniPath))
        return desktop;
    return std::make_unique<Kiosk>(config);
}

} // namespace sak
