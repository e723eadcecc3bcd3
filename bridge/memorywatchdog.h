#pragma once

#include "agent/base/result.h"
#include "agent/platform/processmemory.h"

#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>

namespace sak {

// Watches the memory of the WhatsApp page's renderer. WhatsApp Web's renderer grows over days
// (wrappers of it are reported at 2 to 11 GB); above the ceiling it asks for a reload
// (reloadWanted), which the pipeline makes at a quiet moment. A page that grows back above the
// ceiling within `regrowWithin` of a reload, or does not come down after one, is not reloaded
// again: that would be a loop that loses the session's time for nothing. It is reported
// (problem()) until its memory is below the ceiling again.
class MemoryWatchdog : public QObject
{
    Q_OBJECT
public:
    struct Settings
    {
        qint64 ceilingBytes = 1500LL * 1024 * 1024; // 0: measured, never reloaded
        std::chrono::milliseconds every{std::chrono::seconds(60)};
        std::chrono::milliseconds regrowWithin{std::chrono::minutes(10)};
        // After a reload, how long the old page's memory may take to be freed (V8 frees it
        // some seconds after the new page loads) before the reload counts as not helping.
        std::chrono::milliseconds settleFor{std::chrono::minutes(2)};
    };
    using Reader = std::function<Result<ProcessMemory>(qint64 pid)>;

    // `processId` names the process to measure at each look (0 while there is none, e.g.
    // before the page loads or after its renderer crashed).
    explicit MemoryWatchdog(std::function<qint64()> processId, QObject *parent = nullptr);

    void setSettings(const Settings &settings);
    const Settings &settings() const { return m_settings; }
    // For tests: how the memory and the (monotonic) time in ms are read.
    void setReader(Reader reader) { m_reader = std::move(reader); }
    void setTime(std::function<qint64()> now) { m_now = std::move(now); }

    // Looks every `settings().every` from now on.
    void start();
    void stop() { m_timer.stop(); }
    // One look now.
    void sample();
    // The page was reloaded because it asked: what comes after is judged against this reload.
    void reloaded();

    qint64 lastBytes() const { return m_bytes; } // -1 until measured
    QString problem() const { return m_problem; }

Q_SIGNALS:
    // Above the ceiling: `reason` says how large it is, in a sentence. Asked once per reload.
    void reloadWanted(const QString &reason);
    // The page is too large and is no longer reloaded (a sentence with what to do), or, empty,
    // it is below the ceiling again.
    void problemChanged(const QString &problem);
    void sampled(qint64 bytes);

private:
    enum class Phase
    {
        Watching,
        ReloadAsked, // until reloaded()
        Settling,    // reloaded; the old page's memory is being freed
        GaveUp,      // reported; not reloaded again while above the ceiling
    };
    void giveUp(const QString &problem);

    std::function<qint64()> m_processId;
    Reader m_reader;
    std::function<qint64()> m_now;
    Settings m_settings;
    QTimer m_timer;
    Phase m_phase = Phase::Watching;
    qint64 m_bytes = -1;
    qint64 m_lastReloadMs = -1;
    QString m_problem;
    bool m_unreadable = false; // said once, until a read works again
};

} // namespace sak
