#include "agent/store/store.h"

#include "agent/base/logging.h"
#include "agent/store/database.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMessageAuthenticationCode>
#include <QSaveFile>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

constexpr QFileDevice::Permissions kOwnerFile = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions kOwnerDir = kOwnerFile | QFileDevice::ExeOwner;

// Ordered schema steps; step N brings the schema from version N-1 to N in one transaction.
// Never edit a step that has shipped: add one.
const char *const kMigrations[] = {
    // 1: sealed WhatsApp sessions and small settings
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "CREATE TABLE session_seal (account TEXT PRIMARY KEY, sealed_at INTEGER NOT NULL, data BLOB "
    "NOT NULL);",
    // 2: the inbound journal and the outbox
    "CREATE TABLE inbound_journal (id TEXT PRIMARY KEY, chat_id TEXT NOT NULL, author TEXT NOT "
    "NULL,"
    " type TEXT NOT NULL, body TEXT NOT NULL, t INTEGER NOT NULL, sender_name TEXT NOT NULL,"
    " received_at INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'pending');"
    "CREATE INDEX inbound_journal_chat ON inbound_journal (chat_id, received_at);"
    "CREATE TABLE outbox (client_id TEXT PRIMARY KEY, chat_id TEXT NOT NULL, body TEXT NOT NULL,"
    " wa_message_id TEXT NOT NULL UNIQUE, state TEXT NOT NULL DEFAULT 'queued', created_at INTEGER "
    "NOT NULL);",
    // 3: delivery: retries and dead letters of the journal, priorities, schedules and attempts of
    // the outbox, the status reports still owed to the cloud, and the send log pacing reads
    "ALTER TABLE inbound_journal ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE inbound_journal ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE inbound_journal ADD COLUMN last_error TEXT NOT NULL DEFAULT '';"
    "CREATE INDEX inbound_journal_pending ON inbound_journal (state, chat_id);"
    "ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'job';"
    "ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE outbox ADD COLUMN not_before INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE outbox ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE outbox ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE outbox ADD COLUMN last_error TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE outbox ADD COLUMN in_reply_to TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE outbox ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX outbox_state_chat ON outbox (state, chat_id);"
    "CREATE TABLE status_queue (id INTEGER PRIMARY KEY, client_id TEXT NOT NULL, wa_message_id "
    "TEXT NOT NULL, chat_id TEXT NOT NULL, state TEXT NOT NULL, detail TEXT NOT NULL, t INTEGER "
    "NOT NULL);"
    "CREATE TABLE send_log (sent_at INTEGER NOT NULL, chat_id TEXT NOT NULL, kind TEXT NOT "
    "NULL);"
    "CREATE INDEX send_log_time ON send_log (sent_at);"
    "UPDATE outbox SET created_at = created_at * 1000;"
    "UPDATE inbound_journal SET received_at = received_at * 1000;",
    // 4: the expiry sweep runs before every send; without this it read every queued item
    "CREATE INDEX outbox_expiry ON outbox (expires_at) WHERE state = 'queued' AND expires_at > 0;",
    // 5: what customers send besides text: replies, media (with its bytes), locations
    "ALTER TABLE inbound_journal ADD COLUMN quoted_id TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE inbound_journal ADD COLUMN mimetype TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE inbound_journal ADD COLUMN filename TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE inbound_journal ADD COLUMN media_size INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE inbound_journal ADD COLUMN media BLOB;"
    "ALTER TABLE inbound_journal ADD COLUMN media_error TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE inbound_journal ADD COLUMN latitude REAL NOT NULL DEFAULT 0;"
    "ALTER TABLE inbound_journal ADD COLUMN longitude REAL NOT NULL DEFAULT 0;",
    // 6: what the shop sends besides text: replies that quote, images and documents
    "ALTER TABLE outbox ADD COLUMN quoted_id TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE outbox ADD COLUMN mimetype TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE outbox ADD COLUMN filename TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE outbox ADD COLUMN media BLOB;",
    // 7: the outbox viewer follows changes without re-reading what it shows: every insert and
    // every move stamps the row with the next number of one sequence (clocks of different
    // processes cannot be compared, this can)
    "ALTER TABLE outbox ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;"
    "UPDATE outbox SET change_seq = rowid;"
    "CREATE INDEX outbox_change ON outbox (change_seq);"
    "CREATE TRIGGER outbox_inserted AFTER INSERT ON outbox BEGIN UPDATE outbox SET change_seq = "
    "(SELECT max(change_seq) + 1 FROM outbox) WHERE rowid = NEW.rowid; END;"
    "CREATE TRIGGER outbox_updated AFTER UPDATE OF state, attempts, next_attempt_at, last_error, "
    "priority ON outbox BEGIN UPDATE outbox SET change_seq = (SELECT max(change_seq) + 1 FROM "
    "outbox) WHERE rowid = NEW.rowid; END;",
    // 8: who wrote, as WhatsApp knows them (a LID chat's phone number, a phone chat's LID)
    "ALTER TABLE inbound_journal ADD COLUMN phone TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE inbound_journal ADD COLUMN lid TEXT NOT NULL DEFAULT '';",
    // 9: polls the shop sends (options one per line), and who an outbound message goes to
    // (number, LID, the chat WhatsApp sent it in), for the cloud's status reports too
    "ALTER TABLE outbox ADD COLUMN poll_options TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE outbox ADD COLUMN poll_multiple INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE outbox ADD COLUMN phone TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE outbox ADD COLUMN lid TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE outbox ADD COLUMN wa_chat_id TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE status_queue ADD COLUMN phone TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE status_queue ADD COLUMN lid TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE status_queue ADD COLUMN wa_chat_id TEXT NOT NULL DEFAULT '';",
    // 10: delivered bridge packages (the page half of the bridge), signed documents as they
    // came, with how they fared here; which one runs is a setting
    "CREATE TABLE bridge_packages (version TEXT PRIMARY KEY, document BLOB NOT NULL,"
    " received_at INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'stored',"
    " failure TEXT NOT NULL DEFAULT '', changed_at INTEGER NOT NULL DEFAULT 0);",
};
static_assert(std::size(kMigrations) == Store::kLatestVersion);

