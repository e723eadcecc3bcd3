// The Store's inbound journal: every message captured from WhatsApp, kept until the cloud has
// it, tried again on failure, a dead letter at the end. Times are unix milliseconds unless a
// name says otherwise.
#include "agent/store/database.h"
#include "agent/store/store.h"

#include <QDateTime>

using namespace Qt::Literals::StringLiterals;

namespace sak {

Result<bool> Store::journalInbound(const InboundMessage &m)
{
    auto statement = m_database->prepare(
        u"INSERT OR IGNORE INTO inbound_journal (id, chat_id, author, type, body, t, sender_name, received_at, quoted_id, mimetype, filename, media_size, media, media_error, latitude, longitude, phone, lid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s);
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
        .bind(16, m.longitude)
        .bind(17, m.phone)
        .bind(18, m.lid);
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
        u"SELECT j.id, j.chat_id, j.author, j.type, j.body, j.t, j.sender_name, j.state, j.attempts, j.next_attempt_at, j.last_error, j.quoted_id, j.mimetype, j.filename, j.media_size, j.media, j.media_error, j.latitude, j.longitude, j.received_at, j.phone, j.lid FROM inbound_journal j JOIN (SELECT chat_id, min(rowid) AS head FROM inbound_journal WHERE state = 'pending' GROUP BY chat_id) h ON j.rowid = h.head WHERE j.next_attempt_at <= ? ORDER BY j.rowid LIMIT ?"_s);
    if (!statement)
        return statement.error();
    statement.value().bind(1, nowMs).bind(2, qint64(limit));
    return statement.value().rows([](const Statement &s) {
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
        m.phone = s.text(20);
        m.lid = s.text(21);
        return JournalEntry{m,          s.text(7),    int(s.integer(8)), s.integer(9),
                            s.text(10), s.integer(19)};
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

Result<std::optional<qint64>> Store::nextInboundDue()
{
    return m_database->queryNumber(
        u"SELECT min(j.next_attempt_at) FROM inbound_journal j JOIN (SELECT chat_id, min(rowid) AS head FROM inbound_journal WHERE state = 'pending' GROUP BY chat_id) h ON j.rowid = h.head"_s);
}

} // namespace sak
