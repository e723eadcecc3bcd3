#include "agent/base/agentconfig.h"
#include "agent/base/logging.h"
#include "agent/platform/singleinstance.h"
#include "agent/platform/unixsignals.h"
#include "app/application.h"

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QNetworkProxyFactory>
#include <QStandardPaths>
#ifdef SAK_WITH_WIDGETS
#include <QApplication>
#endif

#include <cstdio>
#include <memory>
#include <vector>

using namespace Qt::Literals::StringLiterals;

namespace {

struct Option
{
    QCommandLineOption option;
    QString configKey; // empty for options that are not settings
};

const std::vector<Option> &options()
{
    static const std::vector<Option> all{
        {QCommandLineOption(u"config"_s,
                            u"Configuration file (INI). Default: %1."_s.arg(
                                u"~/.config/SAK/sak-agent/sak-agent.ini"_s),
                            u"file"_s),
         {}},
        {QCommandLineOption(u"headless"_s,
                            u"Run without any window (kiosk); the page renders offscreen."_s),
         {}},
        {QCommandLineOption(
             u"log-format"_s,
             u"Log format: text (on standard error, the default) or json (one object per line on standard output)."_s,
             u"format"_s),
         {}},
        {QCommandLineOption(u"log-level"_s,
                            u"Lowest level logged: debug, info (the default), warning or error."_s,
                            u"level"_s),
         {}},
        {QCommandLineOption(u"cloud-url"_s, u"Cloud server base URL (https://...)."_s, u"url"_s),
         u"cloud/url"_s},
        {QCommandLineOption(u"ca-file"_s,
                            u"Extra CA certificates (PEM) trusted for the cloud server."_s,
                            u"file"_s),
         u"cloud/ca-file"_s},
        {QCommandLineOption(
             u"cloud-spki-pins"_s,
             u"Key pins (base64 SHA-256 of SubjectPublicKeyInfo) of the cloud server; comma-separated. When set, a server without one of these keys is refused."_s,
             u"pins"_s),
         u"cloud/spki-pins"_s},
        {QCommandLineOption(
             u"jobs-transport"_s,
             u"How outbound work arrives: auto (WebSocket, long-poll where it cannot be held), websocket or poll."_s,
             u"mode"_s),
         u"cloud/jobs-transport"_s},
        {QCommandLineOption(u"tenant-id"_s, u"Tenant (shop) id at the cloud."_s, u"id"_s),
         u"cloud/tenant-id"_s},
        {QCommandLineOption(u"agent-id"_s, u"This agent's id at the cloud."_s, u"id"_s),
         u"cloud/agent-id"_s},
        {QCommandLineOption(u"whatsapp-url"_s,
                            u"WhatsApp Web URL (default https://web.whatsapp.com/)."_s, u"url"_s),
         u"whatsapp/url"_s},
        {QCommandLineOption(
             u"account"_s,
             u"WhatsApp account name; each has its own browser profile (default: default)."_s,
             u"name"_s),
         u"whatsapp/account"_s},
        {QCommandLineOption(
             u"whatsapp-spki-pins"_s,
             u"Key pins (base64 SHA-256 of SubjectPublicKeyInfo) of a local WhatsApp test server; comma-separated."_s,
             u"pins"_s),
         u"whatsapp/spki-pins"_s},
        {QCommandLineOption(
             u"link-phone"_s,
             u"Headless pairing without scanning: ask WhatsApp for a code to type on this phone (the shop's number with its country code)."_s,
             u"number"_s),
         u"whatsapp/link-phone"_s},
        {QCommandLineOption(u"user-agent"_s,
                            u"User agent of the WhatsApp page (default: desktop Chrome)."_s,
                            u"string"_s),
         u"whatsapp/user-agent"_s},
        {QCommandLineOption(
             u"data-dir"_s,
             u"Where the agent keeps its data (default: ~/.local/share/SAK/sak-agent)."_s,
             u"dir"_s),
         u"storage/data-dir"_s},
        {QCommandLineOption(
             u"key-file"_s,
             u"Opt-in instead of the keychain: keep the data key in this owner-only file (created if missing)."_s,
             u"file"_s),
         u"storage/key-file"_s},
        {QCommandLineOption(
             u"passphrase-file"_s,
             u"Opt-in instead of the keychain: derive the data key from the passphrase in this file (- reads standard input)."_s,
             u"file"_s),
         u"storage/passphrase-file"_s},
        {QCommandLineOption(
             u"persistent-profile"_s,
             u"Keep the WhatsApp profile unencrypted on disk instead of sealing it (weaker; for systems without RAM storage)."_s),
         {}},
        {QCommandLineOption(
             u"status-port"_s,
             u"Port of the local status endpoint on 127.0.0.1 (default 47811; 0: any free port; off: none)."_s,
             u"port"_s),
         u"status/port"_s},
        {QCommandLineOption(u"language"_s,
                            u"Language of the windows: en, de or ar (default: the system's)."_s,
                            u"code"_s),
         u"ui/language"_s},
        {QCommandLineOption(
             u"reset-corrupt-store"_s,
             u"If the database is damaged, move it aside (it is kept) and start with an empty one."_s),
         {}},
        {QCommandLineOption(
             u"rotate-key"_s,
             u"Re-encrypt the database with a new data key, update the key source, and exit."_s),
         {}},
        {QCommandLineOption(
             u"pair"_s,
             u"Pair with the cloud using a code from its dashboard, store the credentials, and exit."_s,
             u"code"_s),
         {}},
        {QCommandLineOption(u"unpair"_s,
                            u"Forget the cloud credentials (and tell the cloud), and exit."_s),
         {}},
        {QCommandLineOption(u"rotate-credentials"_s,
                            u"Get a new signing secret from the cloud, and exit."_s),
         {}},
        {QCommandLineOption(u"check-store"_s,
                            u"Check the encrypted database's integrity, and exit."_s),
         {}},
        {QCommandLineOption(
             u"outbox"_s, u"List the outbox (state, id, chat, attempts, last error), and exit."_s),
         {}},
        {QCommandLineOption(u"retry"_s,
                            u"Send a failed, expired or unknown outbox item again, and exit."_s,
                            u"client-id"_s),
         {}},
        {QCommandLineOption(u"cancel"_s, u"Cancel a queued outbox item, and exit."_s,
                            u"client-id"_s),
         {}},
        {QCommandLineOption(
             u"pause-sending"_s,
             u"Pause all sending (a running agent follows within seconds), and exit."_s),
         {}},
        {QCommandLineOption(u"resume-sending"_s, u"Resume sending, and exit."_s), {}},
        {QCommandLineOption(
             u"status"_s,
             u"Show the running agent's state, queues and last errors (from its status endpoint), and exit."_s),
         {}},
        {QCommandLineOption(u"metrics"_s,
                            u"Print the running agent's Prometheus metrics, and exit."_s),
         {}},
        {QCommandLineOption(
             u"requeue-dead"_s,
             u"Relay the cloud's dead letters (inbound messages it refused) again, and exit."_s),
         {}},
    };
    return all;
}

int fail(const QString &message)
{
    std::fprintf(stderr, "sak-agent: %s\n", qPrintable(message));
    return 2;
}

// Release builds never open a remote-debugging port, whatever the environment asks for:
// the DevTools port would hand the WhatsApp session to anything that can reach it.
QStringList withoutRemoteDebugging(const QStringList &arguments)
{
    QStringList kept;
    for (const QString &a : arguments) {
        if (a.startsWith(u"--remote-debugging"_s) || a.startsWith(u"--remote-allow-origins"_s))
            qCWarning(lcAgent).noquote()
                << "Ignoring" << a.section(u'=', 0, 0) << "(remote debugging is disabled)";
        else
            kept.append(a);
    }
    return kept;
}

void scrubRemoteDebuggingEnvironment()
{
    if (qEnvironmentVariableIsSet("QTWEBENGINE_REMOTE_DEBUGGING")) {
        qCWarning(lcAgent)
            << "Ignoring QTWEBENGINE_REMOTE_DEBUGGING (remote debugging is disabled)";
        qunsetenv("QTWEBENGINE_REMOTE_DEBUGGING");
    }
    const QStringList flags = QString::fromLocal8Bit(qgetenv("QTWEBENGINE_CHROMIUM_FLAGS"))
                                  .split(u' ', Qt::SkipEmptyParts);
    qputenv("QTWEBENGINE_CHROMIUM_FLAGS", withoutRemoteDebugging(flags).join(u' ').toLocal8Bit());
}

} // namespace