QString keyPragma(const char *pragma, const QByteArray &key)
{
    return u"PRAGMA %1 = \"x'%2'\""_s.arg(QString::fromLatin1(pragma),
                                          QString::fromLatin1(key.toHex()));
}

bool startsWithPlainHeader(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) && file.read(16).startsWith("SQLite format 3");
}

// The pages in them are encrypted, so a file that stays readable is a warning, not a stop: it
// still shows others how much the shop handles, and it means the file is not the user's.
void restrictSideFiles(const QString &path)
{
    for (const char *suffix : {"", "-wal", "-shm", "-journal"}) {
        const QString file = path + QLatin1String(suffix);
        if (QFile::exists(file) && !QFile::setPermissions(file, kOwnerFile))
            qCWarning(lcAgent).noquote()
                << "The database file" << file
                << "cannot be made owner-only (chmod 600): it must belong to the user the agent "
                   "runs as";
    }
}

Status writeKeyCheck(const QString &databasePath, const QByteArray &key)
{
    QSaveFile file(Store::keyCheckPath(databasePath));
    if (!file.open(QIODevice::WriteOnly) || file.write(Store::keyCheck(key).toHex() + '\n') < 0 ||
        !file.commit())
        return Error{u"store-keycheck"_s, u"The key check %1 cannot be written: %2."_s.arg(
                                              file.fileName(), file.errorString())};
    QFile::setPermissions(file.fileName(), kOwnerFile);
    return Done{};
}

std::optional<QByteArray> readKeyCheck(const QString &databasePath)
{
    QFile file(Store::keyCheckPath(databasePath));
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    return QByteArray::fromHex(file.readAll().trimmed());
}

Status moveAside(const QString &path)
{
    const QString stamp = QDateTime::currentDateTimeUtc().toString(u"yyyyMMdd-hhmmss"_s);
    for (const char *suffix : {"", "-wal", "-shm", "-journal", ".keycheck"}) {
        const QString from = path + QLatin1String(suffix);
        if (QFile::exists(from) &&
            !QFile::rename(from, u"%1.corrupt-%2%3"_s.arg(path, stamp, QLatin1String(suffix))))
            return Error{
                u"store-corrupt"_s,
                u"The damaged database could not be moved aside (%1); move it away by hand."_s.arg(
                    from)};
    }
    qCWarning(lcAgent).noquote() << "Moved the damaged database aside as"
                                 << u"%1.corrupt-%2"_s.arg(path, stamp);
    return Done{};
}

} // namespace

Store::Store(std::unique_ptr<Database> database, QString path, QString cipherVersion)
    : m_database(std::move(database))
    , m_path(std::move(path))
    , m_cipherVersion(std::move(cipherVersion))
{}

Store::~Store() = default;

QByteArray Store::keyCheck(const QByteArray &key)
{
    return QMessageAuthenticationCode::hash("sak-store-key-check-v1", key,
                                            QCryptographicHash::Sha256);
}

