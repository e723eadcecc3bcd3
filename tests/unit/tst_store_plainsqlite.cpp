#include "agent/store/store.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

// This executable runs the store's code on plain SQLite (no SQLCipher), as a process would in
// which our calls bound to the libsqlite3 that NSS brings in. PRAGMA key then "succeeds" and
// would write plaintext; the store must notice and refuse before anything is written.
class TestStorePlainSqlite : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void refusesToRunWithoutEncryption()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"agent.db"_s);
        const auto store = Store::open({path, QByteArray(Store::kKeySize, 'k')});
        QVERIFY(!store);
        QCOMPARE(store.error().code, u"store-no-cipher"_s);
        QVERIFY2(store.error().message.contains(u"Encryption is not active"_s),
                 qPrintable(store.error().message));
        QCOMPARE(QFileInfo(path).size(), 0); // nothing was written
        QVERIFY(!QFileInfo::exists(path + u"-wal"_s));
    }
};

QTEST_GUILESS_MAIN(TestStorePlainSqlite)
#include "tst_store_plainsqlite.moc"
