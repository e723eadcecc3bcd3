// One test executable per unit: the Store, from opening, keys and migrations to every table it
// keeps, against real SQLCipher files; hence about 430 lines.
#include "agent/keys/keyfiles.h"
#include "agent/store/store.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#ifdef Q_OS_UNIX
#include <csignal>
#include <unistd.h>
#endif

using namespace Qt::Literals::StringLiterals;
using namespace sak;

namespace {

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

// Readable and writable by the owner, and nothing at all for group and others.
bool ownerOnly(const QString &path)
{
    const auto p = QFileInfo(path).permissions();
    const auto others = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup |
                        QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;
    return (p & QFileDevice::ReadOwner) && (p & QFileDevice::WriteOwner) && !(p & others);
}

QString marker(int i)
{
    return u"SAKMARKER-%1-7f3a"_s.arg(i, 4, 10, QChar(u'0'));
}

// Writes the markers through the store, each in its own durable commit.
void writeMarkers(Store &store, int from, int to)
{
    for (int i = from; i < to; ++i) {
        const QString text = marker(i);
        if (i % 2 == 0)
            store.journalInbound(InboundMessage{
                u"false_1@c.us_"_s + text, u"1@c.us"_s, {}, u"chat"_s, text, 1, text});
        else
            store.enqueueOutbound(
                OutboundText{u"c-"_s + text, u"1@c.us"_s, text, u"3EB0"_s + text});
    }
}

// Every file under dir whose bytes contain any marker, in UTF-8 or UTF-16.
QStringList filesWithMarkers(const QString &dir, int count)
{
    QStringList found;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QByteArray bytes = file.readAll();
        for (int i = 0; i < count; ++i) {
            const QString m = marker(i);
            if (bytes.contains(m.toUtf8()) ||
                bytes.contains(
                    QByteArray(reinterpret_cast<const char *>(m.utf16()), m.size() * 2))) {
                found.append(file.fileName());
                break;
            }
        }
    }
    return found;
}

} // namespace

class TestStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_key = newDataKey();
    }

    void createsAnEncryptedOwnerOnlyDatabase()
    {
        auto store = open();
        QVERIFY(store);
        QVERIFY(!store->cipherVersion().isEmpty());
        QCOMPARE(store->schemaVersion(), Store::kLatestVersion);
        QVERIFY(store
                    ->journalInbound(
                        InboundMessage{u"id1"_s, u"1@c.us"_s, {}, u"chat"_s, u"hello"_s, 1, {}})
                    .value());
        QFile file(dbPath());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.read(16).startsWith("SQLite format 3"));
#ifdef Q_OS_UNIX
        QVERIFY(ownerOnly(dbPath()));
        for (const QString &suffix : {u"-wal"_s, u"-shm"_s, u".keycheck"_s}) {
            QVERIFY2(QFile::exists(dbPath() + suffix), qPrintable(suffix));
            QVERIFY2(ownerOnly(dbPath() + suffix), qPrintable(suffix));
        }
        QVERIFY(ownerOnly(QFileInfo(dbPath()).absolutePath()));
