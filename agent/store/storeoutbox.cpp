// The Store's outbox: what the shop sends, queued, moved through the delivery states and owed
// to the cloud as status reports (each move writes its report in the same transaction). Times
// are unix milliseconds unless a name says otherwise.
#include "agent/store/database.h"
#include "agent/store/store.h"

#include <QDateTime>

#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace sak {

namespace {

// A poll's options are kept one per line (an option is one line: pollProblem()).
Poll pollFrom(const QString &options, bool multipleChoice)
{
    return options.isEmpty() ? Poll{} : Poll{options.split(u'\n'), multipleChoice};
}

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
                                     u"media"_s,
                                     u"poll_options"_s,
                                     u"poll_multiple"_s,
                                     u"wa_chat_id"_s,
                                     u"phone"_s,
                                     u"lid"_s};
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
    item.text.poll = pollFrom(s.text(19), s.integer(20) != 0);
    item.recipient = Recipient{s.text(21), s.text(22), s.text(23)};
    return item;
}

Error refusedMove(const QString &clientId, const QString &from, const QString &to)
{
    return Error{u"outbox-state"_s,
                 u"Outbox item %1 is %2 and cannot become %3."_s.arg(clientId, from, to)};
}

} // namespace

Status Store::queueStatus(const OutboxItem &item, const QString &state, const QString &detail,
                          qint64 nowMs)
{
    auto statement = m_database->prepare(
        u"INSERT INTO status_queue (client_id, wa_message_id, chat_id, state, detail, t, wa_chat_id, phone, lid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"_s);
    if (!statement)
        return statement.error();
    return statement.value()
        .bind(1, item.text.clientId)
        .bind(2, item.text.waMessageId)
        .bind(3, item.text.chatId)
        .bind(4, state)
        .bind(5, detail.left(1024))
        .bind(6, nowMs / 1000)
        .bind(7, item.recipient.chatId)
        .bind(8, item.recipient.phone)
        .bind(9, item.recipient.lid)
        .run();
}

Status Store::insertOutbound(const OutboxItem &item, qint64 nowMs, bool *inserted)
{
    auto statement = m_database->prepare(
        u"INSERT OR IGNORE INTO outbox (client_id, chat_id, body, wa_message_id, kind, priority, not_before, expires_at, in_reply_to, created_at, updated_at, quoted_id, mimetype, filename, media, poll_options, poll_multiple, wa_chat_id, phone, lid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s);
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
        .bind(15, item.text.media)
        .bind(16, item.text.poll.options.join(u'\n'))
        .bind(17, qint64(item.text.poll.multipleChoice))
        .bind(18, item.recipient.chatId)
        .bind(19, item.recipient.phone)
        .bind(20, item.recipient.lid);
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
    return statement.value().rows(itemFrom);
}

Result<std::optional<qint64>> Store::nextOutboundDue()
{
    // Chat heads only: an item behind one being sent is not due, whatever its own time says.
    return m_database->queryNumber(
        u"SELECT min(max(o.next_attempt_at, o.not_before)) FROM outbox o JOIN (SELECT chat_id, min(rowid) AS head FROM outbox WHERE state IN ('queued', 'sending') GROUP BY chat_id) h ON o.rowid = h.head WHERE o.state = 'queued'"_s);
}

Result<std::optional<OutboxItem>> Store::outboundWhere(const QString &column, const QString &value)
{
    auto statement =
        m_database->prepare(u"SELECT %1 FROM outbox WHERE %2 = ?"_s.arg(itemColumns(), column));
    if (!statement)
        return statement.error();
    statement.value().bind(1, value);
    auto items = statement.value().rows(itemFrom);
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

Status Store::setOutboundRecipient(const QString &waMessageId, const Recipient &recipient)
{
    // What WhatsApp told completes what was known; it never blanks it.
    auto statement = m_database->prepare(
        u"UPDATE outbox SET wa_chat_id = CASE WHEN ?1 = '' THEN wa_chat_id ELSE ?1 END, phone = CASE WHEN ?2 = '' THEN phone ELSE ?2 END, lid = CASE WHEN ?3 = '' THEN lid ELSE ?3 END WHERE wa_message_id = ?4"_s);
    if (!statement)
        return statement.error();
    return statement.value()
        .bind(1, recipient.chatId)
        .bind(2, recipient.phone)
        .bind(3, recipient.lid)
        .bind(4, waMessageId)
        .run();
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
    const auto expired = statement.value().rows(itemFrom);
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
    return statement.value().rows(itemFrom);
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

// --- Status reports ---

Result<QList<StatusRecord>> Store::pendingStatusReports(int limit)
{
    auto statement = m_database->prepare(
        u"SELECT id, client_id, wa_message_id, chat_id, state, detail, t, wa_chat_id, phone, lid FROM status_queue ORDER BY id LIMIT ?"_s);
    if (!statement)
        return statement.error();
    statement.value().bind(1, qint64(limit));
    return statement.value().rows([](const Statement &s) {
        return StatusRecord{
            s.integer(0), s.text(1), s.text(2),    s.text(3),
            s.text(4),    s.text(5), s.integer(6), Recipient{s.text(7), s.text(8), s.text(9)}};
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

} // namespace sak
