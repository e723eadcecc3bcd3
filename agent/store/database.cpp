#include "agent/store/database.h"

#include <sqlite3.h>

using namespace Qt::Literals::StringLiterals;

namespace sak {

Statement::Statement(Database *database, sqlite3_stmt *statement, QByteArray reuseKey)
    : m_database(database)
    , m_statement(statement)
    , m_reuseKey(std::move(reuseKey))
{}

Statement::Statement(Statement &&other) noexcept
    : m_database(std::exchange(other.m_database, nullptr))
    , m_statement(std::exchange(other.m_statement, nullptr))
    , m_reuseKey(std::move(other.m_reuseKey))
    , m_bindError(std::move(other.m_bindError))
{}

Statement &Statement::operator=(Statement &&other) noexcept
{
    if (this != &other) {
        release();
        m_database = std::exchange(other.m_database, nullptr);
        m_statement = std::exchange(other.m_statement, nullptr);
        m_reuseKey = std::move(other.m_reuseKey);
        m_bindError = std::move(other.m_bindError);
    }
    return *this;
}

Statement::~Statement()
{
    release();
}

void Statement::release()
{
    if (m_database && m_statement && !m_reuseKey.isEmpty())
        m_database->giveBack(m_reuseKey, m_statement);
    else
        sqlite3_finalize(m_statement);
    m_statement = nullptr;
}

Statement &Statement::bind(int index, const QString &value)
{
    const QByteArray utf8 = value.toUtf8();
    if (sqlite3_bind_text(m_statement, index, utf8.constData(), int(utf8.size()),
                          SQLITE_TRANSIENT) != SQLITE_OK)
        m_bindError = m_database->lastError(u"binding a value"_s);
    return *this;
}

Statement &Statement::bind(int index, const QByteArray &value)
{
    // A null QByteArray would bind SQL NULL; an empty blob is a value.
    if (sqlite3_bind_blob(m_statement, index, value.isNull() ? "" : value.constData(),
                          int(value.size()), SQLITE_TRANSIENT) != SQLITE_OK)
        m_bindError = m_database->lastError(u"binding a value"_s);
    return *this;
}

Statement &Statement::bind(int index, qint64 value)
{
    if (sqlite3_bind_int64(m_statement, index, value) != SQLITE_OK)
        m_bindError = m_database->lastError(u"binding a value"_s);
    return *this;
}

Statement &Statement::bind(int index, double value)
{
    if (sqlite3_bind_double(m_statement, index, value) != SQLITE_OK)
        m_bindError = m_database->lastError(u"binding a value"_s);
    return *this;
}

Statement &Statement::bindNull(int index)
{
    if (sqlite3_bind_null(m_statement, index) != SQLITE_OK)
        m_bindError = m_database->lastError(u"binding a value"_s);
    return *this;
}

Result<bool> Statement::step()
{
    if (!m_bindError.code.isEmpty())
        return m_bindError;
    switch (sqlite3_step(m_statement)) {
    case SQLITE_ROW:
        return true;
    case SQLITE_DONE:
        return false;
    default:
        return m_database->lastError(u"running a statement"_s);
    }
}

Status Statement::run()
{
    for (;;) {
        auto more = step();
        if (!more)
            return more.error();
        if (!more.value())
            return Done{};
    }
}

void Statement::reset()
{
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
    m_bindError = {};
}

QString Statement::text(int column) const
{
    const auto *data = reinterpret_cast<const char *>(sqlite3_column_text(m_statement, column));
    return QString::fromUtf8(data, sqlite3_column_bytes(m_statement, column));
}

QByteArray Statement::blob(int column) const
{
    const auto *data = static_cast<const char *>(sqlite3_column_blob(m_statement, column));
    return QByteArray(data, sqlite3_column_bytes(m_statement, column));
}

qint64 Statement::integer(int column) const
{
    return sqlite3_column_int64(m_statement, column);
}

double Statement::real(int column) const
{
    return sqlite3_column_double(m_statement, column);
}

bool Statement::isNull(int column) const
{
    return sqlite3_column_type(m_statement, column) == SQLITE_NULL;
}

Database::Database(sqlite3 *handle, QString path)
    : m_handle(handle)
    , m_path(std::move(path))
{}

Database::~Database()
{
    for (sqlite3_stmt *statement : std::as_const(m_idle))
        sqlite3_finalize(statement);
    sqlite3_close_v2(m_handle);
}

void Database::giveBack(const QByteArray &sql, sqlite3_stmt *statement)
{
    // Reset, so it holds no read snapshot and no bound values (they may be message text).
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
    if (m_idle.contains(sql))
        sqlite3_finalize(statement); // a second copy was in use at the same time
    else
        m_idle.insert(sql, statement);
}

Result<std::unique_ptr<Database>> Database::open(const QString &path, bool create)
{
    sqlite3 *handle = nullptr;
    const int flags =
        SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_FULLMUTEX;
    const int rc = sqlite3_open_v2(path.toUtf8().constData(), &handle, flags, nullptr);
    if (rc != SQLITE_OK) {
        const QString reason = handle ? QString::fromUtf8(sqlite3_errmsg(handle))
                                      : QString::fromUtf8(sqlite3_errstr(rc));
        sqlite3_close_v2(handle);
        return Error{u"store-open"_s, u"The database %1 cannot be opened: %2."_s.arg(path, reason)};
    }
    sqlite3_extended_result_codes(handle, 1);
    return std::unique_ptr<Database>(new Database(handle, path));
}

Status Database::exec(const QString &sql)
{
    char *message = nullptr;
    if (sqlite3_exec(m_handle, sql.toUtf8().constData(), nullptr, nullptr, &message) != SQLITE_OK) {
        const QString reason = QString::fromUtf8(message ? message : sqlite3_errmsg(m_handle));
        sqlite3_free(message);
        return Error{u"sqlite-%1"_s.arg(lastErrorCode() & 0xff),
                     u"The database refused a statement (%1)."_s.arg(reason)};
    }
    return Done{};
}

Result<Statement> Database::prepare(const QString &sql)
{
    QByteArray utf8 = sql.toUtf8();
    const bool reusable = !utf8.trimmed().left(6).toUpper().startsWith("PRAGMA");
    if (reusable) {
        if (sqlite3_stmt *idle = m_idle.take(utf8))
            return Statement(this, idle, std::move(utf8));
    }
    sqlite3_stmt *statement = nullptr;
    if (sqlite3_prepare_v2(m_handle, utf8.constData(), int(utf8.size()), &statement, nullptr) !=
        SQLITE_OK)
        return lastError(u"preparing a statement"_s);
    return Statement(this, statement, reusable ? std::move(utf8) : QByteArray());
}

Result<std::optional<Statement>> Database::firstRow(const QString &sql)
{
    auto statement = prepare(sql);
    if (!statement)
        return statement.error();
    auto row = statement.value().step();
    if (!row)
        return row.error();
    if (!row.value())
        return std::optional<Statement>();
    return std::optional<Statement>(std::move(statement).value());
}

Result<QString> Database::queryText(const QString &sql)
{
    const auto row = firstRow(sql);
    if (!row)
        return row.error();
    return row.value() ? row.value()->text(0) : QString();
}

Result<QByteArray> Database::fileHeader(int bytes)
{
    sqlite3_file *file = nullptr;
    if (sqlite3_file_control(m_handle, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK ||
        !file || !file->pMethods)
        return lastError(u"finding its file"_s);
    QByteArray header(bytes, '\0');
    const int read = file->pMethods->xRead(file, header.data(), bytes, 0);
    if (read != SQLITE_OK && read != SQLITE_IOERR_SHORT_READ) // short: the pages are in the WAL
        return lastError(u"reading its header"_s);
    return header;
}

Result<std::optional<qint64>> Database::queryNumber(const QString &sql)
{
    const auto row = firstRow(sql);
    if (!row)
        return row.error();
    if (!row.value() || row.value()->isNull(0))
        return std::optional<qint64>();
    return std::optional<qint64>(row.value()->integer(0));
}

int Database::changes() const
{
    return sqlite3_changes(m_handle);
}

int Database::lastErrorCode() const
{
    return sqlite3_extended_errcode(m_handle);
}

Error Database::lastError(const QString &doing) const
{
    return Error{u"sqlite-%1"_s.arg(lastErrorCode() & 0xff),
                 u"The database failed while %1: %2."_s.arg(
                     doing, QString::fromUtf8(sqlite3_errmsg(m_handle)))};
}

QString Database::libraryVersion()
{
    return QString::fromLatin1(sqlite3_libversion());
}

Transaction::Transaction(Database &database)
    : m_database(database)
    , m_nested(database.inTransaction())
    , m_begun(database.exec(m_nested ? u"SAVEPOINT sak_nested"_s : u"BEGIN IMMEDIATE"_s))
    , m_open(m_begun.ok())
{}

Transaction::~Transaction()
{
    if (!m_open)
        return;
    if (m_nested) {
        // Undoes this part only; the outer transaction decides about the rest.
        m_database.exec(u"ROLLBACK TO sak_nested"_s);
        m_database.exec(u"RELEASE sak_nested"_s);
    } else {
        m_database.exec(u"ROLLBACK"_s);
    }
}

Status Transaction::commit()
{
    if (!m_open)
        return m_begun.ok() ? Status(Error{u"store"_s, u"The transaction was committed already."_s})
                            : m_begun;
    m_open = false;
    if (m_nested)
        return m_database.exec(u"RELEASE sak_nested"_s);
    Status committed = m_database.exec(u"COMMIT"_s);
    if (!committed)
        m_database.exec(u"ROLLBACK"_s);
    return committed;
}

bool Database::inTransaction() const
{
    return sqlite3_get_autocommit(m_handle) == 0;
}

} // namespace sak
