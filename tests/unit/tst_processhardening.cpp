#include "agent/platform/processhardening.h"

#include <QProcess>
#include <QTest>

#ifdef Q_OS_LINUX
#include <sys/prctl.h>
#include <sys/resource.h>
#endif

using namespace Qt::Literals::StringLiterals;

// The process's memory stays out of core files and away from other processes of its user.
class TestProcessHardening : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void noCoreFilesAndNotDumpable()
    {
#ifndef Q_OS_LINUX
        QSKIP("Linux only");
#else
        // Before: as the environment allows (raised as far as it may be), and dumpable, so
        // that what follows is the function's doing.
        rlimit core{};
        QCOMPARE(::getrlimit(RLIMIT_CORE, &core), 0);
        core.rlim_cur = core.rlim_max;
        QCOMPARE(::setrlimit(RLIMIT_CORE, &core), 0);
        QCOMPARE(::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 1);

        const sak::Status hardened = sak::hardenProcess();
        QVERIFY2(hardened, hardened ? "" : qPrintable(hardened.error().message));
        QCOMPARE(::getrlimit(RLIMIT_CORE, &core), 0);
        QCOMPARE(core.rlim_cur, rlim_t(0));
        QCOMPARE(core.rlim_max, rlim_t(0));
        QCOMPARE(::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);

        // A program started from here (as Chromium's processes are) keeps the limit; being
        // dumpable again after exec, it is covered by the limit alone.
        QProcess shell;
        shell.start(u"/bin/sh"_s, {u"-c"_s, u"ulimit -c; ulimit -H -c"_s});
        QVERIFY(shell.waitForFinished(10000));
        QCOMPARE(shell.readAllStandardOutput(), QByteArray("0\n0\n"));

        // Done twice (a command that starts the agent's code again) is no error.
        QVERIFY(sak::hardenProcess());
#endif
    }
};

QTEST_GUILESS_MAIN(TestProcessHardening)
#include "tst_processhardening.moc"
