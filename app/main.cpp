// sak-agent: reads the command line and the configuration, then either runs a one-shot command
// (app/commands/) or the agent (Application) with its face, the desktop or the kiosk.
#include "agent/base/logging.h"
#include "agent/platform/processhardening.h"
#include "agent/platform/singleinstance.h"
#include "agent/platform/unixsignals.h"
#include "app/application.h"
#include "app/chromiumswitches.h"
#include "app/commands/commands.h"
#include "app/face.h"
#include "app/failure.h"
#include "app/options.h"

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QNetworkProxyFactory>

#include <cstdio>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

using namespace Qt::Literals::StringLiterals;

int main(int argc, char *argv[])
{
#ifdef Q_OS_UNIX
    // Before anything is written: every file the agent (and its browser) makes is the user's
    // alone from its first byte, not only once a chmod has followed.
    ::umask(077);
#endif
    sak::setUpLogging();
    // First, before any key is read: nothing the process holds may reach a core file.
    if (const sak::Status hardened = sak::hardenProcess(); !hardened)
        qCWarning(lcAgent).noquote() << hardened.error().message;
    QCoreApplication::setOrganizationName(u"SAK"_s);
    QCoreApplication::setApplicationName(u"sak-agent"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(SAK_VERSION));

    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    arguments = sak::withoutChromiumSwitches(arguments);
    sak::filterChromiumEnvironment();

    QCommandLineParser parser;
    if (const auto exitCode = sak::parseCommandLine(parser, arguments))
        return *exitCode;
    if (sak::Status logging = sak::setUpLoggingFrom(parser); !logging)
        return sak::printFailure(logging.error().message);
    const sak::RunOptions run = sak::runOptions(parser, sak::windowsBuiltIn());
    const QString command = sak::commandIn(parser);
    auto config = sak::resolveConfig(parser, run, run.headless || sak::commandNeedsCloud(command));
    if (!config)
        return sak::printFailure(config.error().message);

    // The cloud is reached through the proxy the system is set up with (environment on Linux,
    // the Internet settings on Windows), like every other program of the shop's PC.
    QNetworkProxyFactory::setUseSystemConfiguration(true);

    if (!command.isEmpty()) {
        QCoreApplication app(argc, argv);
        auto once =
            sak::makeCommand({std::move(config).value(), run, command, parser.value(command)});
        once->start();
        return app.exec();
    }

    sak::setChromiumSwitches(config.value(), run.headless);
    sak::ArgumentVector qtArguments(arguments);
    const auto app = sak::makeApplication(qtArguments.argc(), qtArguments.argv(), run.headless);

    sak::SingleInstance instance(config.value().dataDir);
    switch (instance.claim()) {
    case sak::SingleInstance::Claim::First:
        break;
    case sak::SingleInstance::Claim::AlreadyRunning:
        if (run.headless)
            return sak::printFailure(
                u"An agent with the data directory %1 is running already (sak-agent --status shows it)."_s
                    .arg(config.value().dataDir));
        std::printf("sak-agent: already running; its window was brought to the front.\n");
        return 0;
    case sak::SingleInstance::Claim::Failed:
        qCWarning(lcAgent).noquote()
            << "Cannot tell whether another agent runs:" << instance.errorString();
        break;
    }

    sak::Application agent(std::move(config).value(), run);
    sak::UnixSignals termination;
    QObject::connect(&termination, &sak::UnixSignals::terminationRequested, &agent,
                     [&agent](int number) {
                         qCInfo(lcAgent) << "Signal" << number
                                         << "received: finishing the send in flight, sealing "
                                            "the session and stopping";
                         agent.stop();
                     });
    QObject::connect(&instance, &sak::SingleInstance::raiseRequested, &agent,
                     &sak::Application::raise);
    agent.start();
    return app->exec();
}
