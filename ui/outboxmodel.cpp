#include "ui/outboxmodel.h"

#include "agent/store/store.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QLocale>
#include <QScopedValueRollback>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {
// More changes than this since the last look: reading everything again is cheaper.
constexpr int kMaxChanges = 2000;
} // namespace

OutboxModel::OutboxModel(Store *store, QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(store)
{
    reload();
}

void OutboxModel::setFilter(const OutboxFilter &filter)
{
    m_filter = filter;
    reload();
}

void OutboxModel::setError(const QString &error)
{
    m_error = error;
}

void OutboxModel::reload()
{
    // The first page is part of the reset: a view never sees the model empty in between.
    beginResetModel();
    m_rows.clear();
    m_exhausted = false;
    if (const auto seq = m_store->outboxChangeSeq(); seq)
        m_seenChange = seq.value();
    else
        setError(seq.error().message);
    if (const auto page = m_store->outboxPage(m_filter, 0, kPageSize); page) {
        m_rows = page.value();
        m_exhausted = m_rows.size() < kPageSize;
    } else {
        setError(page.error().message);
        m_exhausted = true;
    }
    endResetModel();
    recount();
}

void OutboxModel::recount()
{
    const auto total = m_store->outboxCount(m_filter);
    if (!total) {
        setError(total.error().message);
        return;
    }
    if (total.value() != m_total) {
        m_total = total.value();
        Q_EMIT totalChanged(m_total);
    }
}

bool OutboxModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_exhausted && !m_fetching;
}

void OutboxModel::fetchMore(const QModelIndex &parent)
{
    // Views ask again while rows are being inserted: one page at a time.
    if (parent.isValid() || m_exhausted || m_fetching)
        return;
    const QScopedValueRollback fetching(m_fetching, true);
    const auto page =
        m_store->outboxPage(m_filter, m_rows.isEmpty() ? 0 : m_rows.constLast().rowid, kPageSize);
    if (!page) {
        setError(page.error().message);
        m_exhausted = true; // no endless retries from the view; refresh() tries again
        return;
    }
    m_error.clear();
    if (page.value().size() < kPageSize)
        m_exhausted = true;
    if (page.value().isEmpty())
        return;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + page.value().size() - 1));
    m_rows.append(page.value());
    endInsertRows();
}

qsizetype OutboxModel::positionOf(qint64 rowid) const
{
    return std::lower_bound(m_rows.cbegin(), m_rows.cend(), rowid,
                            [](const OutboxRow &r, qint64 id) { return r.rowid > id; }) -
           m_rows.cbegin();
}

void OutboxModel::refresh()
{
    const auto changes = m_store->outboxChangedSince(m_filter, m_seenChange, kMaxChanges);
    if (!changes) {
        setError(changes.error().message);
        return;
    }
    if (changes.value().size() >= kMaxChanges) {
        reload();
        return;
    }
    m_error.clear();
    for (const OutboxRow &changed : changes.value()) {
        m_seenChange = std::max(m_seenChange, changed.changeSeq);
        const qsizetype at = positionOf(changed.rowid);
        const bool loaded = at < m_rows.size() && m_rows.at(at).rowid == changed.rowid;
        if (loaded && changed.matches) {
            m_rows[at] = changed;
            Q_EMIT dataChanged(index(int(at), 0), index(int(at), ColumnCount - 1));
        } else if (loaded) {
            beginRemoveRows({}, int(at), int(at));
            m_rows.removeAt(at);
            endRemoveRows();
        } else if (changed.matches && (at < m_rows.size() || m_exhausted)) {
            // Newer than the oldest loaded row (or everything is loaded): it belongs on screen.
            // An older one is loaded when the view scrolls there.
            beginInsertRows({}, int(at), int(at));
            m_rows.insert(at, changed);
            endInsertRows();
        }
    }
    recount();
}

int OutboxModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int OutboxModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString OutboxModel::stateText(const QString &state)
{
    if (state == outbox::kQueued)
        return tr("Waiting");
    if (state == outbox::kSending)
        return tr("Sending");
    if (state == outbox::kSent)
        return tr("Sent");
    if (state == outbox::kDelivered)
        return tr("Delivered");
    if (state == outbox::kRead)
        return tr("Read");
    if (state == outbox::kPlayed)
        return tr("Played");
    if (state == outbox::kFailed)
        return tr("Failed");
    if (state == outbox::kExpired)
        return tr("Expired");
    if (state == outbox::kCancelled)
        return tr("Cancelled");
    if (state == outbox::kUnknown)
        return tr("Unknown: check the chat");
    return state;
}

