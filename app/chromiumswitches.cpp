#include "app/chromiumswitches.h"

#include "agent/base/logging.h"

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

// How Chromium's base::CommandLine tells a switch: the longest prefix first.
const QStringList &switchPrefixes()
{
#ifdef Q_OS_WIN
    static const QStringList prefixes{u"--"_s, u"-"_s, u"/"_s};
#else
    static const QStringList prefixes{u"--"_s, u"-"_s};
#endif
    return prefixes;
}

// A switch as written, up to its value: what a log line may show.
QString withoutValue(const QString &argument)
{
    return argument.section(u'=', 0, 0);
}

bool isRemoteDebugging(const QString &switchName)
{
    return switchName.startsWith(u"remote-debugging"_s) ||
           switchName.startsWith(u"remote-allow-origins"_s);
}

} // namespace

std::optional<QString> chromiumSwitchName(const QString &argument)
{
    if (argument == u"--"_s) // the end of the switches, no switch itself
        return std::nullopt;
    for (const QString &prefix : switchPrefixes()) {
        if (argument.startsWith(prefix) && argument != prefix)
            return argument.mid(prefix.size()).section(u'=', 0, 0).toLower();
    }
    return std::nullopt;
}

QStringList splitChromiumFlags(const QString &flags)
{
    // QtWebEngine's own reading of the variable: a quote opens or closes a group (and is
    // dropped), a space outside a group ends an argument.
    QStringList arguments;
    QString argument;
    enum class State
    {
        Between,
        Quoted,
        Unquoted
    } state = State::Between;
    for (const QChar c : flags) {
        switch (state) {
        case State::Between:
            if (c == u'"')
                state = State::Quoted;
            else if (c != u' ') {
                argument += c;
                state = State::Unquoted;
            }
            break;
        case State::Quoted:
            if (c == u'"')
                state = State::Unquoted;
            else
                argument += c;
            break;
        case State::Unquoted:
            if (c == u'"')
                state = State::Quoted;
            else if (c == u' ') {
                arguments.append(argument);
                argument.clear();
                state = State::Between;
            } else
                argument += c;
            break;
        }
    }
    if (!argument.isEmpty())
        arguments.append(argument);
    return arguments;
}

QString joinChromiumFlags(const QStringList &arguments)
{
    QStringList quoted;
    for (const QString &a : arguments)
        quoted.append(a.contains(u' ') ? u'"' + a + u'"' : a);
    return quoted.join(u' ');
}

const QStringList &allowedChromiumSwitches()
{
    // What a shop PC may need for its graphics stack, a small machine or a diagnosis; none of
    // them opens anything to other processes or loosens the sandbox or the page's isolation.
    static const QStringList allowed{
        u"disable-gpu"_s,
        u"disable-gpu-compositing"_s,
        u"disable-gpu-rasterization"_s,
        u"disable-software-rasterizer"_s,
        u"use-gl"_s,
        u"use-angle"_s,
        u"num-raster-threads"_s,
        u"disable-dev-shm-usage"_s,
        u"renderer-process-limit"_s,
        u"disable-background-timer-throttling"_s,
        u"disable-renderer-backgrounding"_s,
        u"force-device-scale-factor"_s,
        u"enable-logging"_s,
        u"log-level"_s,
        u"lang"_s,
    };
    return allowed;
}

FilteredChromiumFlags filterChromiumFlags(const QStringList &arguments)
{
    FilteredChromiumFlags result;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &a = arguments.at(i);
        // After "--" Chromium reads no switches: nothing there is for it.
        if (a == u"--"_s) {
            for (const QString &rest : arguments.mid(i))
                result.dropped.append(withoutValue(rest));
            break;
        }
        const auto name = chromiumSwitchName(a);
        if (name && allowedChromiumSwitches().contains(*name))
            result.kept.append(a);
        else
            result.dropped.append(withoutValue(a));
    }
    return result;
}

