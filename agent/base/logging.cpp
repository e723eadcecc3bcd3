#include "agent/base/logging.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <mutex>

using namespace Qt::Literals::StringLiterals;

Q_LOGGING_CATEGORY(lcAgent, "sak.agent", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRelay, "sak.relay", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCloud, "sak.cloud", QtInfoMsg)
Q_LOGGING_CATEGORY(lcBridge, "sak.bridge", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPage, "sak.page", QtWarningMsg)
Q_LOGGING_CATEGORY(lcStub, "sak.stub", QtInfoMsg)
Q_LOGGING_CATEGORY(lcLatency, "sak.latency", QtInfoMsg)

namespace sak {
namespace {

// Qt's message types are not ordered by severity (info comes after fatal).
int severity(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return 0;
    case QtInfoMsg:
        return 1;
    case QtWarningMsg:
        return 2;
    case QtCriticalMsg:
        return 3;
    case QtFatalMsg:
        return 4;
    }
    return 2;
}

QString levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return u"debug"_s;
    case QtInfoMsg:
        return u"info"_s;
    case QtWarningMsg:
        return u"warning"_s;
    case QtCriticalMsg:
        return u"error"_s;
    case QtFatalMsg:
        return u"fatal"_s;
    }
    return u"warning"_s;
}

QByteArray jsonLogLine(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    QJsonObject object{{u"time"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                       {u"level"_s, levelName(type)},
                       {u"message"_s, message}};
    if (context.category && qstrcmp(context.category, "default") != 0)
        object.insert(u"category"_s, QString::fromLatin1(context.category));
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QtMsgType g_lowest = QtInfoMsg;
LogFormat g_format = LogFormat::Text;
QtMessageHandler g_previous = nullptr;
std::mutex g_writing;

constexpr qsizetype kKeptProblems = 20;
QList<LoggedProblem> g_problems;
std::mutex g_problemsLock;

void handleMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (severity(type) >= severity(QtWarningMsg) && context.category &&
        qstrncmp(context.category, "sak.", 4) == 0) {
        const std::lock_guard lock(g_problemsLock);
        if (g_problems.size() >= kKeptProblems)
            g_problems.removeFirst();
        g_problems.append(
            {QDateTime::currentDateTimeUtc(), QString::fromLatin1(context.category), message});
    }
    if (severity(type) < severity(g_lowest) && type != QtFatalMsg)
        return;
    if (g_format == LogFormat::Text) {
        g_previous(type, context, message);
        return;
    }
    const QByteArray line = jsonLogLine(type, context, message) + '\n';
    const std::lock_guard lock(g_writing);
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fflush(stdout);
}

} // namespace

QList<LoggedProblem> recentProblems()
{
    const std::lock_guard lock(g_problemsLock);
    return g_problems;
}

std::optional<QtMsgType> logLevelFromName(const QString &name)
{
    if (name == u"debug"_s)
        return QtDebugMsg;
    if (name == u"info"_s)
        return QtInfoMsg;
    if (name == u"warning"_s)
        return QtWarningMsg;
    if (name == u"error"_s)
        return QtCriticalMsg;
    return std::nullopt;
}

void setUpLogging(LogFormat format, QtMsgType lowest)
{
    if (!qEnvironmentVariableIsSet("QT_MESSAGE_PATTERN"))
        qSetMessagePattern(u"%{time yyyy-MM-dd hh:mm:ss.zzz} "
                           "%{if-category}%{category} %{endif}%{type}: %{message}"_s);
    if (!qEnvironmentVariableIsSet("QT_LOGGING_RULES")) {
        QString rules = u"qt.webenginecontext.info=false"_s;
        if (lowest == QtDebugMsg)
            rules += u"\nsak.*.debug=true"_s;
        QLoggingCategory::setFilterRules(rules);
    }
    g_format = format;
    g_lowest = lowest;
    if (!g_previous)
        g_previous = qInstallMessageHandler(handleMessage);
}

} // namespace sak
