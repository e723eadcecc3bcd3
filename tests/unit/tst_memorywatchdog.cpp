#include "agent/platform/processmemory.h"
#include "bridge/memorywatchdog.h"

#include <QCoreApplication>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

namespace {
constexpr qint64 kMb = 1024 * 1024;
constexpr qint64 kMinute = 60 * 1000;
} // namespace

// The memory watchdog's decisions, with the memory and the time played by the test (one
// sample() per look), and the reading of a real process's memory. That the page is reloaded
// through the real agent is tst_pagememory's.
class TestMemoryWatchdog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_pid = 4242;
        m_bytes = 300 * kMb;
        m_now = 0;
        m_watchdog = std::make_unique<MemoryWatchdog>([this] { return m_pid; });
        m_watchdog->setReader([this](qint64 pid) -> Result<ProcessMemory> {
            if (pid != 4242)
                return Error{u"no-process"_s, u"wrong process"_s};
            return ProcessMemory{m_bytes, u"pss"_s};
        });
        m_watchdog->setTime([this] { return m_now; });
        m_watchdog->setSettings({.ceilingBytes = 1000 * kMb,
                                 .every = std::chrono::seconds(60),
                                 .regrowWithin = std::chrono::minutes(10),
                                 .settleFor = std::chrono::minutes(2)});
    }

    void aboveTheCeilingAsksForOneReload()
    {
        QSignalSpy wanted(m_watchdog.get(), &MemoryWatchdog::reloadWanted);
        QSignalSpy sampled(m_watchdog.get(), &MemoryWatchdog::sampled);
        QCOMPARE(m_watchdog->lastBytes(), -1);
        look(0);
        QCOMPARE(m_watchdog->lastBytes(), 300 * kMb);
        QCOMPARE(wanted.size(), 0);
        m_bytes = 1000 * kMb; // at the ceiling is not above it
        look(1);
        QCOMPARE(wanted.size(), 0);
        m_bytes = 1200 * kMb;
        look(2);
        QCOMPARE(wanted.size(), 1);
        QVERIFY2(wanted.at(0).at(0).toString().contains(u"1200 MB"_s),
                 qPrintable(wanted.at(0).at(0).toString()));
        QVERIFY(wanted.at(0).at(0).toString().contains(u"memory-ceiling-mb"_s));
        // Still above until the pipeline reloads: asked once, not at every look.
        m_bytes = 1300 * kMb;
        look(3);
        look(4);
        QCOMPARE(wanted.size(), 1);
        QCOMPARE(sampled.size(), 5);
        QVERIFY(m_watchdog->problem().isEmpty());
    }

    // After a reload the old page's memory takes a few seconds to be freed; what happens next
    // decides between another reload and a report.
    void afterAReload_data()
    {
        QTest::addColumn<QList<qint64>>("mbAfterReload"); // one look a minute from the reload
        QTest::addColumn<int>("reloadsWanted");           // more, after the first
        QTest::addColumn<QString>("problem");             // part of the report; empty: none
        QTest::newRow("comes down and stays")
            << QList<qint64>{1200, 400, 500, 600} << 0 << QString();
        QTest::newRow("grows back within the window")
            << QList<qint64>{400, 700, 1100, 1200} << 0 << u"grew back to 1100 MB"_s;
        QTest::newRow("grows back after the window")
            << QList<qint64>{400, 500, 600, 700, 800, 900, 950, 980, 990, 995, 1100} << 1
            << QString();
        QTest::newRow("never comes down")
            << QList<qint64>{1200, 1250, 1300} << 0 << u"still uses 1250 MB"_s;
    }
    void afterAReload()
    {
        QFETCH(QList<qint64>, mbAfterReload);
        QFETCH(int, reloadsWanted);
        QFETCH(QString, problem);
        QSignalSpy wanted(m_watchdog.get(), &MemoryWatchdog::reloadWanted);
        QSignalSpy problems(m_watchdog.get(), &MemoryWatchdog::problemChanged);
        m_bytes = 1200 * kMb;
        look(0);
        QCOMPARE(wanted.size(), 1);
        m_watchdog->reloaded(); // at minute 0
        for (qsizetype i = 0; i < mbAfterReload.size(); ++i) {
            m_bytes = mbAfterReload.at(i) * kMb;
            look(i + 1);
        }
        QCOMPARE(wanted.size(), 1 + reloadsWanted);
        if (problem.isEmpty()) {
            QVERIFY2(m_watchdog->problem().isEmpty(), qPrintable(m_watchdog->problem()));
            QCOMPARE(problems.size(), 0);
            return;
        }
        QVERIFY2(m_watchdog->problem().contains(problem), qPrintable(m_watchdog->problem()));
        // What to do, in the same sentence.
        QVERIFY(m_watchdog->problem().contains(u"Restart the agent"_s));
        QVERIFY(m_watchdog->problem().contains(u"memory-ceiling-mb"_s));
        QCOMPARE(problems.size(), 1);
        // Reported once, not reloaded while it stays above; cleared once it is below again.
        m_bytes = 1400 * kMb;
        look(20);
        look(40);
        QCOMPARE(wanted.size(), 1);
        QCOMPARE(problems.size(), 1);
        m_bytes = 500 * kMb;
        look(41);
        QCOMPARE(problems.size(), 2);
        QVERIFY(problems.at(1).at(0).toString().isEmpty());
        QVERIFY(m_watchdog->problem().isEmpty());
        // Long after the last reload, a page above the ceiling is reloaded again.
        m_bytes = 1200 * kMb;
        look(60);
        QCOMPARE(wanted.size(), 2);
    }

    void ceilingZeroOnlyMeasures()
    {
        m_watchdog->setSettings({.ceilingBytes = 0});
        QSignalSpy wanted(m_watchdog.get(), &MemoryWatchdog::reloadWanted);
        m_bytes = 9000 * kMb;
        look(0);
        look(1);
        QCOMPARE(m_watchdog->lastBytes(), 9000 * kMb);
        QCOMPARE(wanted.size(), 0);
    }

    // No renderer (the page is loading, or its renderer crashed), or one whose memory cannot be
    // read: nothing is measured and nothing is decided.
    void nothingToMeasureDecidesNothing()
    {
        QSignalSpy wanted(m_watchdog.get(), &MemoryWatchdog::reloadWanted);
        QSignalSpy sampled(m_watchdog.get(), &MemoryWatchdog::sampled);
        m_bytes = 5000 * kMb;
        m_pid = 0;
        look(0);
        m_pid = 99; // the reader cannot read it
        look(1);
        QCOMPARE(sampled.size(), 0);
        QCOMPARE(wanted.size(), 0);
        QCOMPARE(m_watchdog->lastBytes(), -1);
        m_pid = 4242;
        look(2);
        QCOMPARE(wanted.size(), 1);
    }

    // The timer looks by itself at the configured interval.
    void looksEveryInterval()
    {
        m_watchdog->setSettings(
            {.ceilingBytes = 1000 * kMb, .every = std::chrono::milliseconds(20)});
        QSignalSpy sampled(m_watchdog.get(), &MemoryWatchdog::sampled);
        m_watchdog->start();
        QTRY_VERIFY(sampled.size() >= 3);
        m_watchdog->stop();
    }

    // The operating system's answer for real processes.
    void readsARealProcess()
    {
        const auto self = readProcessMemory(QCoreApplication::applicationPid());
        QVERIFY2(self, self ? "" : qPrintable(self.error().message));
        QVERIFY2(self.value().bytes > 5 * kMb, qPrintable(QString::number(self.value().bytes)));
        QVERIFY(self.value().bytes < 4096 * kMb);
#ifdef Q_OS_LINUX
        QCOMPARE(self.value().kind, u"pss"_s);
        // What this process allocates and writes shows in its PSS.
        const qint64 before = self.value().bytes;
        QByteArray block(200 * kMb, 'x');
        const auto after = readProcessMemory(QCoreApplication::applicationPid());
        QVERIFY(after);
        QVERIFY2(after.value().bytes - before > 150 * kMb,
                 qPrintable(u"%1 -> %2"_s.arg(before).arg(after.value().bytes)));
        QCOMPARE(block.at(block.size() - 1), 'x');
#endif
        QCOMPARE(readProcessMemory(0).error().code, u"no-process"_s);
        // No such process (above Linux's largest process id).
        const auto gone = readProcessMemory(999999999);
        QVERIFY(!gone);
        QVERIFY(!gone.error().message.isEmpty());
    }

private:
    // One look `minute` minutes after the start.
    void look(qint64 minute)
    {
        m_now = minute * kMinute;
        m_watchdog->sample();
    }

    std::unique_ptr<MemoryWatchdog> m_watchdog;
    qint64 m_pid = 0;
    qint64 m_bytes = 0;
    qint64 m_now = 0;
};

QTEST_GUILESS_MAIN(TestMemoryWatchdog)
#include "tst_memorywatchdog.moc"
