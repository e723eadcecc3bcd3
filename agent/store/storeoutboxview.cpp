// The Store's outbox as people see it: the viewer's pages, counts, chats and changes (with the
// operator's filter), and the backlog the tray and the status endpoint show.
#include "agent/store/database.h"
#include "agent/store/store.h"

using namespace Qt::Literals::StringLiterals;

namespace sak {

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
                     u"ESCAPE '\\' OR phone LIKE ? ESCAPE '\\' OR lid LIKE ? ESCAPE '\\')"_s);
        clause.values.append({pattern, pattern, pattern, pattern, pattern});
    }
    clause.sql = terms.isEmpty() ? u"1"_s : terms.join(u" AND "_s);
    return clause;
}

const QString kRowColumns =
    u"rowid, change_seq, client_id, chat_id, substr(body, 1, %1), wa_message_id, kind, priority, "
    u"state, attempts, next_attempt_at, last_error, created_at, updated_at, mimetype, filename, "
    u"coalesce(length(media), 0), poll_options, poll_multiple, wa_chat_id, phone, lid"_s.arg(
        OutboxRow::kPreviewLength);

constexpr int kRowColumnCount = 22; // what rowFrom() reads; a query's own columns follow

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
    if (const QString options = s.text(17); !options.isEmpty())
        row.item.text.poll = Poll{options.split(u'\n'), s.integer(18) != 0};
    row.item.recipient = Recipient{s.text(19), s.text(20), s.text(21)};
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
    return s.rows(rowFrom);
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
    return statement.value().rows([](const Statement &s) { return s.text(0); });
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
    return s.rows([](const Statement &st) {
        OutboxRow row = rowFrom(st);
        row.matches = st.integer(kRowColumnCount) != 0;
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

} // namespace sak
