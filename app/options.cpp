#include "app/options.h"

#include "agent/base/logging.h"
#include "app/failure.h"

#include <QCommandLineParser>
#include <QStandardPaths>

#include <cstdio>
#include <vector>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

struct Option
{
    QCommandLineOption option;
    QString configKey; // empty for options that are not settings
};

const std::vector<Option> &table()
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
             u"Pair with the cloud using a code from its dashboard, store the credentials, and exit. Without a code it is read from standard input (or SAK_PAIRING_CODE): a code on the command line can be read by every user of the computer."_s,
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
             u"show-pairing"_s,
             u"Draw the running agent's WhatsApp pairing QR code (or show the code to type on the phone) in this terminal, and exit: for an agent without a terminal, such as the service, which never logs them."_s),
         {}},
        {QCommandLineOption(
             u"requeue-dead"_s,
             u"Relay the cloud's dead letters (inbound messages it refused) again, and exit."_s),
         {}},
        {QCommandLineOption(
             u"bridge"_s,
             u"Show which page half of the WhatsApp bridge runs (built in or a delivered package: version, wa-js version, signing key), the packages delivered and how they fared, and exit."_s),
         {}},
        {QCommandLineOption(
             u"bridge-rollback"_s,
             u"Go back from the delivered bridge package that runs to the one before it (or the built-in one), never taking it again (a running agent follows within seconds), and exit."_s),
         {}},
    };
    return all;
}

// --pair without a code (it then comes from standard input or SAK_PAIRING_CODE, away from the
// command line every user can read): the parser wants a value, and "-" stands for it.
QStringList withPairingFromInput(const QStringList &arguments)
{
    QStringList out;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        if (arguments.at(i) == u"--"_s) {
            out += arguments.mid(i);
            break;
        }
        const bool last = i + 1 == arguments.size();
        if (i > 0 && arguments.at(i) == u"--pair"_s &&
            (last || (arguments.at(i + 1).startsWith(u'-') && arguments.at(i + 1) != u"-"_s))) {
            out.append(u"--pair=-"_s);
            continue;
        }
        out.append(arguments.at(i));
    }
    return out;
}

} // namespace

std::optional<int> parseCommandLine(QCommandLineParser &parser, const QStringList &arguments)
{
    parser.setApplicationDescription(
        u"SAK Desktop Agent: hosts the shop's WhatsApp Web session and relays messages to the SAK cloud."_s);
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    for (const Option &o : table())
        parser.addOption(o.option);
    if (!parser.parse(withPairingFromInput(arguments)))
        return printFailure(parser.errorText() + u"; see --help."_s);
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
        return printFailure(u"Unexpected argument '%1'; see --help."_s.arg(
            parser.positionalArguments().constFirst()));
    return std::nullopt;
}

Status setUpLoggingFrom(const QCommandLineParser &parser)
{
    const QString logFormat = parser.value(u"log-format"_s);
    if (!logFormat.isEmpty() && logFormat != u"text"_s && logFormat != u"json"_s)
        return Error{u"config"_s,
                     u"--log-format is '%1'; it must be text or json."_s.arg(logFormat)};
    const auto logLevel = logLevelFromName(
        parser.value(u"log-level"_s).isEmpty() ? u"info"_s : parser.value(u"log-level"_s));
    if (!logLevel)
        return Error{u"config"_s,
                     u"--log-level is '%1'; it must be debug, info, warning or error."_s.arg(
                         parser.value(u"log-level"_s))};
    setUpLogging(logFormat == u"json"_s ? LogFormat::Json : LogFormat::Text, *logLevel);
    return Done{};
}

RunOptions runOptions(const QCommandLineParser &parser, bool windows)
{
    const QString iniPath =
        parser.isSet(u"config"_s)
            ? parser.value(u"config"_s)
            : QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) +
                  u"/sak-agent.ini"_s;
    return {!windows || parser.isSet(u"headless"_s), parser.isSet(u"reset-corrupt-store"_s),
            iniPath};
}

Result<AgentConfig> resolveConfig(const QCommandLineParser &parser, const RunOptions &run,
                                  bool needsCloud)
{
    QHash<QString, QString> overrides;
    for (const Option &o : table()) {
        if (!o.configKey.isEmpty() && parser.isSet(o.option))
            overrides.insert(o.configKey, parser.value(o.option));
    }
    if (parser.isSet(u"persistent-profile"_s))
        overrides.insert(u"whatsapp/profile-storage"_s, u"persistent"_s);
    return AgentConfig::resolve(run.iniPath, parser.isSet(u"config"_s), overrides,
                                QStandardPaths::writableLocation(QStandardPaths::AppDataLocation),
                                needsCloud);
}

} // namespace sak
