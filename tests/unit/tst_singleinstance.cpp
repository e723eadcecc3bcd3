#include "agent/platform/autostart.h"
#include "agent/platform/singleinstance.h"

#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

// One agent per data directory (a second launch raises the first), and start on login.
class TestSingleInstance : public QObject
{
    Q_OBJECT
private Q_SLOTS:
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
        const QString file = QDir::tempPath() + u'/' + name;
        QFile stale(file);
        QVERIFY(stale.open(QIODevice::WriteOnly));
        stale.close();
        QVERIFY(QFile::exists(file));
#endif
        crashed.reset();
        SingleInstance next(dir.path());
        QCOMPARE(next.claim(), SingleInstance::Claim::First);
    }

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
};

QTEST_GUILESS_MAIN(TestSingleInstance)
#include "tst_singleinstance.moc"
