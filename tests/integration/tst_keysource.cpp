#include "agent/keys/keyfiles.h"
#include "agent/keys/keysource.h"

#include <QFile>
#include <QFileInfo>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#include <unistd.h>
#endif

using namespace Qt::Literals::StringLiterals;
using namespace sak;

// Key sources against the real thing: the Secret Service of a private GNOME Keyring (see
// tests/with-keyring.sh), key files and passphrases on disk.
class TestKeySource : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void keychainCreatesOnceThenReads()
    {
        const QString entry = u"test-"_s + QUuid::createUuid().toString(QUuid::WithoutBraces);
        KeySource first(keychain(entry));
        const auto created = load(first);
        QVERIFY2(created, created ? "" : qPrintable(created.error().message));
        QCOMPARE(created.value().size(), 32);
        KeySource second(keychain(entry));
        const auto again = load(second);
        QVERIFY(again);
        QCOMPARE(again.value(), created.value());
    }

    void keychainRotationKeepsTheNextKeyAsideUntilCommitted()
    {
        const QString entry = u"test-"_s + QUuid::createUuid().toString(QUuid::WithoutBraces);
        KeySource source(keychain(entry));
        const QByteArray current = load(source).value();
        std::optional<Result<QByteArray>> next;
        source.prepareNext([&](Result<QByteArray> k) { next.emplace(std::move(k)); });
        QTRY_VERIFY(next.has_value());
        QVERIFY(*next);
        QVERIFY(next->value() != current);
        QCOMPARE(load(source).value(), current); // not yet the current key
        std::optional<Result<QByteArray>> pending;
        source.loadNext([&](Result<QByteArray> k) { pending.emplace(std::move(k)); });
        QTRY_VERIFY(pending.has_value());
        QCOMPARE(pending->value(), next->value());

        std::optional<Status> committed;
        source.commitNext([&](Status s) { committed = s; });
        QTRY_VERIFY(committed.has_value());
        QVERIFY2(*committed, qPrintable(committed->ok() ? QString() : committed->error().message));
        QCOMPARE(load(source).value(), next->value());
        pending.reset();
        source.loadNext([&](Result<QByteArray> k) { pending.emplace(std::move(k)); });
        QTRY_VERIFY(pending.has_value());
        QVERIFY(!*pending);
    }

    // Run without any D-Bus session (see tests/CMakeLists.txt): the error says what to do.
    void noKeychainGivesAnActionableError()
    {
        if (qEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS") != u"disabled:"_s)
            QSKIP("runs in its own CTest entry without a session bus");
        KeySource source(keychain(u"absent"_s));
        const auto key = load(source);
        QVERIFY(!key);
        QCOMPARE(key.error().code, u"keychain-unavailable"_s);
        QVERIFY2(key.error().message.contains(u"--key-file"_s) &&
                     key.error().message.contains(u"--passphrase-file"_s),
                 qPrintable(key.error().message));
    }

    void keyFileIsCreatedOwnerOnlyAndReadBack()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"agent.key"_s);
        KeySourceOptions options;
        options.protection = KeyProtection::KeyFile;
        options.keyFile = path;
        KeySource source(options);
        const auto created = load(source);
        QVERIFY(created);
        QCOMPARE(created.value().size(), 32);
        const auto p = QFileInfo(path).permissions();
        QVERIFY(!(p & (QFileDevice::ReadGroup | QFileDevice::ReadOther)));
        QCOMPARE(load(source).value(), created.value());
    }

    void keyFileMustBePrivateAndWellFormed_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<bool>("groupReadable");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("readable by others") << QByteArray(64, 'a') << true << u"chmod 600"_s;
        QTest::newRow("too short") << QByteArray("abcd") << false << u"damaged"_s;
        QTest::newRow("not hex") << QByteArray(64, 'z') << false << u"damaged"_s;
    }
    void keyFileMustBePrivateAndWellFormed()
    {
        QFETCH(QByteArray, content);
        QFETCH(bool, groupReadable);
        QFETCH(QString, messagePart);
        QTemporaryDir dir;
        const QString path = dir.filePath(u"agent.key"_s);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
        file.close();
        QFile::setPermissions(
            path, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                      (groupReadable ? QFileDevice::ReadGroup : QFileDevice::Permissions()));
        const auto key = readOrCreateKeyFile(path);
        QVERIFY(!key);
        QVERIFY2(key.error().message.contains(messagePart), qPrintable(key.error().message));
    }

    void passphraseDerivesTheSameKeyWithItsParameters()
    {
        QTemporaryDir dir;
        const QString params = dir.filePath(u"key.params"_s);
        const auto first = deriveKeyFromPassphrase("correct horse battery staple", params, false);
        QVERIFY(first);
        QCOMPARE(first.value().size(), 32);
        QCOMPARE(deriveKeyFromPassphrase("correct horse battery staple", params, false).value(),
                 first.value());
        QVERIFY(deriveKeyFromPassphrase("correct horse battery stapler", params, false).value() !=
                first.value());
        QVERIFY(deriveKeyFromPassphrase("correct horse battery staple", params, true).value() !=
                first.value()); // new salt
    }

    void passphraseFromAFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"pass"_s);
        writePrivate(path, "short\n");
        QVERIFY(!readPassphrase(path));
        writePrivate(path, "a long enough passphrase\n");
        QCOMPARE(readPassphrase(path).value(), QByteArray("a long enough passphrase"));
        QVERIFY(!readPassphrase(dir.filePath(u"missing"_s)));
    }

    // Whoever else can read the passphrase file can read the data; whoever can change it can
    // lock the shop out. Refused, with the command that fixes it.
    void aPassphraseFileOthersCanReachIsRefused_data()
    {
        QTest::addColumn<int>("mode");
        QTest::newRow("group-readable") << 0640;
        QTest::newRow("world-readable") << 0604;
        QTest::newRow("group-writable") << 0620;
    }

    void aPassphraseFileOthersCanReachIsRefused()
    {
        QFETCH(int, mode);
        QTemporaryDir dir;
        const QString path = dir.filePath(u"pass"_s);
        writePrivate(path, "a long enough passphrase\n");
        QVERIFY(QFile::setPermissions(path, permissions(mode)));
        const auto passphrase = readPassphrase(path);
        QVERIFY(!passphrase);
        QVERIFY2(passphrase.error().message.contains(u"chmod 600 %1"_s.arg(path)),
                 qPrintable(passphrase.error().message));
    }

    // systemd's credentials are its own (shared with the service's user through an ACL, so
    // their mode bits look group-readable): they are taken as they are.
    void aSystemdCredentialIsTakenAsItIs()
    {
        QTemporaryDir credentials;
        const QString path = credentials.filePath(u"passphrase"_s);
        writePrivate(path, "a long enough passphrase\n");
        QVERIFY(QFile::setPermissions(path, permissions(0440)));
        QVERIFY(!readPassphrase(path));
        qputenv("CREDENTIALS_DIRECTORY", QFile::encodeName(credentials.path()));
        const auto passphrase = readPassphrase(path);
        qunsetenv("CREDENTIALS_DIRECTORY");
        QVERIFY2(passphrase, qPrintable(passphrase ? QString() : passphrase.error().message));
    }

    void keyAndPassphraseFilesOfAnotherUserAreRefused()
    {
#ifdef Q_OS_UNIX
        if (::geteuid() != 0)
            QSKIP("only root can give a file to another user");
        QTemporaryDir dir;
        const QString pass = dir.filePath(u"pass"_s);
        writePrivate(pass, "a long enough passphrase\n");
        const QString key = dir.filePath(u"agent.key"_s);
        writePrivate(key, QByteArray(64, 'a'));
        for (const QString &path : {pass, key})
            QCOMPARE(::chown(QFile::encodeName(path).constData(), 65534, 65534), 0);
        const auto passphrase = readPassphrase(pass);
        QVERIFY(!passphrase);
        QVERIFY2(passphrase.error().message.contains(u"belongs to another user"_s),
                 qPrintable(passphrase.error().message));
        const auto keyFile = readOrCreateKeyFile(key);
        QVERIFY(!keyFile);
        QVERIFY2(keyFile.error().message.contains(u"belongs to another user"_s),
                 qPrintable(keyFile.error().message));
#else
        QSKIP("file owners are a Unix matter here");
#endif
    }

    // Owner-only before the key is in it, whatever the umask (the test sets one that lets
    // others read);
    // a key file that cannot be written is an error, not a key kept in memory only.
    void aKeyFileIsWrittenOwnerOnly()
    {
#ifdef Q_OS_UNIX
        // A umask that lets others read, whatever the one this test was started with.
        const mode_t umaskBefore = ::umask(022);
        const auto restore = qScopeGuard([umaskBefore] { ::umask(umaskBefore); });
#endif
        QTemporaryDir dir;
        QVERIFY(writeKeyFile(dir.filePath(u"agent.key"_s), newDataKey()));
        QCOMPARE(QFileInfo(dir.filePath(u"agent.key"_s)).permissions() &
                     (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                 QFileDevice::Permissions());
        const Status nowhere = writeKeyFile(dir.filePath(u"missing/agent.key"_s), newDataKey());
        QVERIFY(!nowhere);
        QVERIFY(nowhere.error().message.contains(u"cannot be written"_s));
    }

private:
    static void writePrivate(const QString &path, const QByteArray &bytes)
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QVERIFY(file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        file.write(bytes);
    }

    static QFileDevice::Permissions permissions(int mode)
    {
        QFileDevice::Permissions p;
        const std::pair<int, QFileDevice::Permissions> bits[] = {
            {0400, QFileDevice::ReadOwner | QFileDevice::ReadUser},
            {0200, QFileDevice::WriteOwner | QFileDevice::WriteUser},
            {0040, QFileDevice::ReadGroup},
            {0020, QFileDevice::WriteGroup},
            {0004, QFileDevice::ReadOther},
            {0002, QFileDevice::WriteOther}};
        for (const auto &[bit, permission] : bits) {
            if (mode & bit)
                p |= permission;
        }
        return p;
    }

    static KeySourceOptions keychain(const QString &entry)
    {
        KeySourceOptions options;
        options.entry = entry;
        return options;
    }

    static Result<QByteArray> load(KeySource &source)
    {
        std::optional<Result<QByteArray>> outcome;
        source.load([&](Result<QByteArray> key) { outcome.emplace(std::move(key)); });
        if (!QTest::qWaitFor([&] { return outcome.has_value(); }, 20000))
            return Error{u"test"_s, u"the key source did not answer"_s};
        return *outcome;
    }
};

QTEST_GUILESS_MAIN(TestKeySource)
#include "tst_keysource.moc"
