#pragma once

#include "agent/base/result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include <memory>
#include <optional>
#include <type_traits>

struct sqlite3;
struct sqlite3_stmt;

namespace sak {

class Database;

// A prepared statement; when it goes out of scope it is reset and given back to its
// database for the next prepare() of the same SQL (or finalized). Binding indexes start at 1,
// column indexes at 0, as in SQLite.
class Statement
{
public:
    Statement(Statement &&other) noexcept;
    Statement &operator=(Statement &&other) noexcept;
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;
    ~Statement();

    Statement &bind(int index, const QString &value);
    Statement &bind(int index, const QByteArray &value); // as a blob
    Statement &bind(int index, qint64 value);
    Statement &bind(int index, double value);
    Statement &bindNull(int index);

    // One step: true while there is a row to read, false once done.
    Result<bool> step();
    // Steps to the end (for statements that return no rows).
    Status run();
    void reset();
    // Steps through every row left, each read by `read` (a function of this statement at the
    // row, e.g. one that makes a record of its columns).
    template<typename Read>
    auto rows(Read read) -> Result<QList<std::decay_t<std::invoke_result_t<Read, Statement &>>>>
    {
        QList<std::decay_t<std::invoke_result_t<Read, Statement &>>> out;
        for (;;) {
            auto row = step();
            if (!row)
                return row.error();
            if (!row.value())
                return out;
            out.append(read(*this));
        }
    }

    QString text(int column) const;
    QByteArray blob(int column) const;
    qint64 integer(int column) const;
    double real(int column) const;
    bool isNull(int column) const;

private:
    friend class Database;
    Statement(Database *database, sqlite3_stmt *statement, QByteArray reuseKey);
    void release();

    Database *m_database = nullptr;
    sqlite3_stmt *m_statement = nullptr;
    QByteArray m_reuseKey; // the SQL, when the statement goes back to the database's cache
    Error m_bindError;
};

// One SQLite (SQLCipher) connection. Errors come back as values naming the SQLite error.
class Database
{
public:
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // Opens (creating if allowed) the file; nothing is read until the first statement.
    static Result<std::unique_ptr<Database>> open(const QString &path, bool create);

    Status exec(const QString &sql);
    // Prepared statements are kept and reused (parsing is a tenth of the agent's store work
    // under load), except PRAGMAs, whose text may hold a key.
    Result<Statement> prepare(const QString &sql);
    // The first column of the first row, as text; empty when there is no row.
    Result<QString> queryText(const QString &sql);
    // The first bytes of the database file, read through SQLite's own file handle: opening
    // the file a second time and closing it would drop every POSIX lock the process holds on
    // it (they belong to the process, not the descriptor), and another process closing its
    // connection would then take this one for gone and delete the WAL under it.
    Result<QByteArray> fileHeader(int bytes);
    // The first column of the first row, as a number; nullopt when there is no row or it is NULL.
    Result<std::optional<qint64>> queryNumber(const QString &sql);

    // Rows changed by the last INSERT, UPDATE or DELETE.
    int changes() const;
    bool inTransaction() const;
    int lastErrorCode() const;
    Error lastError(const QString &doing) const;
    const QString &path() const { return m_path; }

    // The library this connection runs on, e.g. "3.15.2".
    static QString libraryVersion();

private:
    friend class Statement;
    Database(sqlite3 *handle, QString path);
    // The statement stepped to its first row; nullopt when there is none.
    Result<std::optional<Statement>> firstRow(const QString &sql);
    void giveBack(const QByteArray &sql, sqlite3_stmt *statement);

    sqlite3 *m_handle;
    QString m_path;
    QHash<QByteArray, sqlite3_stmt *> m_idle; // prepared statements not in use, by their SQL
};

// A transaction that rolls back unless committed. BEGIN IMMEDIATE: the write lock is taken at
// once, so a commit cannot fail for a lock taken by another writer halfway through. Inside
// another transaction it is a savepoint: its commit or rollback covers its own part.
class Transaction
{
public:
    explicit Transaction(Database &database);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    const Status &begun() const { return m_begun; }
    Status commit();

private:
    Database &m_database;
    bool m_nested;
    Status m_begun;
    bool m_open = false;
};

} // namespace sak
