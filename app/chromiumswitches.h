#pragma once

#include "agent/config/agentconfig.h"

#include <QByteArray>
#include <QStringList>

#include <vector>

namespace sak {

// Chromium (inside QtWebEngine) reads its switches from the command line and the environment
// once, before the application object exists; everything sak-agent tells it or keeps from it
// is here.

// Release builds never open a remote-debugging port, whatever the command line or the
// environment asks for: the DevTools port would hand the WhatsApp session to anything that
// can reach it.
QStringList withoutRemoteDebugging(const QStringList &arguments);
void scrubRemoteDebuggingEnvironment();

// Key pins for a local WhatsApp test server; a kiosk's page kept at full pace.
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
