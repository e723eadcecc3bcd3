#include "agent/store/store.h"
#include "agent/vault/sessionvault.h"

#include <QDataStream>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#include <unistd.h>
#endif

using namespace Qt::Literals::StringLiterals;
using namespace sak;

namespace {
void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(path));
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// An archive in the vault's format with whatever entries a test wants, including bad ones.
QByteArray craftArchive(const QList<std::pair<QString, QByteArray>> &entries)
{
    QByteArray raw;
    QDataStream out(&raw, QIODevice::WriteOnly);
    out.setVersion(QDataStream::Qt_6_0);
    out << quint32(0x53414b56) << quint32(1);
    for (const auto &[path, content] : entries)
        out << true << path << content;
    out << false;
    return qCompress(raw);
}
} // namespace

class TestSessionVault : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        auto store = Store::open({m_dir->filePath(u"agent.db"_s), QByteArray(32, 'k')});
        QVERIFY(store);
        m_store = std::move(store).value();
    }
    void cleanup()
    {
        m_store.reset();
        m_dir.reset();
    }

    void packsOnlyTheSessionAndRestoresItExactly()
    {
        const QString storage = m_dir->filePath(u"a/storage"_s);
        writeFile(storage + u"/IndexedDB/site.leveldb/000003.log"_s, QByteArray("\x00\x01idb", 5));
        writeFile(storage + u"/IndexedDB/site.leveldb/LOCK"_s, {});
        writeFile(storage + u"/Local Storage/leveldb/CURRENT"_s, "MANIFEST-000001\n");
        writeFile(storage + u"/Cookies"_s, "not part of the session");
        writeFile(storage + u"/History"_s, "not part of the session");

        const auto archive = SessionVault::pack(storage);
        QVERIFY(archive);
        const QString target = m_dir->filePath(u"b/storage"_s);
        QVERIFY(SessionVault::unpack(archive.value(), target));
        QCOMPARE(readFile(target + u"/IndexedDB/site.leveldb/000003.log"_s),
                 QByteArray("\x00\x01idb", 5));
        QCOMPARE(readFile(target + u"/Local Storage/leveldb/CURRENT"_s),
                 QByteArray("MANIFEST-000001\n"));
        QVERIFY(!QFile::exists(target + u"/IndexedDB/site.leveldb/LOCK"_s));
        QVERIFY(!QFile::exists(target + u"/Cookies"_s));
        QVERIFY(!QFile::exists(target + u"/History"_s));
    }

    void refusesArchivesThatWriteElsewhere_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("parent directory") << u"../escaped"_s;
        QTest::newRow("through the session dir") << u"IndexedDB/../../escaped"_s;
        QTest::newRow("absolute") << u"/tmp/sak-escaped"_s;
        QTest::newRow("other profile file") << u"Cookies"_s;
    }
    void refusesArchivesThatWriteElsewhere()
    {
        QFETCH(QString, path);
        const QString target = m_dir->filePath(u"c/storage"_s);
        const auto unpacked = SessionVault::unpack(craftArchive({{path, "x"}}), target);
        QVERIFY(!unpacked);
        QVERIFY(unpacked.error().message.contains(u"invalid entry"_s));
        QVERIFY(!QFile::exists(m_dir->filePath(u"c/escaped"_s)));
        QVERIFY(!QFile::exists(u"/tmp/sak-escaped"_s));
    }

    void refusesDamagedArchives_data()
    {
        QTest::addColumn<QByteArray>("archive");
        QTest::newRow("not compressed") << QByteArray("garbage");
        QTest::newRow("wrong magic") << qCompress(QByteArray(16, 'x'));
        QByteArray truncated = craftArchive({{u"IndexedDB/a"_s, QByteArray(1000, 'a')}});
        QTest::newRow("truncated") << qCompress(qUncompress(truncated).left(40));
    }
    void refusesDamagedArchives()
    {
        QFETCH(QByteArray, archive);
        QVERIFY(!SessionVault::unpack(archive, m_dir->filePath(u"d/storage"_s)));
    }

    void restorePrefersTheCopyThatSurvivedACrash()
    {
        const QString profile = m_dir->filePath(u"run/profile"_s);
        SessionVault vault(*m_store, u"default"_s, profile);
        QCOMPARE(vault.restore().value(), SessionVault::Restored::Nothing);

        writeFile(profile + u"/storage/Local Storage/leveldb/000003.log"_s, "sealed state");
        QVERIFY(vault.seal());
        QCOMPARE(vault.restore().value(), SessionVault::Restored::CrashCopy);

        QVERIFY(vault.wipe());
        QVERIFY(!QFile::exists(profile));
        QCOMPARE(vault.restore().value(), SessionVault::Restored::Seal);
        QCOMPARE(readFile(profile + u"/storage/Local Storage/leveldb/000003.log"_s),
                 QByteArray("sealed state"));
        const auto p = QFileInfo(profile).permissions();
        QVERIFY(!(p & (QFileDevice::ReadGroup | QFileDevice::ReadOther)));
    }

