#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QLoggingCategory>

#include <optional>

// Every logging category of the project, in one place. Message bodies, tokens and keys
// are never logged above debug level.
Q_DECLARE_LOGGING_CATEGORY(lcAgent)  // sak.agent: start-up, configuration, lifecycle
Q_DECLARE_LOGGING_CATEGORY(lcRelay)  // sak.relay: the hops a message takes through the agent
Q_DECLARE_LOGGING_CATEGORY(lcCloud)  // sak.cloud: HTTPS requests to the cloud server
Q_DECLARE_LOGGING_CATEGORY(lcBridge) // sak.bridge: the WhatsApp Web page and its injected bridge
Q_DECLARE_LOGGING_CATEGORY(lcPage)   // sak.page: console output of the WhatsApp Web page
Q_DECLARE_LOGGING_CATEGORY(lcStub)   // sak.stub: the cloud stub and WhatsApp simulator
// sak.latency (debug, off by default): per reply, the time the agent itself added between
// capturing a message and handing the reply to the page, the cloud's time excluded
// (bench/flow reads it).
Q_DECLARE_LOGGING_CATEGORY(lcLatency)

namespace sak {

enum class LogFormat
{
    Text, // a line per message: time, category, level, message (on standard error)
    Json, // an object per line on standard output, for journald, Loki and the like
};

// The project's log format (text: unless QT_MESSAGE_PATTERN says otherwise), the lowest level
// that is written, and quiet defaults for Qt's own chatty categories unless QT_LOGGING_RULES
// says otherwise.
void setUpLogging(LogFormat format = LogFormat::Text, QtMsgType lowest = QtInfoMsg);

// "debug", "info", "warning" or "error"; nullopt for anything else.
std::optional<QtMsgType> logLevelFromName(const QString &name);

// The last warnings and errors the agent logged (at most 20, oldest first), for the status
// endpoint: they name problems, never message bodies or secrets.
struct LoggedProblem
{
    QDateTime time;
    QString category;
    QString message;
};
QList<LoggedProblem> recentProblems();

} // namespace sak
