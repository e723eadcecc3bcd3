#include "agent/keys/keyfiles.h"
#include "agent/keys/keysource.h"
#include "agent/store/store.h"
#include "tests/support/testenv.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

// `sak-agent --rotate-key`, the real command: the database is re-encrypted under a new key,
// the key source follows, nothing is lost, and a rotation cut short is finished on the next
// start. Runs inside a private GNOME Keyring (tests/with-keyring.sh).
class TestKeyRotation : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void rotatesAKeychainKey()
    {
        QCOMPARE(rotate({}), 0); // first run: creates the store and its key, then rotates
        const QByteArray first = keychainKey();
        QCOMPARE(first.size(), 32);
        QVERIFY(addMessage(first, u"before"_s));
        QCOMPARE(rotate({}), 0);
        const QByteArray second = keychainKey();
        QVERIFY(second != first);
        auto store = Store::open({storePath(), second});
        QVERIFY2(store, store ? "" : qPrintable(store.error().message));
        QCOMPARE(store.value()->journalSize().value(), 1);
        QCOMPARE(Store::open({storePath(), first}).error().code, u"store-wrong-key"_s);
    }

    void rotatesAKeyFile()
    {
        const QString keyFile = m_dir->filePath(u"agent.key"_s);
        QCOMPARE(rotate({u"--key-file"_s, keyFile}), 0);
        const QByteArray first = readOrCreateKeyFile(keyFile).value();
        QVERIFY(addMessage(first, u"before"_s));
        QCOMPARE(rotate({u"--key-file"_s, keyFile}), 0);
        const QByteArray second = readOrCreateKeyFile(keyFile).value();
        QVERIFY(second != first);
        QVERIFY(!QFile::exists(keyFile + u".next"_s));
        QCOMPARE(Store::open({storePath(), second}).value()->journalSize().value(), 1);
    }

    void finishesARotationThatWasCutShort()
    {
        // The state a crash leaves between re-keying the database and storing the new key:
        // the database is under the "next" key, the key file still holds the old one.
        const QString keyFile = m_dir->filePath(u"agent.key"_s);
        const QByteArray old = readOrCreateKeyFile(keyFile).value();
        const QByteArray next = newDataKey();
        QVERIFY(writeKeyFile(keyFile + u".next"_s, next));
        {
            auto store = Store::open({storePath(), old});
            QVERIFY(store);
            QVERIFY(store.value()->journalInbound(message(u"kept"_s)).value());
            QVERIFY(store.value()->rekey(next));
        }
        QCOMPARE(rotate({u"--key-file"_s, keyFile}), 0);
        QVERIFY(m_output.contains("interrupted"));
        const QByteArray current = readOrCreateKeyFile(keyFile).value();
        QVERIFY(current != old && current != next);
        QCOMPARE(Store::open({storePath(), current}).value()->journalSize().value(), 1);
    }

    void passphraseFromStandardInput()
    {
        const QStringList args{u"--passphrase-file"_s, u"-"_s};
        QCOMPARE(rotate(args, "a passphrase long enough\n"), 0);
        QCOMPARE(rotate(args, "a passphrase long enough\n"), 0);
        const auto key = deriveKeyFromPassphrase("a passphrase long enough",
                                                 m_dir->filePath(u"data/key-params.json"_s), false);
        QVERIFY(key);
        QVERIFY(Store::open({storePath(), key.value()}));
        QVERIFY(rotate(args, "a different passphrase!\n") != 0);
        QVERIFY2(m_output.contains("different key"), m_output.constData());
    }

private:
    static InboundMessage message(const QString &id)
    {
        return InboundMessage{id, u"1@c.us"_s, {}, u"chat"_s, u"text"_s, 1, {}};
    }
    QString storePath() const { return m_dir->filePath(u"data/agent.db"_s); }

    bool addMessage(const QByteArray &key, const QString &id)
    {
        auto store = Store::open({storePath(), key});
        return store && store.value()->journalInbound(message(id)).value();
    }

    int rotate(const QStringList &extra, const QByteArray &input = {})
    {
        QProcess agent;
        agent.setProcessChannelMode(QProcess::MergedChannels);
        agent.start(qEnvironmentVariable("SAK_BIN_DIR") + u"/sak-agent"_s,
                    QStringList{u"--rotate-key"_s, u"--cloud-url"_s, u"https://127.0.0.1:1"_s,
                                u"--tenant-id"_s, u"rot-shop"_s, u"--agent-id"_s, u"rot-pc"_s,
                                u"--data-dir"_s, m_dir->filePath(u"data"_s)} +
                        extra);
        agent.write(input);
        agent.closeWriteChannel();
        if (!agent.waitForFinished(60000))
            return -1;
        m_output = agent.readAll();
        return agent.exitStatus() == QProcess::NormalExit ? agent.exitCode() : -1;
    }

    QByteArray keychainKey()
    {
        KeySourceOptions options;
        options.entry = u"data-key:"_s + QDir(m_dir->filePath(u"data"_s)).absolutePath();
        KeySource source(options);
        std::optional<Result<QByteArray>> key;
        source.load([&](Result<QByteArray> k) { key.emplace(std::move(k)); });
        return QTest::qWaitFor([&] { return key.has_value(); }, 20000) && *key ? key->value()
                                                                               : QByteArray();
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    QByteArray m_output;
};

QTEST_GUILESS_MAIN(TestKeyRotation)
#include "tst_keyrotation.moc"