#ifdef Q_OS_LINUX
    void runtimeRootIsPrivateAndInTheRuntimeDirectory()
    {
        const QByteArray saved = qgetenv("XDG_RUNTIME_DIR");
        qputenv("XDG_RUNTIME_DIR", m_dir->path().toLocal8Bit());
        const auto root = SessionVault::runtimeRoot();
        qputenv("XDG_RUNTIME_DIR", saved);
        QVERIFY(root);
        QCOMPARE(root.value(), m_dir->filePath(u"sak-agent"_s));
        const auto p = QFileInfo(root.value()).permissions();
        QVERIFY(p & QFileDevice::ExeOwner);
        QVERIFY(!(p & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::ExeOther)));
    }

    // The RAM root's name is predictable (/dev/shm/sak-agent-<uid> in a directory every user
    // may write to): one found there is used only as this user made it, else the agent stops
    // and says what to remove.
    void plantedRuntimeRootIsRefused_data()
    {
        QTest::addColumn<QString>("plant");
        QTest::addColumn<QString>("reason");
        QTest::newRow("symlink to a directory") << u"symlink"_s << u"symbolic link"_s;
        QTest::newRow("dangling symlink") << u"dangling"_s << u"symbolic link"_s;
        QTest::newRow("a file") << u"file"_s << u"not a directory"_s;
        QTest::newRow("writable by all") << u"0777"_s << u"can be written by other users"_s;
        QTest::newRow("writable by the group") << u"0770"_s << u"can be written by other users"_s;
        QTest::newRow("another user's") << u"nobody"_s << u"belongs to another user"_s;
    }
    void plantedRuntimeRootIsRefused()
    {
        QFETCH(QString, plant);
        QFETCH(QString, reason);
        QTemporaryDir runtime;
        const QString root = runtime.filePath(u"sak-agent"_s);
        const QString elsewhere = runtime.filePath(u"elsewhere"_s);
        QVERIFY(QDir().mkdir(elsewhere));
        QVERIFY(QFile::setPermissions(
            elsewhere, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner |
                           QFileDevice::ReadOther | QFileDevice::ExeOther));
        if (plant == u"symlink"_s) {
            QVERIFY(QFile::link(elsewhere, root));
        } else if (plant == u"dangling"_s) {
            QVERIFY(QFile::link(runtime.filePath(u"missing"_s), root));
        } else if (plant == u"file"_s) {
            writeFile(root, "x");
        } else if (plant == u"nobody"_s) {
            if (::geteuid() != 0)
                QSKIP("Only root can give a directory to another user");
            QVERIFY(QDir().mkdir(root));
            QVERIFY(::chown(QFile::encodeName(root).constData(), 65534, 65534) == 0);
            QVERIFY(::chmod(QFile::encodeName(root).constData(), 0700) == 0);
        } else {
            QVERIFY(QDir().mkdir(root));
            QVERIFY(::chmod(QFile::encodeName(root).constData(), plant.toUInt(nullptr, 8)) == 0);
        }
        const QByteArray saved = qgetenv("XDG_RUNTIME_DIR");
        qputenv("XDG_RUNTIME_DIR", runtime.path().toLocal8Bit());
        const auto claimed = SessionVault::runtimeRoot();
        qputenv("XDG_RUNTIME_DIR", saved);
        QVERIFY2(!claimed, qPrintable(claimed ? claimed.value() : QString()));
        QVERIFY2(claimed.error().message.contains(reason), qPrintable(claimed.error().message));
        QVERIFY2(claimed.error().message.contains(u"rm -r "_s + root),
                 qPrintable(claimed.error().message));
        // Nothing was done to what a link pointed at.
        QCOMPARE(QFileInfo(elsewhere).permissions() & QFileDevice::ReadOther,
                 QFileDevice::ReadOther);
    }

    // A root of this user's that others may only read (an earlier version's umask, say) is
    // closed and used.
    void ownRuntimeRootIsClosedToOthers()
    {
        QTemporaryDir runtime;
        const QString root = runtime.filePath(u"sak-agent"_s);
        QVERIFY(QDir().mkdir(root));
        QVERIFY(::chmod(QFile::encodeName(root).constData(), 0755) == 0);
        const QByteArray saved = qgetenv("XDG_RUNTIME_DIR");
        qputenv("XDG_RUNTIME_DIR", runtime.path().toLocal8Bit());
        const auto claimed = SessionVault::runtimeRoot();
        qputenv("XDG_RUNTIME_DIR", saved);
        QVERIFY2(claimed, qPrintable(claimed ? QString() : claimed.error().message));
        QCOMPARE(claimed.value(), root);
        struct stat st = {};
        QCOMPARE(::stat(QFile::encodeName(root).constData(), &st), 0);
        QCOMPARE(st.st_mode & 07777, 0700u);
    }

    // XDG_RUNTIME_DIR that others can write to (and that is not sticky) is not trusted with
    // the root: they could swap it after the check. The agent falls back to /dev/shm.
    void sharedRuntimeDirectoryIsNotUsed()
    {
        QTemporaryDir runtime;
        QVERIFY(::chmod(QFile::encodeName(runtime.path()).constData(), 0777) == 0);
        const QByteArray saved = qgetenv("XDG_RUNTIME_DIR");
        qputenv("XDG_RUNTIME_DIR", runtime.path().toLocal8Bit());
        const auto claimed = SessionVault::runtimeRoot();
        qputenv("XDG_RUNTIME_DIR", saved);
        QVERIFY(!QFileInfo::exists(runtime.filePath(u"sak-agent"_s)));
        if (claimed)
            QCOMPARE(claimed.value(), u"/dev/shm/sak-agent-%1"_s.arg(::geteuid()));
    }
#endif

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store> m_store;
};

QTEST_GUILESS_MAIN(TestSessionVault)
#include "tst_sessionvault.moc"