int main(int argc, char *argv[])
{
    sak::setUpLogging();
    QCoreApplication::setOrganizationName(u"SAK"_s);
    QCoreApplication::setApplicationName(u"sak-agent"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(SAK_VERSION));

    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    arguments = withoutRemoteDebugging(arguments);
    scrubRemoteDebuggingEnvironment();

    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"SAK Desktop Agent: hosts the shop's WhatsApp Web session and relays messages to the SAK cloud."_s);
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    for (const Option &o : options())
        parser.addOption(o.option);
    if (!parser.parse(arguments))
        return fail(parser.errorText() + u"; see --help."_s);
    if (parser.isSet(help)) {
        // Asked before any application object exists, the parser does not know its name.
        std::printf("%s",
                    qPrintable(parser.helpText().replace(u"<executable_name>"_s, u"sak-agent"_s)));
        return 0;
    }
    if (parser.isSet(version)) {
        std::printf("sak-agent %s (Qt %s)\n", SAK_VERSION, qVersion());
        return 0;
    }
    if (!parser.positionalArguments().isEmpty())
        return fail(u"Unexpected argument '%1'; see --help."_s.arg(
            parser.positionalArguments().constFirst()));
    const QString logFormat = parser.value(u"log-format"_s);
    if (!logFormat.isEmpty() && logFormat != u"text"_s && logFormat != u"json"_s)
        return fail(u"--log-format is '%1'; it must be text or json."_s.arg(logFormat));
    const auto logLevel = sak::logLevelFromName(
        parser.value(u"log-level"_s).isEmpty() ? u"info"_s : parser.value(u"log-level"_s));
    if (!logLevel)
        return fail(u"--log-level is '%1'; it must be debug, info, warning or error."_s.arg(
            parser.value(u"log-level"_s)));
    sak::setUpLogging(logFormat == u"json"_s ? sak::LogFormat::Json : sak::LogFormat::Text,
                      *logLevel);

