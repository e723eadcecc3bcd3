// sak-bench-store: what encryption costs the store, measured side by side in one run.
// "plain" is the same SQLite engine (SQLCipher's) without a key, with the same pragmas, so the
// ratio isolates the cost of encryption.

#include "agent/keys/keyfiles.h"
#include "agent/store/database.h"
#include "agent/store/store.h"
#include "agent/vault/sessionvault.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include <cstdio>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

namespace {

constexpr int kSingleCommits = 300;
constexpr int kBatchRows = 100000;
constexpr int kBatchSize = 1000;
constexpr qint64 kProfileBytes = 50 * 1024 * 1024;

void check(const Status &status)
{
    if (!status) {
        std::fprintf(stderr, "bench: %s\n", qPrintable(status.error().message));
        std::exit(1);
    }
}

std::unique_ptr<Database> openDatabase(const QString &path, const QByteArray &key)
{
    auto db = Database::open(path, true);
    if (!db)
        check(db.error());
    if (!key.isEmpty()) {
        check(db.value()->exec(u"PRAGMA key = \"x'%1'\""_s.arg(QString::fromLatin1(key.toHex()))));
        check(db.value()->exec(u"PRAGMA cipher_page_size = 4096"_s));
    } else {
        check(db.value()->exec(u"PRAGMA page_size = 4096"_s));
    }
    for (const char *pragma : {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL",
                               "PRAGMA cache_size = -16384", "PRAGMA temp_store = MEMORY"})
        check(db.value()->exec(QString::fromLatin1(pragma)));
    check(db.value()->exec(
        u"CREATE TABLE IF NOT EXISTS messages (id TEXT PRIMARY KEY, chat TEXT, body TEXT, t INTEGER)"_s));
    return std::move(db).value();
}

QString body(int i)
{
    return u"Customer message %1: do you have the cappuccino in a large cup, and how much is it?"_s
        .arg(i);
}

double singleCommitsPerSecond(Database &db)
{
    auto statement = db.prepare(u"INSERT INTO messages VALUES (?, ?, ?, ?)"_s);
    if (!statement)
        check(statement.error());
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < kSingleCommits; ++i) {
        Transaction transaction(db);
        statement.value().reset();
        statement.value()
            .bind(1, u"single-%1"_s.arg(i))
            .bind(2, u"491701234567@c.us"_s)
            .bind(3, body(i))
            .bind(4, qint64(i));
        check(statement.value().run());
        check(transaction.commit());
    }
    return kSingleCommits / (timer.nsecsElapsed() / 1e9);
}

double batchedRowsPerSecond(Database &db)
{
    auto statement = db.prepare(u"INSERT INTO messages VALUES (?, ?, ?, ?)"_s);
    if (!statement)
        check(statement.error());
    QElapsedTimer timer;
    timer.start();
    for (int batch = 0; batch < kBatchRows / kBatchSize; ++batch) {
        Transaction transaction(db);
        for (int j = 0; j < kBatchSize; ++j) {
            const int i = batch * kBatchSize + j;
            statement.value().reset();
            statement.value()
                .bind(1, u"batch-%1"_s.arg(i))
                .bind(2, u"4917%1@c.us"_s.arg(i % 500))
                .bind(3, body(i))
                .bind(4, qint64(i));
            check(statement.value().run());
        }
        check(transaction.commit());
    }
    return kBatchRows / (timer.nsecsElapsed() / 1e9);
}

void writeProfile(const QString &storage)
{
    // LevelDB-like files: half text (compressible), half random (already compressed data).
    QDir().mkpath(storage + u"/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb"_s);
    QDir().mkpath(storage + u"/Local Storage/leveldb"_s);
    qint64 written = 0;
    for (int n = 0; written < kProfileBytes; ++n) {
        QByteArray chunk;
        for (int i = 0; i < 2048; ++i)
            chunk += body(n * 2048 + i).toUtf8();
        chunk.resize(2 * 1024 * 1024);
        QByteArray noise(2 * 1024 * 1024, Qt::Uninitialized);
        QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(noise.data()),
                                              noise.size() / 4);
        QFile file(storage + u"/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb/%1.ldb"_s.arg(
                                 n, 6, 10, QChar(u'0')));
        if (!file.open(QIODevice::WriteOnly))
            check(Error{u"bench"_s, file.errorString()});
        file.write(chunk);
        file.write(noise);
        written += chunk.size() + noise.size();
    }
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(u"sak.*.info=false"_s);
    QTemporaryDir dir(QDir::currentPath() + u"/sak-bench-XXXXXX"_s); // on the disk the build is on
    if (!dir.isValid())
        return 1;
    const QByteArray key = newDataKey();

    std::printf(
        "sak-bench-store: SQLite %s, WAL, synchronous=FULL, 4096-byte pages, 16 MiB cache\n",
        qPrintable(Database::libraryVersion()));
    std::printf("%-34s %14s %14s %8s\n", "", "encrypted", "plain", "ratio");

    double single[2];
    double batched[2];
    for (int encrypted = 1; encrypted >= 0; --encrypted) {
        auto db = openDatabase(dir.filePath(encrypted ? u"encrypted.db"_s : u"plain.db"_s),
                               encrypted ? key : QByteArray());
        single[1 - encrypted] = singleCommitsPerSecond(*db);
        batched[1 - encrypted] = batchedRowsPerSecond(*db);
    }
    std::printf("%-34s %14.0f %14.0f %8.2f\n", "durable single commits / s", single[0], single[1],
                single[0] / single[1]);
    std::printf("%-34s %14.0f %14.0f %8.2f\n", "batched inserts / s (1000 a tx)", batched[0],
                batched[1], batched[0] / batched[1]);
    std::printf("target: encrypted >= 0.8 x plain on batched inserts: %s\n",
                batched[0] >= 0.8 * batched[1] ? "met" : "NOT met");

    // Opening the agent's store with the raw key (no key derivation): the check, the pragmas
    // and the schema.
    const QString storePath = dir.filePath(u"agent.db"_s);
    {
        auto created = Store::open({storePath, key});
        if (!created)
            check(created.error());
    }
    QElapsedTimer timer;
    constexpr int opens = 20;
    timer.start();
    for (int i = 0; i < opens; ++i) {
        auto store = Store::open({storePath, key});
        if (!store)
            check(store.error());
    }
    std::printf("%-34s %11.2f ms\n", "store open with the raw key",
                timer.nsecsElapsed() / 1e6 / opens);

    const QString storage = dir.filePath(u"profile/storage"_s);
    writeProfile(storage);
    auto store = Store::open({storePath, key});
    if (!store)
        check(store.error());
    SessionVault vault(*store.value(), u"bench"_s, dir.filePath(u"profile"_s));
    timer.restart();
    check(vault.seal());
    const double sealMs = timer.nsecsElapsed() / 1e6;
    check(vault.wipe());
    timer.restart();
    const auto restored = vault.restore();
    if (!restored)
        check(restored.error());
    const double restoreMs = timer.nsecsElapsed() / 1e6;
    std::printf("%-34s %11.0f ms\n", "seal a 50 MB profile", sealMs);
    std::printf("%-34s %11.0f ms\n", "restore a 50 MB profile", restoreMs);
    return 0;
}