QString Store::keyCheckPath(const QString &databasePath)
{
    return databasePath + u".keycheck"_s;
}

Result<std::unique_ptr<Store>> Store::open(const StoreOptions &options)
{
    if (options.key.size() != kKeySize)
        return Error{
            u"store-key"_s,
            u"The data key has %1 bytes instead of %2; it is damaged. Restore the key or rotate it."_s
                .arg(options.key.size())
                .arg(kKeySize)};

    const QFileInfo info(options.path);
    if (!QDir().mkpath(info.absolutePath()))
        return Error{u"store-open"_s,
                     u"The directory %1 cannot be created."_s.arg(info.absolutePath())};
    QFile::setPermissions(info.absolutePath(), kOwnerDir);

    const bool exists = info.exists() && info.size() > 0;
    const std::optional<QByteArray> storedCheck =
        exists ? readKeyCheck(options.path) : std::nullopt;
    if (exists) {
        if (startsWithPlainHeader(options.path))
            return Error{
                u"store-plaintext"_s,
                u"The database %1 is a plain, unencrypted SQLite file. The agent does not use it; move it away and start again."_s
                    .arg(options.path)};
        if (storedCheck && *storedCheck != keyCheck(options.key))
            return Error{
                u"store-wrong-key"_s,
                u"The database %1 was encrypted with a different key than the one the agent has now. The file is untouched: restore the key it was made with (keychain entry, key file or passphrase)."_s
                    .arg(options.path)};
    } else {
        // Created here, owner-only, before SQLite opens it: its -wal and -shm files inherit the
        // mode.
        QFile file(options.path);
        if (!file.open(QIODevice::WriteOnly))
            return Error{u"store-open"_s, u"The database %1 cannot be created: %2."_s.arg(
                                              options.path, file.errorString())};
        file.setPermissions(kOwnerFile);
    }

    auto opened = Database::open(options.path, true);
    if (!opened)
        return opened.error();
    std::unique_ptr<Database> db = std::move(opened).value();

    if (auto keyed = db->exec(keyPragma("key", options.key)); !keyed)
        return keyed.error();
    if (auto paged = db->exec(u"PRAGMA cipher_page_size = 4096"_s); !paged)
        return paged.error();
    const auto cipher = db->queryText(u"PRAGMA cipher_version"_s);
    if (!cipher || cipher.value().isEmpty()) {
        return Error{
            u"store-no-cipher"_s,
            u"Encryption is not active: the SQLite library in this process (%1) is not SQLCipher, so the agent refuses to store anything. This is a build or packaging fault; reinstall the agent."_s
                .arg(Database::libraryVersion())};
    }

    if (auto readable = db->queryText(u"SELECT count(*) FROM sqlite_master"_s); !readable) {
        db.reset();
        if (!exists)
            return readable.error();
        if (!storedCheck)
            return Error{
                u"store-unreadable"_s,
                u"The database %1 cannot be read: either the key is not the one it was made with, or the file is damaged. The file is untouched."_s
                    .arg(options.path)};
        if (!options.resetIfCorrupt)
            return Error{
                u"store-corrupt"_s,
                u"The database %1 is damaged and cannot be read (%2). It is untouched. To keep it aside and start with an empty store, run again with --reset-corrupt-store."_s
                    .arg(options.path, readable.error().message)};
        if (auto moved = moveAside(options.path); !moved)
            return moved.error();
        StoreOptions fresh = options;
        fresh.resetIfCorrupt = false;
        return open(fresh);
    }

    for (const char *pragma :
         {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA cache_size = -16384",
          "PRAGMA temp_store = MEMORY", "PRAGMA foreign_keys = ON"}) {
        if (auto set = db->exec(QString::fromLatin1(pragma)); !set)
            return set.error();
    }

    std::unique_ptr<Store> store(new Store(std::move(db), options.path, cipher.value()));
    if (auto migrated =
            store->migrate(options.targetVersion < 0 ? kLatestVersion : options.targetVersion);
        !migrated)
        return migrated.error();
    // Through SQLite's own handle (Database::fileHeader says why not with a QFile).
    const auto header = store->m_database->fileHeader(16);
    if (!header)
        return header.error();
    if (header.value().startsWith("SQLite format 3"))
        return Error{
            u"store-plaintext"_s,
            u"The database %1 was written unencrypted; the agent stops. This is a build or packaging fault."_s
                .arg(options.path)};
    if (!storedCheck) {
        if (auto written = writeKeyCheck(options.path, options.key); !written)
            return written.error();
    }
    restrictSideFiles(options.path);
    qCInfo(lcAgent).noquote() << "Encrypted store" << options.path << "open (SQLCipher"
                              << store->m_cipherVersion << ", schema" << store->schemaVersion()
                              << ")";
    return store;
}