#ifdef SAK_WITH_WIDGETS
    const bool headless = parser.isSet(u"headless"_s);
#else
    const bool headless = true; // this build has no widgets
#endif

    QHash<QString, QString> overrides;
    for (const Option &o : options()) {
        if (!o.configKey.isEmpty() && parser.isSet(o.option))
            overrides.insert(o.configKey, parser.value(o.option));
    }
    if (parser.isSet(u"persistent-profile"_s))
        overrides.insert(u"whatsapp/profile-storage"_s, u"persistent"_s);
    const bool explicitConfig = parser.isSet(u"config"_s);
    const QString iniPath =
        explicitConfig ? parser.value(u"config"_s)
                       : QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) +
                             u"/sak-agent.ini"_s;
    const sak::RunOptions run{headless, parser.isSet(u"reset-corrupt-store"_s), iniPath};
    // Only the desktop may start without a cloud URL: its first-run window asks for one. The
    // commands on the local store and the running agent do not need it either.
    bool needsCloud = headless;
    for (const QString &command :
         {u"rotate-key"_s, u"pair"_s, u"unpair"_s, u"rotate-credentials"_s})
        needsCloud = needsCloud || parser.isSet(command);
    auto config = sak::AgentConfig::resolve(
        iniPath, explicitConfig, overrides,
        QStandardPaths::writableLocation(QStandardPaths::AppDataLocation), needsCloud);
    if (!config)
        return fail(config.error().message);

    // The cloud is reached through the proxy the system is set up with (environment on Linux,
    // the Internet settings on Windows), like every other program of the shop's PC.
    QNetworkProxyFactory::setUseSystemConfiguration(true);

    // Commands: run once without any browser, then exit.
    for (const QString &command :
         {u"rotate-key"_s, u"pair"_s, u"unpair"_s, u"rotate-credentials"_s}) {
        if (!parser.isSet(command))
            continue;
        QCoreApplication app(argc, argv);
        sak::Application agent(std::move(config).value(), run);
        if (command == u"rotate-key"_s)
            agent.rotateKey();
        else if (command == u"pair"_s)
            agent.pair(parser.value(command));
        else if (command == u"unpair"_s)
            agent.unpair();
        else
            agent.rotateCredentials();
        return app.exec();
    }
    // Commands on the encrypted store: safe while an agent runs (the database takes turns).
    for (const QString &command : {u"check-store"_s, u"outbox"_s, u"retry"_s, u"cancel"_s,
                                   u"pause-sending"_s, u"resume-sending"_s, u"requeue-dead"_s}) {
        if (!parser.isSet(command))
            continue;
        QCoreApplication app(argc, argv);
        sak::Application agent(std::move(config).value(), run);
        agent.storeCommand(command, parser.value(command));
        return app.exec();
    }
    for (const QString &command : {u"status"_s, u"metrics"_s}) {
        if (!parser.isSet(command))
            continue;
        QCoreApplication app(argc, argv);
        sak::Application agent(std::move(config).value(), run);
        agent.askRunningAgent(command);
        return app.exec();
    }

    if (!config.value().whatsAppSpkiPins.isEmpty()) {
        // Chromium reads its switches once, before the application object exists.
        qCWarning(lcAgent) << "Trusting" << config.value().whatsAppSpkiPins.size()
                           << "pinned key(s) for the WhatsApp page: for a local test server only";
        QByteArray flags = qgetenv("QTWEBENGINE_CHROMIUM_FLAGS");
        flags += " --ignore-certificate-errors-spki-list=" +
                 config.value().whatsAppSpkiPins.join(u',').toLatin1();
        qputenv("QTWEBENGINE_CHROMIUM_FLAGS", flags.trimmed());
    }
    if (headless) {
        if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        // Nobody looks at a kiosk's page, so Chromium would treat it as a background tab and
        // run its timers once a second; WhatsApp's page must keep its own pace.
        qputenv("QTWEBENGINE_CHROMIUM_FLAGS",
                qgetenv("QTWEBENGINE_CHROMIUM_FLAGS") +
                    " --disable-background-timer-throttling --disable-renderer-backgrounding");
    }
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);

    // Qt and Chromium read the arguments again: hand them the scrubbed list.
    std::vector<QByteArray> storage;
    std::vector<char *> qtArgv;
    for (const QString &a : arguments)
        storage.push_back(a.toLocal8Bit());
    for (QByteArray &a : storage)
        qtArgv.push_back(a.data());
    qtArgv.push_back(nullptr);
    int qtArgc = int(storage.size());

    std::unique_ptr<QGuiApplication> app;
#ifdef SAK_WITH_WIDGETS
    if (!headless)
        app = std::make_unique<QApplication>(qtArgc, qtArgv.data());
#endif
    if (!app)
        app = std::make_unique<QGuiApplication>(qtArgc, qtArgv.data());
    // The agent lives on in the tray when its windows are closed.
    QGuiApplication::setQuitOnLastWindowClosed(false);

    sak::SingleInstance instance(config.value().dataDir);
    switch (instance.claim()) {
    case sak::SingleInstance::Claim::First:
        break;
    case sak::SingleInstance::Claim::AlreadyRunning:
        if (headless)
            return fail(
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
