// The Store's delivery tables: the inbound journal, the outbox, the status reports owed to the
// cloud and the send log. Times are unix milliseconds unless a name says otherwise.
#include "agent/store/database.h"
#include "agent/store/store.h"

#include <QDateTime>

#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace sak {

namespace {

// The columns itemFrom() reads, optionally qualified by a table alias ("o.").
QString itemColumns(const QString &alias = {})
{
    static const QStringList columns{u"client_id"_s,
                                     u"chat_id"_s,
                                     u"body"_s,
                                     u"wa_message_id"_s,
                                     u"kind"_s,
                                     u"priority"_s,
                                     u"not_before"_s,
                                     u"expires_at"_s,
                                     u"state"_s,
                                     u"attempts"_s,
                                     u"next_attempt_at"_s,
                                     u"last_error"_s,
                                     u"in_reply_to"_s,
                                     u"created_at"_s,
                                     u"updated_at"_s,
                                     u"quoted_id"_s,
                                     u"mimetype"_s,
                                     u"filename"_s,
                                     u"media"_s};
    QStringList qualified;
    for (const QString &c : columns)
        qualified.append(alias + c);
    return qualified.join(u", "_s);
}

OutboxItem itemFrom(const Statement &s)
{
    OutboxItem item;
    item.text = OutboundText{s.text(0), s.text(1), s.text(2), s.text(3)};
    item.kind = s.text(4);
    item.priority = int(s.integer(5));
    item.notBefore = s.integer(6);
    item.expiresAt = s.integer(7);
    item.state = s.text(8);
    item.attempts = int(s.integer(9));
    item.nextAttemptAt = s.integer(10);
    item.lastError = s.text(11);
    item.inReplyTo = s.text(12);
    item.createdAt = s.integer(13);
    item.updatedAt = s.integer(14);
    item.text.quotedId = s.text(15);
    item.text.mimetype = s.text(16);
    item.text.filename = s.text(17);
    item.text.media = s.isNull(18) ? QByteArray() : s.blob(18);
    return item;
}

template<typename T, typename Read>
Result<QList<T>> collect(Statement &statement, Read read)
{
    QList<T> out;
    for (;;) {
        auto row = statement.step();
        if (!row)
            return row.error();
        if (!row.value())
            return out;
        out.append(read(statement));
    }
}

Error refusedMove(const QString &clientId, const QString &from, const QString &to)
{
    return Error{u"outbox-state"_s,
                 u"Outbox item %1 is %2 and cannot become %3."_s.arg(clientId, from, to)};
}

} // namespace

// --- Inbound journal ---