int Store::schemaVersion()
{
    const auto version = m_database->queryText(u"PRAGMA user_version"_s);
    return version ? version.value().toInt() : -1;
}

Status Store::inTransaction(const std::function<Status()> &work)
{
    Transaction transaction(*m_database);
    if (!transaction.begun())
        return transaction.begun();
    if (Status done = work(); !done)
        return done;
    return transaction.commit();
}

Status Store::migrate(int targetVersion)
{
    const int current = schemaVersion();
    if (current > kLatestVersion)
        return Error{
            u"store-newer"_s,
            u"The database %1 was made by a newer version of the agent (schema %2, this one knows %3). Update the agent."_s
                .arg(m_path)
                .arg(current)
                .arg(kLatestVersion)};
    for (int version = current + 1; version <= targetVersion; ++version) {
        Transaction transaction(*m_database);
        if (!transaction.begun())
            return transaction.begun();
        if (auto step = m_database->exec(QString::fromUtf8(kMigrations[version - 1])); !step)
            return Error{u"store-migration"_s,
                         u"Updating the database to schema %1 failed: %2"_s.arg(version).arg(
                             step.error().message)};
        if (auto stamped = m_database->exec(u"PRAGMA user_version = %1"_s.arg(version)); !stamped)
            return stamped.error();
        if (auto committed = transaction.commit(); !committed)
            return committed.error();
        qCInfo(lcAgent) << "Database schema updated to version" << version;
    }
    return Done{};
}

Status Store::rekey(const QByteArray &newKey)
{
    if (newKey.size() != kKeySize)
        return Error{u"store-key"_s, u"A new key must have %1 bytes."_s.arg(kKeySize)};
    // SQLCipher 3 re-encrypts in rollback-journal mode only.
    for (const QString &sql :
         {u"PRAGMA wal_checkpoint(TRUNCATE)"_s, u"PRAGMA journal_mode = DELETE"_s,
          keyPragma("rekey", newKey), u"PRAGMA journal_mode = WAL"_s}) {
        if (auto done = m_database->exec(sql); !done)
            return done.error();
    }
    if (auto readable = m_database->queryText(u"SELECT count(*) FROM sqlite_master"_s); !readable)
        return readable.error();
    return writeKeyCheck(m_path, newKey);
}

Status Store::integrityCheck()
{
    const auto answer = m_database->queryText(u"PRAGMA integrity_check"_s);
    if (!answer)
        return answer.error();
    if (answer.value() != u"ok"_s)
        return Error{u"store-corrupt"_s,
                     u"The database failed its integrity check: %1"_s.arg(answer.value())};
    return Done{};
}

Status Store::setSetting(const QString &key, const QByteArray &value)
{
    auto statement =
        m_database->prepare(u"INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)"_s);
    if (!statement)
        return statement.error();
    return statement.value().bind(1, key).bind(2, value).run();
}

Result<std::optional<QByteArray>> Store::setting(const QString &key)
{
    auto statement = m_database->prepare(u"SELECT value FROM settings WHERE key = ?"_s);
    if (!statement)
        return statement.error();
    auto row = statement.value().bind(1, key).step();
    if (!row)
        return row.error();
    return row.value() ? std::optional<QByteArray>(statement.value().blob(0))
                       : std::optional<QByteArray>();
}

Status Store::removeSetting(const QString &key)
{
    auto statement = m_database->prepare(u"DELETE FROM settings WHERE key = ?"_s);
    if (!statement)
        return statement.error();
    return statement.value().bind(1, key).run();
}

Status Store::saveSeal(const QString &account, const QByteArray &data)
{
    auto statement = m_database->prepare(
        u"INSERT OR REPLACE INTO session_seal (account, sealed_at, data) VALUES (?, ?, ?)"_s);
    if (!statement)
        return statement.error();
    return statement.value()
        .bind(1, account)
        .bind(2, QDateTime::currentSecsSinceEpoch())
        .bind(3, data)
        .run();
}

Result<std::optional<QByteArray>> Store::loadSeal(const QString &account)
{
    auto statement = m_database->prepare(u"SELECT data FROM session_seal WHERE account = ?"_s);
    if (!statement)
        return statement.error();
    auto row = statement.value().bind(1, account).step();
    if (!row)
        return row.error();
    if (!row.value())
        return std::optional<QByteArray>();
    return std::optional<QByteArray>(statement.value().blob(0));
}

} // namespace sak