#endif
    }

    void keepsDataAcrossReopenAndDeduplicates()
    {
        {
            auto store = open();
            QVERIFY(store);
            const InboundMessage m{u"id1"_s, u"1@c.us"_s, {}, u"chat"_s, u"hello"_s, 1, {}};
            QCOMPARE(store->journalInbound(m).value(), true);
            QCOMPARE(store->journalInbound(m).value(), false);
            const OutboundText t{u"c1"_s, u"1@c.us"_s, u"hi"_s, u"3EB0AA"_s};
            QCOMPARE(store->enqueueOutbound(t).value(), true);
            QCOMPARE(store->enqueueOutbound(t).value(), false);
            QVERIFY(store->saveSeal(u"default"_s, QByteArray("session-bytes\0with-nul", 22)));
        }
        auto store = open();
        QVERIFY(store);
        QCOMPARE(store->journalSize().value(), 1);
        QCOMPARE(store->loadSeal(u"default"_s).value().value(),
                 QByteArray("session-bytes\0with-nul", 22));
        QVERIFY(!store->loadSeal(u"other"_s).value().has_value());
        QVERIFY(store->integrityCheck());
    }

    void outboxStatesSurviveAReopen()
    {
        {
            auto store = open();
            QVERIFY(store);
            for (int i = 0; i < 3; ++i)
                QVERIFY(store
                            ->enqueueOutbound({u"c%1"_s.arg(i), u"1@c.us"_s, u"text %1"_s.arg(i),
                                               u"3EB0%1"_s.arg(i)})
                            .value());
            QVERIFY(store->setOutboundState(u"c0"_s, u"sending"_s));
            QVERIFY(store->setOutboundState(u"c0"_s, u"sent"_s));
            QVERIFY(store->setOutboundState(u"c1"_s, u"sending"_s));
            // The state machine refuses what cannot happen, and unknown ids, with a reason.
            const auto backwards = store->setOutboundState(u"c0"_s, u"sending"_s);
            QVERIFY(!backwards);
            QVERIFY(backwards.error().message.contains(u"cannot become sending"_s));
            QVERIFY(!store->setOutboundState(u"nobody"_s, u"sent"_s));
        }
        auto store = open();
        const auto queued = store->outboundInState(u"queued"_s);
        QVERIFY(queued);
        QCOMPARE(queued.value().size(), 1);
        QCOMPARE(queued.value().at(0),
                 (OutboundText{u"c2"_s, u"1@c.us"_s, u"text 2"_s, u"3EB02"_s}));
        QCOMPARE(store->outboundInState(u"sending"_s).value().size(), 1);
        QCOMPARE(store->outboundInState(u"sent"_s).value().at(0).waMessageId, u"3EB00"_s);
    }

    void outboxBrowsing_data()
    {
        QTest::addColumn<QStringList>("states");
        QTest::addColumn<QString>("chat");
        QTest::addColumn<QString>("search");
        QTest::addColumn<QStringList>("expected"); // client ids, newest first

        QTest::newRow("everything") << QStringList() << QString() << QString()
                                    << QStringList{u"c4"_s, u"c3"_s, u"c2"_s, u"c1"_s, u"c0"_s};
        QTest::newRow("one state")
            << QStringList{u"failed"_s} << QString() << QString() << QStringList{u"c1"_s};
        QTest::newRow("two states") << QStringList{u"queued"_s, u"failed"_s} << QString()
                                    << QString() << QStringList{u"c4"_s, u"c3"_s, u"c2"_s, u"c1"_s};
        QTest::newRow("one chat") << QStringList() << u"2@c.us"_s << QString()
                                  << QStringList{u"c3"_s, u"c1"_s};
        QTest::newRow("search ignores case")
            << QStringList() << QString() << u"PRICE"_s << QStringList{u"c2"_s, u"c0"_s};
        QTest::newRow("search finds errors")
            << QStringList() << QString() << u"not on whatsapp"_s << QStringList{u"c1"_s};
        QTest::newRow("wildcards are literal")
            << QStringList() << QString() << u"50%"_s << QStringList{u"c4"_s};
        QTest::newRow("underscore is literal")
            << QStringList() << QString() << u"a_b"_s << QStringList();
        QTest::newRow("all together")
            << QStringList{u"queued"_s} << u"1@c.us"_s << u"price"_s << QStringList{u"c2"_s};
    }

    void outboxBrowsing()
    {
        QFETCH(QStringList, states);
        QFETCH(QString, chat);
        QFETCH(QString, search);
        QFETCH(QStringList, expected);
        auto store = open();
        QVERIFY(store);
        const QStringList bodies{u"The price is 10"_s, u"hello"_s, u"New prices today"_s, u"axb"_s,
                                 u"50% off"_s};
        for (int i = 0; i < bodies.size(); ++i)
            QVERIFY(store
                        ->enqueueOutbound({u"c%1"_s.arg(i), i % 2 ? u"2@c.us"_s : u"1@c.us"_s,
                                           bodies.at(i), u"3EB0%1"_s.arg(i)})
                        .value());
        QVERIFY(store->setOutboundState(u"c0"_s, u"sending"_s));
        QVERIFY(store->setOutboundState(u"c0"_s, u"sent"_s));
        QVERIFY(store->setOutboundState(u"c1"_s, u"failed"_s, u"Not on WhatsApp"_s));

        const OutboxFilter filter{states, chat, search};
        QCOMPARE(store->outboxCount(filter).value(), expected.size());
        // Page by page, two at a time, as the viewer scrolls.
        QStringList seen;
        qint64 before = 0;
        for (;;) {
            const auto page = store->outboxPage(filter, before, 2);
            QVERIFY(page);
            if (page.value().isEmpty())
                break;
            for (const OutboxRow &row : page.value())
                seen.append(row.item.text.clientId);
            before = page.value().constLast().rowid;
        }
        QCOMPARE(seen, expected);
    }

    // A poll and who an item goes to survive in the store; what WhatsApp tells when it is sent
    // completes who (never blanks it) and reaches the status reports and the viewer's rows.
    void pollsAndRecipientsAreKept()
    {
        auto store = open();
        QVERIFY(store);
        OutboxItem item;
        item.text = {u"p"_s, u"491701234567@c.us"_s, u"Which time?"_s, u"3EB0P"_s};
        item.text.poll = Poll{{u"18:00"_s, u"19:00"_s}, true};
        item.recipient = recipientOf(item.text.chatId);
        QCOMPARE(item.recipient.phone, u"+491701234567"_s);
        QVERIFY(store->enqueueOutbound(item, 1000).value());
        auto kept = store->outboundItem(u"p"_s).value();
        QVERIFY(kept);
        QCOMPARE(kept->text.poll, item.text.poll);
        QCOMPARE(kept->recipient, item.recipient);

        QVERIFY(store->setOutboundRecipient(u"3EB0P"_s, {u"77@lid"_s, {}, u"77@lid"_s}));
        QVERIFY(store->setOutboundState(u"p"_s, u"sending"_s));
        kept = store->outboundItem(u"p"_s).value();
        const Recipient known{u"77@lid"_s, u"+491701234567"_s, u"77@lid"_s};
        QCOMPARE(kept->recipient, known);
        const auto reports = store->pendingStatusReports(10).value();
        QCOMPARE(reports.size(), 2);
        QCOMPARE(reports.at(0).recipient.phone, u"+491701234567"_s); // queued: before the send
        QCOMPARE(reports.at(1).recipient, known);
        const auto rows = store->outboxPage({}, 0, 10).value();
        QCOMPARE(rows.at(0).item.recipient, known);
        QCOMPARE(rows.at(0).item.text.poll, item.text.poll);
        // The owner finds the customer by number or LID.
        QCOMPARE(store->outboxPage({{}, {}, u"+4917012"_s}, 0, 10).value().size(), 1);
        QCOMPARE(store->outboxPage({{}, {}, u"77@lid"_s}, 0, 10).value().size(), 1);
    }

    void outboxChangesAreNumbered()
    {
        auto store = open();
        QVERIFY(store);
        QCOMPARE(store->outboxChangeSeq().value(), 0);
        const QString longBody(OutboxRow::kPreviewLength + 50, u'x');
        QVERIFY(store->enqueueOutbound({u"a"_s, u"1@c.us"_s, longBody, u"3EB0A"_s}).value());
        QVERIFY(store->enqueueOutbound({u"b"_s, u"1@c.us"_s, u"hi"_s, u"3EB0B"_s}).value());
        const qint64 afterInserts = store->outboxChangeSeq().value();
        QCOMPARE(afterInserts, 2);
        const auto rows = store->outboxPage({}, 0, 10).value();
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows.at(1).item.text.body.size(), OutboxRow::kPreviewLength);

        // A move stamps the item with the next number; the filter says whether it still fits.
        QVERIFY(store->setOutboundState(u"a"_s, u"failed"_s, u"gone"_s));
        const OutboxFilter queuedOnly{{u"queued"_s}, {}, {}};
        const auto changed = store->outboxChangedSince(queuedOnly, afterInserts, 10);
        QVERIFY(changed);
        QCOMPARE(changed.value().size(), 1);
        QCOMPARE(changed.value().at(0).item.text.clientId, u"a"_s);
        QCOMPARE(changed.value().at(0).item.state, u"failed"_s);
        QCOMPARE(changed.value().at(0).changeSeq, afterInserts + 1);
        QVERIFY(!changed.value().at(0).matches);
        QVERIFY(store->outboxChangedSince({}, afterInserts, 10).value().at(0).matches);
        QCOMPARE(store->outboxChangedSince({}, afterInserts + 1, 10).value().size(), 0);
        QCOMPARE(store->outboxChats(10).value(), QStringList{u"1@c.us"_s});
    }

    void wrongKeyIsNamedAndTouchesNothing()
    {
        QVERIFY(open());
        const QByteArray before = fileHash(dbPath());
        const auto wrong = Store::open({dbPath(), newDataKey()});
        QVERIFY(!wrong);
        QCOMPARE(wrong.error().code, u"store-wrong-key"_s);
        QVERIFY(wrong.error().message.contains(u"different key"_s));
        QCOMPARE(fileHash(dbPath()), before);
        QVERIFY(open()); // the right key still opens it
    }

    void withoutTheKeyCheckAWrongKeyIsStillRefused()
    {
        QVERIFY(open());
        QVERIFY(QFile::remove(Store::keyCheckPath(dbPath())));
        const QByteArray before = fileHash(dbPath());
        const auto wrong = Store::open({dbPath(), newDataKey()});
        QVERIFY(!wrong);
        QCOMPARE(wrong.error().code, u"store-unreadable"_s);
        QCOMPARE(fileHash(dbPath()), before);
    }

    void damagedFileIsKeptAndOnlyReplacedWithConsent()
    {
        QVERIFY(open());
        {
            QFile file(dbPath());
            QVERIFY(file.open(QIODevice::ReadWrite));
            file.seek(100);
            file.write(QByteArray(200, '\x5a'));
        }
        const QByteArray damaged = fileHash(dbPath());
        const auto refused = Store::open({dbPath(), m_key});
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, u"store-corrupt"_s);
        QVERIFY(refused.error().message.contains(u"--reset-corrupt-store"_s));
        QCOMPARE(fileHash(dbPath()), damaged);

        auto fresh = Store::open({dbPath(), m_key, true});
        QVERIFY2(fresh, fresh ? "" : qPrintable(fresh.error().message));
        QCOMPARE(fresh.value()->journalSize().value(), 0);
        const QStringList aside =
            QDir(m_dir->path()).entryList({u"agent.db.corrupt-*"_s}, QDir::Files);
        QVERIFY2(!aside.isEmpty(), qPrintable(QDir(m_dir->path()).entryList().join(u' ')));
        const QString kept =
            m_dir->filePath(aside.filter(QRegularExpression(u"corrupt-[0-9-]+$"_s)).value(0));
        QCOMPARE(fileHash(kept), damaged);
    }

    void plainSqliteFileIsRefused()
    {
        {
            QFile file(dbPath());
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(QByteArray("SQLite format 3\0", 16) + QByteArray(4080, '\0'));
        }
        const auto refused = Store::open({dbPath(), m_key});
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, u"store-plaintext"_s);
    }

    void migratesAnOlderSchema()
    {
        {
            auto old = Store::open({dbPath(), m_key, false, 1});
            QVERIFY(old);
            QCOMPARE(old.value()->schemaVersion(), 1);
            QVERIFY(old.value()->saveSeal(u"default"_s, "sealed at schema 1"));
            QVERIFY(!old.value()->journalInbound(
                InboundMessage{u"x"_s, u"1@c.us"_s, {}, u"chat"_s, u"b"_s, 1, {}}));
        }
        auto store = open();
        QVERIFY(store);
        QCOMPARE(store->schemaVersion(), Store::kLatestVersion);
        QCOMPARE(store->loadSeal(u"default"_s).value().value(), QByteArray("sealed at schema 1"));
        QVERIFY(
            store->journalInbound(InboundMessage{u"x"_s, u"1@c.us"_s, {}, u"chat"_s, u"b"_s, 1, {}})
                .value());
    }

    void rekeyKeepsTheDataUnderTheNewKey()
    {
        const QByteArray newKey = newDataKey();
        {
            auto store = open();
            QVERIFY(store);
            writeMarkers(*store, 0, 10);
            QVERIFY(store->rekey(newKey));
        }
        QCOMPARE(Store::open({dbPath(), m_key}).error().code, u"store-wrong-key"_s);
        auto store = Store::open({dbPath(), newKey});
        QVERIFY2(store, store ? "" : qPrintable(store.error().message));
        QCOMPARE(store.value()->journalSize().value(), 5);
        QVERIFY(store.value()->integrityCheck());
    }

    void keyOfTheWrongSizeIsRefused()
    {
        const auto refused = Store::open({dbPath(), QByteArray(16, 'k')});
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, u"store-key"_s);
    }

    void noMarkerReachesTheDiskAfterACleanExit()
    {
        {
            auto store = open();
            QVERIFY(store);
            writeMarkers(*store, 0, 1000);
        }
        QCOMPARE(filesWithMarkers(m_dir->path(), 1000), QStringList());
        QVERIFY(open()->integrityCheck());
    }

    void noMarkerReachesTheDiskAfterKill9()
    {
#ifdef Q_OS_UNIX
        QProcess child;
        child.start(QCoreApplication::applicationFilePath(),
                    {u"--write-markers-then-die"_s, dbPath(), QString::fromLatin1(m_key.toHex())});
        QVERIFY(child.waitForFinished(60000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        QVERIFY(QFile::exists(dbPath() + u"-wal"_s)); // died with its WAL in place
        QCOMPARE(filesWithMarkers(m_dir->path(), 1000), QStringList());
        auto store = open();
        QVERIFY(store);
        QVERIFY(store->integrityCheck());
        QCOMPARE(store->journalSize().value(), 500); // every committed message survived
#else
        QSKIP("kill -9 is a Unix test");
#endif
    }

private:
    QString dbPath() const
    {
        return m_dir->filePath(u"agent.db"_s);
    }
    std::unique_ptr<Store> open()
    {
        auto store = Store::open({dbPath(), m_key});
        if (!store)
            qWarning("%s", qPrintable(store.error().message));
        return store ? std::move(store).value() : nullptr;
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    QByteArray m_key;
};

int main(int argc, char *argv[])
{
#ifdef Q_OS_UNIX
    // Child mode for the kill -9 test: write the markers, then die without any clean-up.
    if (argc == 4 && qstrcmp(argv[1], "--write-markers-then-die") == 0) {
        QCoreApplication app(argc, argv);
        auto store = Store::open({QString::fromLocal8Bit(argv[2]), QByteArray::fromHex(argv[3])});
        if (!store)
            return 3;
        writeMarkers(*store.value(), 0, 1000);
        ::kill(::getpid(), SIGKILL);
        return 4;
    }
#endif
    QCoreApplication app(argc, argv);
    TestStore test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_store.moc"
