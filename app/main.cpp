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
#include <optional>

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
        // The other commands work beside a running agent (they read the store, or change it the
        // way the agent follows). --rotate-key does not: it re-encrypts the database under the
        // agent's open connection and key, and an agent started meanwhile would find a
        // rotation half done. So it takes the agent's lock for as long as it runs.
        std::optional<sak::SingleInstance> exclusive;
        if (command == u"rotate-key"_s) {
            exclusive.emplace(config.value().dataDir);
            if (exclusive->claim(sak::SingleInstance::Channel::None) !=
                sak::SingleInstance::Claim::First)
                return sak::printFailure(exclusive->errorString());
        }
        auto once =
            sak::makeCommand({std::move(config).value(), run, command, parser.value(command)});
        once->start();
        return app.exec();
    }

    sak::setChromiumSwitches(config.value(), run.headless);
    sak::ArgumentVector qtArguments(arguments);
    const auto app = sak::makeApplication(qtArguments.argc(), qtArguments.argv(), run.headless);

    // Before the store is opened: one agent per data directory, whatever the environment it is
    // started from (its lock is in the data directory). An agent that cannot take it does not
    // run: it could send what the other one sends.
    sak::SingleInstance instance(config.value().dataDir);
    switch (instance.claim()) {
    case sak::SingleInstance::Claim::First:
        if (!instance.channelError().isEmpty())
            qCWarning(lcAgent).noquote()
                << "A second launch will not be able to bring this agent's window to the front:"
                << instance.channelError();
        break;
    case sak::SingleInstance::Claim::AlreadyRunning:
        if (!run.headless && instance.raised()) {
            std::printf("sak-agent: already running; its window was brought to the front.\n");
            return 0;
        }
        return sak::printFailure(instance.errorString());
    case sak::SingleInstance::Claim::Failed:
        return sak::printFailure(instance.errorString());
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
