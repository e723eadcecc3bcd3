#include "logging.h"

Q_LOGGING_CATEGORY(lcAgent, "sak.agent", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRelay, "sak.relay", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCloud, "sak.cloud", QtInfoMsg)
Q_LOGGING_CATEGORY(lcBridge, "sak.bridge", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPage, "sak.page", QtWarningMsg)
Q_LOGGING_CATEGORY(lcStub, "sak.stub", QtInfoMsg)
Q_LOGGING_CATEGORY(lcLatency, "sak.latency", QtInfoMsg)

namespace sak {

void setUpLogging()
{
    if (!qEnvironmentVariableIsSet("QT_MESSAGE_PATTERN"))
        qSetMessagePattern(QStringLiteral("%{time yyyy-MM-dd hh:mm:ss.zzz} "
                                          "%{if-category}%{category} %{endif}%{type}: %{message}"));
    if (!qEnvironmentVariableIsSet("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(QStringLiteral("qt.webenginecontext.info=false"));
}

} // namespace sak
