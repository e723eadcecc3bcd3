#include "agent/platform/autostart.h"

#include <algorithm>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

#ifdef Q_OS_WIN
const QString kRunKey = u"HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run"_s;
const QString kRunValue = u"SAK Desktop Agent"_s;

QString quoted(const QString &argument)
{
    return argument.contains(u' ') ? u'"' + argument + u'"' : argument;
}
#else
QString desktopFile()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
           u"/autostart/sak-agent.desktop"_s;
}

// The Exec key's quoting (Desktop Entry Specification): arguments with reserved characters
// are double-quoted, and inside the quotes ", `, $ and \ are escaped.
QString execArgument(QString argument)
{
    static const QString reserved = u" \t\n\"'\\><~|&;$*?#()`"_s;
    if (std::none_of(argument.cbegin(), argument.cend(),
                     [](QChar c) { return reserved.contains(c); }))
        return argument;
    argument.replace(u'\\', u"\\\\"_s)
        .replace(u'"', u"\\\""_s)
        .replace(u'`', u"\\`"_s)
        .replace(u'$', u"\\$"_s);
    return u'"' + argument + u'"';
}
#endif

} // namespace

Autostart::Autostart(QString program, QStringList arguments)
    : m_program(std::move(program))
    , m_arguments(std::move(arguments))
{}

QString Autostart::location() const
{
#ifdef Q_OS_WIN
    return kRunKey + u'\\' + kRunValue;
#else
    return desktopFile();
#endif
}

bool Autostart::isEnabled() const
{
#ifdef Q_OS_WIN
    return QSettings(kRunKey, QSettings::NativeFormat).contains(kRunValue);
#else
    QFile file(desktopFile());
    if (!file.open(QIODevice::ReadOnly))
        return false;
    // An entry the user switched off in the desktop's own settings says so.
    return !file.readAll().contains("\nHidden=true");
#endif
}

Status Autostart::setEnabled(bool enabled)
{
#ifdef Q_OS_WIN
    QSettings run(kRunKey, QSettings::NativeFormat);
    if (enabled) {
        QStringList command{quoted(QDir::toNativeSeparators(m_program))};
        for (const QString &a : m_arguments)
            command.append(quoted(a));
        run.setValue(kRunValue, command.join(u' '));
    } else {
        run.remove(kRunValue);
    }
    run.sync();
    if (run.status() != QSettings::NoError)
        return Error{u"autostart"_s, u"The Run key cannot be changed (%1)."_s.arg(location())};
    return Done{};
#else
    if (!enabled) {
        if (QFile::exists(desktopFile()) && !QFile::remove(desktopFile()))
            return Error{
                u"autostart"_s,
                u"%1 cannot be removed; remove it by hand to stop the agent starting at login."_s
                    .arg(desktopFile())};
        return Done{};
    }
    QDir().mkpath(QFileInfo(desktopFile()).absolutePath());
    QStringList exec{execArgument(m_program)};
    for (const QString &a : m_arguments)
        exec.append(execArgument(a));
    const QByteArray entry = "[Desktop Entry]\nType=Application\nName=SAK Desktop Agent\n"
                             "Comment=Answers the shop's WhatsApp customers\nExec=" +
                             exec.join(u' ').toUtf8() +
                             "\nIcon=sak-agent\nTerminal=false\nX-GNOME-Autostart-enabled=true\n";
    QSaveFile file(desktopFile());
    if (!file.open(QIODevice::WriteOnly) || file.write(entry) != entry.size() || !file.commit())
        return Error{u"autostart"_s,
                     u"%1 cannot be written (%2)."_s.arg(desktopFile(), file.errorString())};
    return Done{};
#endif
}

} // namespace sak