QStringList withoutChromiumSwitches(const QStringList &arguments)
{
    QStringList kept;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &a = arguments.at(i);
        // QtWebEngine hands Chromium what follows this marker (matched in any case).
        if (i > 0 && a.compare(u"--webEngineArgs"_s, Qt::CaseInsensitive) == 0) {
            qCWarning(lcAgent).noquote()
                << "Ignoring" << a << "and the" << arguments.size() - i - 1
                << "argument(s) after it (Chromium's switches are not taken from the command "
                   "line)";
            break;
        }
        if (const auto name = chromiumSwitchName(a); i > 0 && name && isRemoteDebugging(*name))
            qCWarning(lcAgent).noquote()
                << "Ignoring" << withoutValue(a) << "(remote debugging is disabled)";
        else
            kept.append(a);
    }
    return kept;
}

void filterChromiumEnvironment()
{
    if (qEnvironmentVariableIsSet("QTWEBENGINE_REMOTE_DEBUGGING")) {
        qCWarning(lcAgent)
            << "Ignoring QTWEBENGINE_REMOTE_DEBUGGING (remote debugging is disabled)";
        qunsetenv("QTWEBENGINE_REMOTE_DEBUGGING");
    }
    const FilteredChromiumFlags flags =
        filterChromiumFlags(splitChromiumFlags(qEnvironmentVariable("QTWEBENGINE_CHROMIUM_FLAGS")));
    for (const QString &dropped : flags.dropped) {
        const auto name = chromiumSwitchName(dropped);
        qCWarning(lcAgent).noquote()
            << "Ignoring" << (name ? dropped : u"an argument that is no switch"_s)
            << "in QTWEBENGINE_CHROMIUM_FLAGS"
            << (name && isRemoteDebugging(*name) ? "(remote debugging is disabled)"
                : name && *name == u"no-sandbox"_s
                    ? "(QTWEBENGINE_DISABLE_SANDBOX=1 is QtWebEngine's way to run without the "
                      "sandbox, where it cannot run)"
                    : "(not a switch sak-agent passes on)");
    }
    if (!flags.dropped.isEmpty())
        qCWarning(lcAgent).noquote()
            << "QTWEBENGINE_CHROMIUM_FLAGS passes only these Chromium switches:"
            << allowedChromiumSwitches().join(u", "_s);
    // Set even when empty: on Unix an empty variable still counts as set, and then QtWebEngine
    // takes nothing from the command line (which is scrubbed too, for Windows, where setting a
    // variable empty removes it).
    qputenv("QTWEBENGINE_CHROMIUM_FLAGS", joinChromiumFlags(flags.kept).toLocal8Bit());
}

void setChromiumSwitches(const AgentConfig &config, bool headless)
{
    if (!config.whatsAppSpkiPins.isEmpty()) {
        qCWarning(lcAgent) << "Trusting" << config.whatsAppSpkiPins.size()
                           << "pinned key(s) for the WhatsApp page: for a local test server only";
        QByteArray flags = qgetenv("QTWEBENGINE_CHROMIUM_FLAGS");
        flags += " --ignore-certificate-errors-spki-list=" +
                 config.whatsAppSpkiPins.join(u',').toLatin1();
        qputenv("QTWEBENGINE_CHROMIUM_FLAGS", flags.trimmed());
    }
    if (headless) {
        // Nobody looks at a kiosk's page, so Chromium would treat it as a background tab and
        // run its timers once a second; WhatsApp's page must keep its own pace.
        qputenv("QTWEBENGINE_CHROMIUM_FLAGS",
                qgetenv("QTWEBENGINE_CHROMIUM_FLAGS") +
                    " --disable-background-timer-throttling --disable-renderer-backgrounding");
    }
}

ArgumentVector::ArgumentVector(const QStringList &arguments)
{
    for (const QString &a : arguments)
        m_storage.push_back(a.toLocal8Bit());
    for (QByteArray &a : m_storage)
        m_argv.push_back(a.data());
    m_argv.push_back(nullptr);
    m_argc = int(m_storage.size());
}

} // namespace sak
