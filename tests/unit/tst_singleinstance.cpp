#include "agent/platform/autostart.h"
#include "agent/platform/singleinstance.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

using namespace Qt::Literals::StringLiterals;
using namespace sak;

// One agent per data directory (a second launch raises the first), its socket where no other
// user can take it first, and start on login.
class TestSingleInstance : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_runtime = qgetenv("XDG_RUNTIME_DIR");
        m_tmp = qgetenv("TMPDIR");
    }

    void cleanup()
    {
        for (const auto &[name, value] :
             {std::pair{"XDG_RUNTIME_DIR", m_runtime}, std::pair{"TMPDIR", m_tmp}}) {
            if (value.isNull())
                qunsetenv(name);
            else
                qputenv(name, value);
        }
    }

    void aSecondLaunchRaisesTheFirst()
    {
        QTemporaryDir dir;
        SingleInstance first(dir.path());
        QCOMPARE(first.claim(), SingleInstance::Claim::First);
        QSignalSpy raised(&first, &SingleInstance::raiseRequested);

        SingleInstance second(dir.path());
        QCOMPARE(second.socketName(), first.socketName());
        QCOMPARE(second.claim(), SingleInstance::Claim::AlreadyRunning);
        QVERIFY(raised.wait(5000));

        // Another data directory is another agent.
        QTemporaryDir other;
        SingleInstance elsewhere(other.path());
        QVERIFY(elsewhere.socketName() != first.socketName());
        QCOMPARE(elsewhere.claim(), SingleInstance::Claim::First);
    }

    void aDeadAgentsSocketIsTakenOver()
    {
        QTemporaryDir dir;
        auto crashed = std::make_unique<SingleInstance>(dir.path());
        const QString name = crashed->socketName();
#ifdef Q_OS_UNIX
        // What a killed agent leaves: the socket file, nobody listening.
        QFile stale(name);
        QVERIFY(stale.open(QIODevice::WriteOnly));
        stale.close();
        QVERIFY(QFile::exists(name));
#endif
        crashed.reset();
        SingleInstance next(dir.path());
        QCOMPARE(next.claim(), SingleInstance::Claim::First);
    }

#ifdef Q_OS_UNIX
    // Not a name in the shared /tmp that another user could take first: the user's private
    // runtime directory.
    void theSocketIsInTheUsersRuntimeDirectory()
    {
        QTemporaryDir runtime; // 0700, this user's
        QVERIFY(runtime.isValid());
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(runtime.path()));
        QTemporaryDir data;
        SingleInstance instance(data.path());
        QVERIFY2(instance.socketName().startsWith(runtime.path() + u'/'),
                 qPrintable(instance.socketName()));
        QCOMPARE(instance.claim(), SingleInstance::Claim::First);
        QVERIFY(QFileInfo::exists(instance.socketName()));
    }

    // A runtime directory others can enter is not used: a directory of this user's own in the
    // temporary directory is, owner-only.
    void elseADirectoryOfTheUsersOwnInTmp()
    {
        QTemporaryDir runtime;
        QVERIFY(QFile::setPermissions(runtime.path(),
                                      QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                          QFileDevice::ExeOwner | QFileDevice::ReadOther |
                                          QFileDevice::ExeOther));
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(runtime.path()));
        QTemporaryDir tmp;
        qputenv("TMPDIR", QFile::encodeName(tmp.path()));
        const QString own = tmp.filePath(u"sak-agent-%1"_s.arg(::geteuid()));
        QTemporaryDir data;
        SingleInstance instance(data.path());
        QVERIFY2(instance.socketName().startsWith(own + u'/'), qPrintable(instance.socketName()));
        QCOMPARE(instance.claim(), SingleInstance::Claim::First);
        QCOMPARE(QFileInfo(own).permissions() &
                     (QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup |
                      QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther),
                 QFileDevice::Permissions());
    }

    // What another user could plant where that directory goes: a link to a directory of
    // theirs, or the directory itself. Refused, with what to do.
    void aPlantedDirectoryIsRefused()
    {
        qunsetenv("XDG_RUNTIME_DIR");
        QTemporaryDir tmp;
        qputenv("TMPDIR", QFile::encodeName(tmp.path()));
        const QString own = tmp.filePath(u"sak-agent-%1"_s.arg(::geteuid()));
        QTemporaryDir theirs;
        QVERIFY(QFile::link(theirs.path(), own));
        QTemporaryDir data;
        SingleInstance linked(data.path());
        QCOMPARE(linked.claim(), SingleInstance::Claim::Failed);
        QVERIFY2(linked.errorString().contains(own) &&
                     linked.errorString().contains(u"XDG_RUNTIME_DIR"_s),
                 qPrintable(linked.errorString()));
        QVERIFY(QDir(theirs.path()).isEmpty());
        if (::geteuid() != 0)
            QSKIP("only root can make a directory another user's");
        QVERIFY(QFile::remove(own));
        QVERIFY(QDir().mkdir(own));
        QCOMPARE(::chown(QFile::encodeName(own).constData(), 65534, 65534), 0);
        SingleInstance foreign(data.path());
        QCOMPARE(foreign.claim(), SingleInstance::Claim::Failed);
        QVERIFY2(foreign.errorString().contains(u"another user"_s),
                 qPrintable(foreign.errorString()));
    }

    void aSocketOfAnotherUserIsRefused()
    {
        if (::geteuid() != 0)
            QSKIP("only root can make a file another user's");
        QTemporaryDir runtime;
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(runtime.path()));
        QTemporaryDir data;
        SingleInstance instance(data.path());
        QFile planted(instance.socketName());
        QVERIFY(planted.open(QIODevice::WriteOnly));
        planted.close();
        QCOMPARE(::chown(QFile::encodeName(planted.fileName()).constData(), 65534, 65534), 0);
        QCOMPARE(instance.claim(), SingleInstance::Claim::Failed);
        QVERIFY2(instance.errorString().contains(u"belongs to another user"_s),
                 qPrintable(instance.errorString()));
    }
#endif

    void startOnLogin()
    {
        QTemporaryDir config;
        qputenv("XDG_CONFIG_HOME", config.path().toUtf8());
        Autostart autostart(u"/opt/SAK Agent/sak-agent"_s, {u"--config"_s, u"/etc/sak $x.ini"_s});
        QCOMPARE(autostart.location(), config.filePath(u"autostart/sak-agent.desktop"_s));
        QVERIFY(!autostart.isEnabled());
        QVERIFY(autostart.setEnabled(true));
        QVERIFY(autostart.isEnabled());
        QFile entry(autostart.location());
        QVERIFY(entry.open(QIODevice::ReadOnly));
        const QByteArray text = entry.readAll();
        QVERIFY(text.startsWith("[Desktop Entry]\n"));
        QVERIFY2(
            text.contains("\nExec=\"/opt/SAK Agent/sak-agent\" --config \"/etc/sak \\$x.ini\"\n"),
            text.constData());
        QVERIFY(text.contains("\nType=Application\n"));
        entry.close();
        QVERIFY(autostart.setEnabled(false));
        QVERIFY(!autostart.isEnabled());
        QVERIFY(!QFile::exists(autostart.location()));
        QVERIFY(autostart.setEnabled(false)); // already off: nothing to do
    }

private:
    QByteArray m_runtime;
    QByteArray m_tmp;
};

QTEST_GUILESS_MAIN(TestSingleInstance)
#include "tst_singleinstance.moc"
