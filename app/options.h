#pragma once

#include "agent/base/result.h"
#include "agent/config/agentconfig.h"

#include <QString>

#include <optional>

class QCommandLineParser;

namespace sak {

// What the command line says about this run beyond the configuration's settings.
struct RunOptions
{
    bool headless = false;
    bool resetCorruptStore = false; // the user agreed to set a damaged database aside
    QString iniPath;                // the configuration file (the settings window writes it)
};

// sak-agent's command line: every option (in the order --help lists them), and which of them
// are settings of the configuration file, which they override.

// Parses `arguments` with every option. Returns the exit code when sak-agent ends here: --help
// and --version printed (0), or a mistake printed (2).
std::optional<int> parseCommandLine(QCommandLineParser &parser, const QStringList &arguments);
// --log-format and --log-level; a sentence when one is not understood.
Status setUpLoggingFrom(const QCommandLineParser &parser);
// `windows`: whether this build has them (without, the agent runs headless).
RunOptions runOptions(const QCommandLineParser &parser, bool windows);
// The configuration file with the command line's settings over it. `needsCloud`: the run
// cannot go on without a cloud URL.
Result<AgentConfig> resolveConfig(const QCommandLineParser &parser, const RunOptions &run,
                                  bool needsCloud);

} // namespace sak
