#include "app/chromiumswitches.h"

#include "agent/base/logging.h"

using namespace Qt::Literals::StringLiterals;

namespace sak {

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
