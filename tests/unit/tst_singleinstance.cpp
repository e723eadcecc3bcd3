#include "agent/platform/autostart.h"
#include "agent/platform/singleinstance.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

using namespace Qt::Literals::StringLiterals;
using namespace sak;

// One agent per data directory, whatever the environment each launch has (the lock is in the
// data directory; a second launch raises the first where it can reach its socket), the socket
// where no other user can take it first, and start on login.
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
        QVERIFY(second.raised());
        QVERIFY(raised.wait(5000));

        // Another data directory is another agent.
        QTemporaryDir other;
        SingleInstance elsewhere(other.path());
        QVERIFY(elsewhere.socketName() != first.socketName());
        QCOMPARE(elsewhere.claim(), SingleInstance::Claim::First);
    }

    // The service, sudo -u, su and cron each have their own runtime directory, so their sockets
    // differ: the lock in the data directory still refuses the second, and says who holds it.
    void aSecondClaimIsRefusedWhateverItsRuntimeDirectory()
    {
        QTemporaryDir data;
        QTemporaryDir serviceRuntime;
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(serviceRuntime.path()));
        auto service = std::make_unique<SingleInstance>(data.path());
        QCOMPARE(service->claim(), SingleInstance::Claim::First);
        QCOMPARE(service->lockFileName(), QDir(data.path()).filePath(u"agent.lock"_s));
        QVERIFY(QFileInfo::exists(service->lockFileName()));

        QTemporaryDir sudoRuntime;
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(sudoRuntime.path()));
        SingleInstance sudo(data.path());
        QVERIFY(sudo.socketName() != service->socketName());
        QCOMPARE(sudo.claim(), SingleInstance::Claim::AlreadyRunning);
        QVERIFY(!sudo.raised()); // its socket is out of reach, the refusal is not
        QVERIFY2(sudo.errorString().contains(u"is running already"_s) &&
                     sudo.errorString().contains(
                         u"process %1"_s.arg(QCoreApplication::applicationPid())) &&
                     sudo.errorString().contains(service->lockFileName()),
                 qPrintable(sudo.errorString()));

        // A command that must not run beside the agent is refused the same way.
        SingleInstance rotation(data.path());
        QCOMPARE(rotation.claim(SingleInstance::Channel::None),
                 SingleInstance::Claim::AlreadyRunning);

        // Once the agent has ended, the next one starts.
        service.reset();
        SingleInstance next(data.path());
        QCOMPARE(next.claim(), SingleInstance::Claim::First);
    }

    // A lock left by an agent that was killed (its process is gone) is taken over.
    void aDeadAgentsLockIsTakenOver()
    {
        QTemporaryDir data;
        QFile stale(QDir(data.path()).filePath(u"agent.lock"_s));
        QVERIFY(stale.open(QIODevice::WriteOnly));
        // QLockFile's format: pid, process name, host name. No process has the highest pid.
        stale.write("2147483646\nsak-agent\n" + QSysInfo::machineHostName().toUtf8() + "\n");
        stale.close();
        SingleInstance next(data.path());
        QCOMPARE(next.claim(), SingleInstance::Claim::First);
    }

    // Without the right to write in the data directory, the agent learns that it cannot tell
    // (and stops): no agent runs unguarded.
    void aDataDirectoryThatCannotBeWrittenFails()
    {
        // One that cannot even be made (a file is in its way).
        QTemporaryDir parent;
        QFile inTheWay(parent.filePath(u"file"_s));
        QVERIFY(inTheWay.open(QIODevice::WriteOnly));
        inTheWay.close();
        SingleInstance unmade(parent.filePath(u"file/data"_s));
        QCOMPARE(unmade.claim(), SingleInstance::Claim::Failed);
        QVERIFY2(unmade.errorString().contains(u"cannot be created"_s),
                 qPrintable(unmade.errorString()));

#ifdef Q_OS_UNIX
        if (::geteuid() == 0)
            QSKIP("root writes anywhere");
#endif
        QTemporaryDir data;
        QVERIFY(QFile::setPermissions(data.path(), QFileDevice::ReadOwner | QFileDevice::ExeOwner));
        SingleInstance instance(data.path());
        const SingleInstance::Claim claim = instance.claim();
        QVERIFY(QFile::setPermissions(
            data.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
        QCOMPARE(claim, SingleInstance::Claim::Failed);
        QVERIFY2(instance.errorString().contains(u"no permission"_s) &&
                     instance.errorString().contains(data.path()),
                 qPrintable(instance.errorString()));
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
    // theirs, or the directory itself. Not used, with what to do; the agent still holds the
    // data directory's lock, so the plant cannot switch the exclusion off.
    void aPlantedDirectoryIsRefused()
    {
        qunsetenv("XDG_RUNTIME_DIR");
        QTemporaryDir tmp;
        qputenv("TMPDIR", QFile::encodeName(tmp.path()));
        const QString own = tmp.filePath(u"sak-agent-%1"_s.arg(::geteuid()));
        QTemporaryDir theirs;
        QVERIFY(QFile::link(theirs.path(), own));
        QTemporaryDir data;
        auto linked = std::make_unique<SingleInstance>(data.path());
        QCOMPARE(linked->claim(), SingleInstance::Claim::First);
        QVERIFY2(linked->channelError().contains(own) &&
                     linked->channelError().contains(u"XDG_RUNTIME_DIR"_s),
                 qPrintable(linked->channelError()));
        QVERIFY(QDir(theirs.path()).isEmpty());
        SingleInstance second(data.path());
        QCOMPARE(second.claim(), SingleInstance::Claim::AlreadyRunning);
        linked.reset();
        if (::geteuid() != 0)
            QSKIP("only root can make a directory another user's");
        QVERIFY(QFile::remove(own));
        QVERIFY(QDir().mkdir(own));
        QCOMPARE(::chown(QFile::encodeName(own).constData(), 65534, 65534), 0);
        SingleInstance foreign(data.path());
        QCOMPARE(foreign.claim(), SingleInstance::Claim::First);
        QVERIFY2(foreign.channelError().contains(u"another user"_s),
                 qPrintable(foreign.channelError()));
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
        QCOMPARE(instance.claim(), SingleInstance::Claim::First);
        QVERIFY2(instance.channelError().contains(u"belongs to another user"_s),
                 qPrintable(instance.channelError()));
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
