#pragma once

#include "agent/config/agentconfig.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace sak {

// Chromium (inside QtWebEngine) reads its switches from the command line and the environment
// once, before the application object exists; everything sak-agent tells it or keeps from it
// is here.
//
// Nothing from outside may open a remote-debugging port (it would hand the logged-in WhatsApp
// session to any local process) or weaken the page's isolation, however it is spelled: Chromium
// takes "--" and "-" (on Windows also "/") as a switch's prefix, and on Windows ignores its
// case. So the environment passes an allow-list, and the command line passes none of
// Chromium's switches at all.

// The switch an argument is to Chromium: its name, without the prefix and the "=value"
// (lowercased, as Chromium does on Windows); nothing when Chromium reads it as no switch.
std::optional<QString> chromiumSwitchName(const QString &argument);

// QTWEBENGINE_CHROMIUM_FLAGS split into arguments exactly as QtWebEngine splits it (at
// spaces; double quotes group and are removed), and the inverse.
QStringList splitChromiumFlags(const QString &flags);
QString joinChromiumFlags(const QStringList &arguments);

// Switches an operator may pass through QTWEBENGINE_CHROMIUM_FLAGS: graphics, processes,
// logging, language. Anything else is dropped.
const QStringList &allowedChromiumSwitches();

struct FilteredChromiumFlags
{
    QStringList kept;
    QStringList dropped; // as written up to "=", never a value (it could hold a password)
};
FilteredChromiumFlags filterChromiumFlags(const QStringList &arguments);

// The command line without what QtWebEngine would hand to Chromium (--webEngineArgs and
// everything after it) and without remote-debugging switches in any spelling; each is logged.
QStringList withoutChromiumSwitches(const QStringList &arguments);
// Removes QTWEBENGINE_REMOTE_DEBUGGING and reduces QTWEBENGINE_CHROMIUM_FLAGS to the
// allow-list; what is dropped is logged.
void filterChromiumEnvironment();

// Key pins for a local WhatsApp test server; a kiosk's page kept at full pace. Added after
// the filter: these are the agent's own.
void setChromiumSwitches(const AgentConfig &config, bool headless);

// Qt and Chromium read the arguments again: this hands them the scrubbed list, as an argv
// that lives as long as the application object.
class ArgumentVector
{
public:
    explicit ArgumentVector(const QStringList &arguments);
    int &argc() { return m_argc; }
    char **argv() { return m_argv.data(); }

private:
    std::vector<QByteArray> m_storage;
    std::vector<char *> m_argv;
    int m_argc = 0;
};

} // namespace sak