namespace {

// Numbers and texts in their own direction inside a right-to-left table: a phone number always
// left to right ("+49..." not "...49+"), a message as its first letter says.
QString leftToRight(const QString &text)
{
    return QChar(0x2066) + text + QChar(0x2069); // LEFT-TO-RIGHT ISOLATE ... POP
}

QString ownDirection(const QString &text)
{
    return QChar(0x2068) + text + QChar(0x2069); // FIRST STRONG ISOLATE ... POP
}

} // namespace

QString OutboxModel::chatText(const OutboxItem &item)
{
    // A person by the number the owner knows them by; a LID only when WhatsApp never told
    // the number behind it.
    const QString &chatId = item.text.chatId;
    if (chatId.endsWith(u"@g.us"_s))
        return tr("Group %1").arg(chatId.chopped(5));
    if (!item.recipient.phone.isEmpty())
        return leftToRight(item.recipient.phone);
    if (chatId.endsWith(u"@c.us"_s))
        return leftToRight(u"+"_s + chatId.chopped(5));
    if (!item.recipient.lid.isEmpty())
        return tr("%1 (number not known)").arg(item.recipient.lid);
    return chatId;
}

QVariant OutboxModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const OutboxRow &row = m_rows.at(index.row());
    const OutboxItem &item = row.item;
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (index.column()) {
        case State:
            return stateText(item.state);
        case Chat:
            if (role == Qt::ToolTipRole) {
                QStringList lines{tr("Chat %1").arg(
                    item.recipient.chatId.isEmpty() ? item.text.chatId : item.recipient.chatId)};
                if (!item.recipient.phone.isEmpty())
                    lines.append(tr("Number %1").arg(item.recipient.phone));
                if (!item.recipient.lid.isEmpty())
                    lines.append(tr("LID %1").arg(item.recipient.lid));
                return lines.join(u'\n');
            }
            return chatText(item);
        case Message: {
            QString text = item.text.body.section(u'\n', 0, 0);
            if (!item.text.poll.isEmpty())
                text = tr("[poll: %1]").arg(item.text.poll.options.join(u" / "_s)) + u' ' + text;
            else if (!item.text.mimetype.isEmpty())
                text = (item.text.mimetype.startsWith(u"image/"_s)
                            ? tr("[image]")
                            : tr("[document %1]").arg(item.text.filename)) +
                       u' ' + text;
            return ownDirection(role == Qt::ToolTipRole ? item.text.body : text);
        }
        case Priority:
            if (item.kind == outbox::kReply)
                return tr("Reply");
            return item.priority == 0 ? tr("Broadcast")
                                      : tr("Broadcast, priority %1").arg(item.priority);
        case Attempts:
            return item.attempts;
        case NextAttempt:
            if (item.state != outbox::kQueued)
                return QString();
            return item.nextAttemptAt > QDateTime::currentMSecsSinceEpoch()
                       ? QLocale().toString(QDateTime::fromMSecsSinceEpoch(item.nextAttemptAt),
                                            QLocale::ShortFormat)
                       : tr("Now");
        case LastError:
            return item.lastError.isEmpty() ? QString() : ownDirection(item.lastError);
        }
    }
    if (role == Qt::ForegroundRole && index.column() == State) {
        if (item.state == outbox::kFailed || item.state == outbox::kUnknown)
            return QBrush(QColor(0xb0, 0x00, 0x20));
        if (outbox::isSettled(item.state) && item.state != outbox::kExpired &&
            item.state != outbox::kCancelled)
            return QBrush(QColor(0x1b, 0x7e, 0x3b));
    }
    if (role == Qt::TextAlignmentRole && index.column() == Attempts)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::UserRole)
        return item.text.clientId;
    return {};
}

QVariant OutboxModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case State:
        return tr("State");
    case Chat:
        return tr("Chat");
    case Message:
        return tr("Message");
    case Priority:
        return tr("Kind");
    case Attempts:
        return tr("Attempts");
    case NextAttempt:
        return tr("Next attempt");
    case LastError:
        return tr("Last error");
    }
    return {};
}

} // namespace sak
