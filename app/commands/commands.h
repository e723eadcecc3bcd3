#pragma once

#include "app/commands/command.h"

#include <memory>

class QCommandLineParser;

namespace sak {

// sak-agent's one-shot commands (--rotate-key, --pair, --outbox, --status, ...): each runs
// once without any browser, then exits. One file each in app/commands/, the way KeePassXC's
// cli/ has one per command. Their options are in app/options.cpp; commands.cpp is which one
// wins when several are given, and which need the cloud.

// The command the command line asks for (the first, when it names several), or empty.
QString commandIn(const QCommandLineParser &parser);
// Whether it cannot run without the cloud's URL in the configuration.
bool commandNeedsCloud(const QString &command);
// The command, to start() once the application object exists.
std::unique_ptr<Command> makeCommand(Command::Input input);

namespace commands {
// Each in the file of its name.
std::unique_ptr<Command> rotateKey(Command::Input input);
std::unique_ptr<Command> pair(Command::Input input);
std::unique_ptr<Command> unpair(Command::Input input);
std::unique_ptr<Command> rotateCredentials(Command::Input input);
// On the encrypted store: safe while an agent runs (the database takes turns, and the agent
// follows within seconds).
std::unique_ptr<Command> checkStore(Command::Input input);
std::unique_ptr<Command> outbox(Command::Input input);
std::unique_ptr<Command> retry(Command::Input input);
std::unique_ptr<Command> cancel(Command::Input input);
std::unique_ptr<Command> pauseSending(Command::Input input); // and --resume-sending
std::unique_ptr<Command> requeueDead(Command::Input input);
std::unique_ptr<Command> bridge(Command::Input input); // and --bridge-rollback
// Asks the running agent's status endpoint: --status, --metrics, --show-pairing.
std::unique_ptr<Command> askRunningAgent(Command::Input input);
} // namespace commands

} // namespace sak
