#pragma once

#include "agent/store/records.h"

#include <QAbstractTableModel>

namespace sak {

class Store;

// The outbox as a table, newest first, read from the encrypted store a page at a time as the
// view scrolls (100,000 items cost what the visible ones cost). refresh() picks up what
// changed since the last look, from this process or another, by the store's change numbers:
// only changed items are read again, and the rows on screen stay where they are.
class OutboxModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        State,
        Chat,
        Message,
        Priority,
        Attempts,
        NextAttempt,
        LastError,
        ColumnCount
    };
    static constexpr int kPageSize = 200;

    explicit OutboxModel(Store *store, QObject *parent = nullptr);

    void setFilter(const OutboxFilter &filter);
    const OutboxFilter &filter() const { return m_filter; }
    // Items that pass the filter, loaded or not.
    qint64 totalCount() const { return m_total; }
    const OutboxRow &rowAt(int row) const { return m_rows.at(row); }
    void refresh();
    // The last error reading the store, empty when none.
    QString loadError() const { return m_error; }

    static QString stateText(const QString &state);
    static QString chatText(const OutboxItem &item);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

Q_SIGNALS:
    void totalChanged(qint64 total);

private:
    void reload();
    void recount();
    // Where rowid is, or would go, in m_rows (sorted by rowid, descending).
    qsizetype positionOf(qint64 rowid) const;
    void setError(const QString &error);

    Store *m_store;
    OutboxFilter m_filter;
    QList<OutboxRow> m_rows;
    qint64 m_total = 0;
    qint64 m_seenChange = 0;
    bool m_exhausted = false; // every matching item is loaded
    bool m_fetching = false;
    QString m_error;
};

} // namespace sak
