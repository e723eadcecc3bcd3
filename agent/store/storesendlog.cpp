// The Store's memory for the pacer across restarts: the send log its caps count, and the
// numbers it keeps as settings (e.g. when the account was first connected, for the warm-up).
#include "agent/store/database.h"
#include "agent/store/store.h"

using namespace Qt::Literals::StringLiterals;

namespace sak {

Status Store::logSend(const QString &chatId, const QString &kind, qint64 nowMs)
{
    auto statement =
        m_database->prepare(u"INSERT INTO send_log (sent_at, chat_id, kind) VALUES (?, ?, ?)"_s);
    if (!statement)
        return statement.error();
    return statement.value().bind(1, nowMs).bind(2, chatId).bind(3, kind).run();
}

Result<int> Store::sendsSince(qint64 sinceMs, const QString &kind)
{
    auto statement = m_database->prepare(
        u"SELECT count(*) FROM send_log WHERE sent_at >= ? AND (? = '' OR kind = ?)"_s);
    if (!statement)
        return statement.error();
    statement.value().bind(1, sinceMs).bind(2, kind).bind(3, kind);
    auto row = statement.value().step();
    if (!row)
        return row.error();
    return int(statement.value().integer(0));
}

Status Store::pruneSendLog(qint64 beforeMs)
{
    auto statement = m_database->prepare(u"DELETE FROM send_log WHERE sent_at < ?"_s);
    if (!statement)
        return statement.error();
    return statement.value().bind(1, beforeMs).run();
}

Result<std::optional<qint64>> Store::numberSetting(const QString &key)
{
    const auto value = setting(key);
    if (!value)
        return value.error();
    if (!value.value())
        return std::optional<qint64>();
    return std::optional<qint64>(value.value()->toLongLong());
}

Status Store::setNumberSetting(const QString &key, qint64 value)
{
    return setSetting(key, QByteArray::number(value));
}

} // namespace sak