Result<bool> Store::journalInbound(const InboundMessage &m)
{
    auto statement = m_database->prepare(
        u"INSERT OR IGNORE INTO inbound_journal (id, chat_id, author, type, body, t, sender_name, received_at, quoted_id, mimetype, filename, media_size, media, media_error, latitude, longitude) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s);
    if (!statement)
        return statement.error();
    auto &s = statement.value();
    s.bind(1, m.id)
        .bind(2, m.chatId)
        .bind(3, m.author)
        .bind(4, m.type)
        .bind(5, m.body)
        .bind(6, m.timestamp)
        .bind(7, m.senderName)
        .bind(8, QDateTime::currentMSecsSinceEpoch())
        .bind(9, m.quotedId)
        .bind(10, m.mimetype)
        .bind(11, m.filename)
        .bind(12, m.mediaSize)
        .bind(13, m.media)
        .bind(14, m.mediaError)
        .bind(15, m.latitude)
        .bind(16, m.longitude);
    if (auto done = s.run(); !done)
        return done.error();
    return m_database->changes() == 1;
}

Result<qsizetype> Store::journalSize()
{
    const auto count = m_database->queryText(u"SELECT count(*) FROM inbound_journal"_s);
    if (!count)
        return count.error();
    return qsizetype(count.value().toLongLong());
}

Result<QList<JournalEntry>> Store::dueInbound(qint64 nowMs, int limit)
{
    // Per chat, only the oldest pending message may go: order within a chat is kept.
    auto statement = m_database->prepare(
        u"SELECT j.id, j.chat_id, j.author, j.type, j.body, j.t, j.sender_name, j.state, j.attempts, j.next_attempt_at, j.last_error, j.quoted_id, j.mimetype, j.filename, j.media_size, j.media, j.media_error, j.latitude, j.longitude FROM inbound_journal j JOIN (SELECT chat_id, min(rowid) AS head FROM inbound_journal WHERE state = 'pending' GROUP BY chat_id) h ON j.rowid = h.head WHERE j.next_attempt_at <= ? ORDER BY j.rowid LIMIT ?"_s);
    if (!statement)
        return statement.error();
    statement.value().bind(1, nowMs).bind(2, qint64(limit));
    return collect<JournalEntry>(statement.value(), [](const Statement &s) {
        InboundMessage m{s.text(0), s.text(1),    s.text(2), s.text(3),
                         s.text(4), s.integer(5), s.text(6)};
        m.quotedId = s.text(11);
        m.mimetype = s.text(12);
        m.filename = s.text(13);
        m.mediaSize = s.integer(14);
        m.media = s.isNull(15) ? QByteArray() : s.blob(15);
        m.mediaError = s.text(16);
        m.latitude = s.real(17);
        m.longitude = s.real(18);
        return JournalEntry{m, s.text(7), int(s.integer(8)), s.integer(9), s.text(10)};
    });
}

Status Store::inboundRelayed(const QString &messageId, const QList<OutboxItem> &replies,
                             qint64 nowMs)
{
    Transaction transaction(*m_database);
    if (!transaction.begun())
        return transaction.begun();
    // The cloud has the media now: its bytes leave the journal (the row stays, for the ids).
    auto statement = m_database->prepare(
        u"UPDATE inbound_journal SET state = 'relayed', last_error = '', media = NULL WHERE id = ?"_s);
    if (!statement)
        return statement.error();
    if (auto done = statement.value().bind(1, messageId).run(); !done)
        return done;
    for (const OutboxItem &reply : replies) {
        bool inserted = false;
        if (auto done = insertOutbound(reply, nowMs, &inserted); !done)
            return done;
    }
    return transaction.commit();
}

Status Store::inboundFailed(const QString &messageId, const QString &error, qint64 nextAttemptAt,
                            bool dead)
{
    auto statement = m_database->prepare(
        u"UPDATE inbound_journal SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, state = ? WHERE id = ? AND state = 'pending'"_s);
    if (!statement)
        return statement.error();
    return statement.value()
        .bind(1, nextAttemptAt)
        .bind(2, error.left(1024))
        .bind(3, dead ? u"dead"_s : u"pending"_s)
        .bind(4, messageId)
        .run();
}

Result<int> Store::requeueDeadInbound(const QString &messageId)
{
    auto statement = m_database->prepare(
        u"UPDATE inbound_journal SET state = 'pending', attempts = 0, next_attempt_at = 0 WHERE state = 'dead' AND (? = '' OR id = ?)"_s);
    if (!statement)
        return statement.error();
    if (auto done = statement.value().bind(1, messageId).bind(2, messageId).run(); !done)
        return done.error();
    return m_database->changes();
}

Result<qint64> Store::newestInboundTime()
{
    const auto newest = m_database->queryText(u"SELECT coalesce(max(t), 0) FROM inbound_journal"_s);
    if (!newest)
        return newest.error();
    return newest.value().toLongLong();
}

// --- Outbox ---

Status Store::queueStatus(const OutboxItem &item, const QString &state, const QString &detail,
                          qint64 nowMs)
{
    auto statement = m_database->prepare(
        u"INSERT INTO status_queue (client_id, wa_message_id, chat_id, state, detail, t) VALUES (?, ?, ?, ?, ?, ?)"_s);
    if (!statement)
        return statement.error();
    return statement.value()
        .bind(1, item.text.clientId)
        .bind(2, item.text.waMessageId)
        .bind(3, item.text.chatId)
        .bind(4, state)
        .bind(5, detail.left(1024))
        .bind(6, nowMs / 1000)
        .run();
}

Status Store::insertOutbound(const OutboxItem &item, qint64 nowMs, bool *inserted)
{
    auto statement = m_database->prepare(
        u"INSERT OR IGNORE INTO outbox (client_id, chat_id, body, wa_message_id, kind, priority, not_before, expires_at, in_reply_to, created_at, updated_at, quoted_id, mimetype, filename, media) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s);
    if (!statement)
        return statement.error();
    auto &s = statement.value();
    s.bind(1, item.text.clientId)
        .bind(2, item.text.chatId)
        .bind(3, item.text.body)
        .bind(4, item.text.waMessageId)
        .bind(5, item.kind)
        .bind(6, qint64(item.priority))
        .bind(7, item.notBefore)
        .bind(8, item.expiresAt)
        .bind(9, item.inReplyTo)
        .bind(10, nowMs)
        .bind(11, nowMs)
        .bind(12, item.text.quotedId)
        .bind(13, item.text.mimetype)
        .bind(14, item.text.filename)
        .bind(15, item.text.media);
    if (auto done = s.run(); !done)
        return done;
    *inserted = m_database->changes() == 1;
    return *inserted ? queueStatus(item, outbox::kQueued, {}, nowMs) : Status(Done{});
}

Result<bool> Store::enqueueOutbound(const OutboxItem &item, qint64 nowMs)
{
    Transaction transaction(*m_database);
    if (!transaction.begun())
        return transaction.begun().error();
    bool inserted = false;
    if (auto done = insertOutbound(item, nowMs, &inserted); !done)
        return done.error();
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return inserted;
}

Result<bool> Store::enqueueOutbound(const OutboundText &text)
{
    OutboxItem item;
    item.text = text;
    return enqueueOutbound(item, QDateTime::currentMSecsSinceEpoch());
}

Result<QList<OutboxItem>> Store::dueOutbound(qint64 nowMs, int limit)
{
    // A chat's head is its oldest item still waiting or being sent; only a queued head that is
    // due may go, so a chat's messages leave in order and one chat's trouble holds up no other.
    auto statement = m_database->prepare(
        u"SELECT %1 FROM outbox o JOIN (SELECT chat_id, min(rowid) AS head FROM outbox WHERE state IN ('queued', 'sending') GROUP BY chat_id) h ON o.rowid = h.head WHERE o.state = 'queued' AND o.next_attempt_at <= ? AND o.not_before <= ? ORDER BY o.priority DESC, o.rowid LIMIT ?"_s
            .arg(itemColumns(u"o."_s)));
    if (!statement)
        return statement.error();
    statement.value().bind(1, nowMs).bind(2, nowMs).bind(3, qint64(limit));
    return collect<OutboxItem>(statement.value(), itemFrom);
}

namespace {
Result<std::optional<qint64>> optionalNumber(Result<Statement> statement)
{
    if (!statement)
        return statement.error();
    auto row = statement.value().step();
    if (!row)
        return row.error();
    if (!row.value() || statement.value().isNull(0))
        return std::optional<qint64>();
    return std::optional<qint64>(statement.value().integer(0));
}
} // namespace

Result<std::optional<qint64>> Store::nextOutboundDue()
{
    // Chat heads only: an item behind one being sent is not due, whatever its own time says.
    return optionalNumber(m_database->prepare(
        u"SELECT min(max(o.next_attempt_at, o.not_before)) FROM outbox o JOIN (SELECT chat_id, min(rowid) AS head FROM outbox WHERE state IN ('queued', 'sending') GROUP BY chat_id) h ON o.rowid = h.head WHERE o.state = 'queued'"_s));
}

Result<std::optional<qint64>> Store::nextInboundDue()
{
    return optionalNumber(m_database->prepare(
        u"SELECT min(j.next_attempt_at) FROM inbound_journal j JOIN (SELECT chat_id, min(rowid) AS head FROM inbound_journal WHERE state = 'pending' GROUP BY chat_id) h ON j.rowid = h.head"_s));
}

Result<std::optional<OutboxItem>> Store::outboundWhere(const QString &column, const QString &value)
{
    auto statement =
        m_database->prepare(u"SELECT %1 FROM outbox WHERE %2 = ?"_s.arg(itemColumns(), column));
    if (!statement)
        return statement.error();
    statement.value().bind(1, value);
    auto items = collect<OutboxItem>(statement.value(), itemFrom);
    if (!items)
        return items.error();
    return items.value().isEmpty() ? std::optional<OutboxItem>()
                                   : std::optional<OutboxItem>(items.value().constFirst());
}

Result<std::optional<OutboxItem>> Store::outboundItem(const QString &clientId)
{
    return outboundWhere(u"client_id"_s, clientId);
}

Result<std::optional<OutboxItem>> Store::outboundByWaId(const QString &waMessageId)
{
    return outboundWhere(u"wa_message_id"_s, waMessageId);
}

Status Store::setOutboundState(const QString &clientId, const QString &state, const QString &detail,
                               qint64 nowMs)
{
    if (nowMs == 0)
        nowMs = QDateTime::currentMSecsSinceEpoch();
    Transaction transaction(*m_database);
    if (!transaction.begun())
        return transaction.begun();
    const auto item = outboundItem(clientId);
    if (!item)
        return item.error();
    if (!item.value())
        return Error{u"outbox-unknown"_s, u"No outbox item %1."_s.arg(clientId)};
    const OutboxItem &current = *item.value();
    if (!outbox::canMove(current.state, state))
        return refusedMove(clientId, current.state, state);
    auto statement = m_database->prepare(
        u"UPDATE outbox SET state = ?, last_error = CASE WHEN ? = '' THEN last_error ELSE ? END, updated_at = ? WHERE client_id = ?"_s);
    if (!statement)
        return statement.error();
    if (auto done = statement.value()
                        .bind(1, state)
                        .bind(2, detail)
                        .bind(3, detail.left(1024))
                        .bind(4, nowMs)
                        .bind(5, clientId)
                        .run();
        !done)
        return done;
    if (auto queued = queueStatus(current, state, detail, nowMs); !queued)
        return queued;
    return transaction.commit();
}

Status Store::retryOutboundLater(const QString &clientId, const QString &error,
                                 qint64 nextAttemptAt, qint64 nowMs)
{
    auto statement = m_database->prepare(
        u"UPDATE outbox SET state = 'queued', attempts = attempts + 1, next_attempt_at = ?, last_error = ?, updated_at = ? WHERE client_id = ? AND state IN ('queued', 'sending')"_s);
    if (!statement)
        return statement.error();
    return statement.value()
        .bind(1, nextAttemptAt)
        .bind(2, error.left(1024))
        .bind(3, nowMs)
        .bind(4, clientId)
        .run();
}

Result<int> Store::expireOutbound(qint64 nowMs)
{
    auto statement = m_database->prepare(
        u"SELECT %1 FROM outbox INDEXED BY outbox_expiry WHERE state = 'queued' AND expires_at > 0 AND expires_at <= ?"_s
            .arg(itemColumns()));
    if (!statement)
        return statement.error();
    statement.value().bind(1, nowMs);
    const auto expired = collect<OutboxItem>(statement.value(), itemFrom);
    if (!expired)
        return expired.error();
    for (const OutboxItem &item : expired.value()) {
        if (auto moved = setOutboundState(item.text.clientId, outbox::kExpired,
                                          u"expired before it could be sent"_s, nowMs);
            !moved)
            return moved.error();
    }
    return int(expired.value().size());
}

Result<QList<OutboundText>> Store::outboundInState(const QString &state)
{
    const auto items = outboxItems(state, std::numeric_limits<int>::max());
    if (!items)
        return items.error();
    QList<OutboundText> texts;
    for (const OutboxItem &item : items.value())
        texts.append(item.text);
    return texts;
}

Result<QList<OutboxItem>> Store::outboxItems(const QString &state, int limit)
{
    auto statement = m_database->prepare(
        u"SELECT %1 FROM outbox WHERE (? = '' OR state = ?) ORDER BY rowid LIMIT ?"_s.arg(
            itemColumns()));
    if (!statement)
        return statement.error();
    statement.value().bind(1, state).bind(2, state).bind(3, qint64(limit));
    return collect<OutboxItem>(statement.value(), itemFrom);
}

Status Store::retryOutbound(const QString &clientId, qint64 nowMs)
{
    Transaction transaction(*m_database);
    if (!transaction.begun())
        return transaction.begun();
    if (auto moved =
            setOutboundState(clientId, outbox::kQueued, u"retried by the operator"_s, nowMs);
        !moved)
        return moved;
    auto statement = m_database->prepare(
        u"UPDATE outbox SET attempts = 0, next_attempt_at = 0 WHERE client_id = ?"_s);
    if (!statement)
        return statement.error();
    if (auto done = statement.value().bind(1, clientId).run(); !done)
        return done;
    return transaction.commit();
}

Status Store::cancelOutbound(const QString &clientId, qint64 nowMs)
{
    return setOutboundState(clientId, outbox::kCancelled, u"cancelled by the operator"_s, nowMs);
}

namespace {

// The WHERE clause of a filter and its values, in bind order.
struct FilterClause
{
    QString sql;
    QStringList values;
};

FilterClause filterClause(const OutboxFilter &filter)
{
    FilterClause clause;
    QStringList terms;
    if (!filter.states.isEmpty()) {
        terms.append(
            u"state IN (%1)"_s.arg(QStringList(filter.states.size(), u"?"_s).join(u", "_s)));
        clause.values.append(filter.states);
    }
    if (!filter.chatId.isEmpty()) {
        terms.append(u"chat_id = ?"_s);
        clause.values.append(filter.chatId);
    }
    if (!filter.search.isEmpty()) {
        // LIKE with the user's % and _ taken literally.
        QString pattern = filter.search;
        pattern.replace(u"\\"_s, u"\\\\"_s).replace(u"%"_s, u"\\%"_s).replace(u"_"_s, u"\\_"_s);
        pattern = u"%"_s + pattern + u"%"_s;
        terms.append(u"(body LIKE ? ESCAPE '\\' OR chat_id LIKE ? ESCAPE '\\' OR last_error LIKE ? "
                     u"ESCAPE '\\')"_s);
        clause.values.append({pattern, pattern, pattern});
    }
    clause.sql = terms.isEmpty() ? u"1"_s : terms.join(u" AND "_s);
    return clause;
}

const QString kRowColumns =
    u"rowid, change_seq, client_id, chat_id, substr(body, 1, %1), wa_message_id, kind, priority, "
    u"state, attempts, next_attempt_at, last_error, created_at, updated_at, mimetype, filename, "
    u"coalesce(length(media), 0)"_s.arg(OutboxRow::kPreviewLength);

OutboxRow rowFrom(const Statement &s)
{
    OutboxRow row;
    row.rowid = s.integer(0);
    row.changeSeq = s.integer(1);
    row.item.text = OutboundText{s.text(2), s.text(3), s.text(4), s.text(5)};
    row.item.kind = s.text(6);
    row.item.priority = int(s.integer(7));
    row.item.state = s.text(8);
    row.item.attempts = int(s.integer(9));
    row.item.nextAttemptAt = s.integer(10);
    row.item.lastError = s.text(11);
    row.item.createdAt = s.integer(12);
    row.item.updatedAt = s.integer(13);
    row.item.text.mimetype = s.text(14);
    row.item.text.filename = s.text(15);
    row.mediaSize = s.integer(16);
    return row;
}

} // namespace

Result<QList<OutboxRow>> Store::outboxPage(const OutboxFilter &filter, qint64 beforeRowid,
                                           int limit)
{
    const FilterClause clause = filterClause(filter);
    auto statement = m_database->prepare(
        u"SELECT %1 FROM outbox WHERE (? = 0 OR rowid < ?) AND %2 ORDER BY rowid DESC LIMIT ?"_s
            .arg(kRowColumns, clause.sql));
    if (!statement)
        return statement.error();
    Statement &s = statement.value();
    s.bind(1, beforeRowid).bind(2, beforeRowid);
    int index = 3;
    for (const QString &value : clause.values)
        s.bind(index++, value);
    s.bind(index, qint64(limit));
    return collect<OutboxRow>(s, rowFrom);
}

Result<qint64> Store::outboxCount(const OutboxFilter &filter)
{
    const FilterClause clause = filterClause(filter);
    auto statement = m_database->prepare(u"SELECT count(*) FROM outbox WHERE %1"_s.arg(clause.sql));
    if (!statement)
        return statement.error();
    int index = 1;
    for (const QString &value : clause.values)
        statement.value().bind(index++, value);
    auto row = statement.value().step();
    if (!row)
        return row.error();
    return statement.value().integer(0);
}

Result<QStringList> Store::outboxChats(int limit)
{
    auto statement =
        m_database->prepare(u"SELECT DISTINCT chat_id FROM outbox ORDER BY chat_id LIMIT ?"_s);
    if (!statement)
        return statement.error();
    statement.value().bind(1, qint64(limit));
    return collect<QString>(statement.value(), [](const Statement &s) { return s.text(0); });
}

Result<QList<OutboxRow>> Store::outboxChangedSince(const OutboxFilter &filter, qint64 changeSeq,
                                                   int limit)
{
    const FilterClause clause = filterClause(filter);
    auto statement = m_database->prepare(
        u"SELECT %1, %2 FROM outbox WHERE change_seq > ? ORDER BY change_seq LIMIT ?"_s.arg(
            kRowColumns, clause.sql));
    if (!statement)
        return statement.error();
    Statement &s = statement.value();
    int index = 1;
    for (const QString &value : clause.values)
        s.bind(index++, value);
    s.bind(index, changeSeq).bind(index + 1, qint64(limit));
    return collect<OutboxRow>(s, [](const Statement &st) {
        OutboxRow row = rowFrom(st);
        row.matches = st.integer(17) != 0;
        return row;
    });
}

Result<qint64> Store::outboxChangeSeq()
{
    auto statement = m_database->prepare(u"SELECT coalesce(max(change_seq), 0) FROM outbox"_s);
    if (!statement)
        return statement.error();
    auto row = statement.value().step();
    if (!row)
        return row.error();
    return statement.value().integer(0);
}

Result<Backlog> Store::backlog()
{
    auto statement = m_database->prepare(
        u"SELECT (SELECT count(*) FROM inbound_journal WHERE state = 'pending'), (SELECT count(*) FROM inbound_journal WHERE state = 'dead'), (SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending')), (SELECT count(*) FROM outbox WHERE state = 'unknown'), (SELECT count(*) FROM outbox WHERE state = 'failed')"_s);
    if (!statement)
        return statement.error();
    auto row = statement.value().step();
    if (!row)
        return row.error();
    const Statement &s = statement.value();
    return Backlog{s.integer(0), s.integer(1), s.integer(2), s.integer(3), s.integer(4)};
}

// --- Status reports ---

Result<QList<StatusRecord>> Store::pendingStatusReports(int limit)
{
    auto statement = m_database->prepare(
        u"SELECT id, client_id, wa_message_id, chat_id, state, detail, t FROM status_queue ORDER BY id LIMIT ?"_s);
    if (!statement)
        return statement.error();
    statement.value().bind(1, qint64(limit));
    return collect<StatusRecord>(statement.value(), [](const Statement &s) {
        return StatusRecord{s.integer(0), s.text(1), s.text(2),   s.text(3),
                            s.text(4),    s.text(5), s.integer(6)};
    });
}

Status Store::statusReported(const QList<qint64> &ids)
{
    Transaction transaction(*m_database);
    if (!transaction.begun())
        return transaction.begun();
    auto statement = m_database->prepare(u"DELETE FROM status_queue WHERE id = ?"_s);
    if (!statement)
        return statement.error();
    for (const qint64 id : ids) {
        statement.value().reset();
        if (auto done = statement.value().bind(1, id).run(); !done)
            return done;
    }
    return transaction.commit();
}

// --- Send log ---

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
