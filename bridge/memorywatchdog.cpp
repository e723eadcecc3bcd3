#include "bridge/memorywatchdog.h"

#include "agent/base/logging.h"

#include <QElapsedTimer>

#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

qint64 megabytes(qint64 bytes)
{
    return (bytes + 512 * 1024) / (1024 * 1024);
}

// "45 s", "10 min": what a person reads in the health sentence.
QString duration(qint64 ms)
{
    return ms < 120000 ? u"%1 s"_s.arg((ms + 500) / 1000) : u"%1 min"_s.arg((ms + 30000) / 60000);
}

} // namespace

MemoryWatchdog::MemoryWatchdog(std::function<qint64()> processId, QObject *parent)
    : QObject(parent)
    , m_processId(std::move(processId))
    , m_reader(readProcessMemory)
{
    m_now = [clock = std::make_shared<QElapsedTimer>()] {
        if (!clock->isValid())
            clock->start();
        return clock->elapsed();
    };
    m_now(); // the clock starts now
    m_timer.setInterval(m_settings.every);
    connect(&m_timer, &QTimer::timeout, this, &MemoryWatchdog::sample);
}

void MemoryWatchdog::setSettings(const Settings &settings)
{
    m_settings = settings;
    m_timer.setInterval(settings.every);
}

void MemoryWatchdog::start()
{
    m_timer.start();
}

void MemoryWatchdog::sample()
{
    const qint64 pid = m_processId ? m_processId() : 0;
    if (pid <= 0)
        return; // no renderer right now (loading, or it crashed and the page reloads)
    const auto read = m_reader(pid);
    if (!read) {
        if (!std::exchange(m_unreadable, true))
            qCWarning(lcBridge).noquote()
                << "The WhatsApp page's memory cannot be measured:" << read.error().message
                << "The page is not reloaded for its memory until it can be.";
        return;
    }
    if (std::exchange(m_unreadable, false))
        qCInfo(lcBridge) << "The WhatsApp page's memory can be measured again";
    m_bytes = read.value().bytes;
    qCDebug(lcBridge).noquote() << "The WhatsApp page's renderer (process" << pid << ") uses"
                                << megabytes(m_bytes) << "MB" << read.value().kind;
    Q_EMIT sampled(m_bytes);
    const qint64 ceiling = m_settings.ceilingBytes;
    if (ceiling <= 0)
        return;
    const bool above = m_bytes > ceiling;
    const qint64 now = m_now();
    const QString usage =
        u"%1 MB (the ceiling is %2 MB, [whatsapp] memory-ceiling-mb)"_s.arg(megabytes(m_bytes))
            .arg(megabytes(ceiling));
    switch (m_phase) {
    case Phase::Watching:
        if (!above)
            return;
        if (m_lastReloadMs >= 0 && now - m_lastReloadMs < m_settings.regrowWithin.count()) {
            giveUp(
                u"The WhatsApp page grew back to %1 within %2 of a reload for its memory, so the agent does not reload it again. Restart the agent when the shop is quiet; if it happens again, raise [whatsapp] memory-ceiling-mb or tell SAK's support."_s
                    .arg(usage, duration(now - m_lastReloadMs)));
            return;
        }
        m_phase = Phase::ReloadAsked;
        qCWarning(lcBridge).noquote()
            << u"The WhatsApp page uses %1; it is reloaded as soon as nothing is being sent."_s.arg(
                   usage);
        Q_EMIT reloadWanted(u"its renderer uses %1"_s.arg(usage));
        return;
    case Phase::ReloadAsked:
        return; // reloadWanted() once: the pipeline reloads at a quiet moment
    case Phase::Settling:
        if (!above) {
            m_phase = Phase::Watching;
            qCInfo(lcBridge) << "After its reload the WhatsApp page uses" << megabytes(m_bytes)
                             << "MB";
        } else if (now - m_lastReloadMs >= m_settings.settleFor.count()) {
            giveUp(
                u"The WhatsApp page still uses %1, %2 after it was reloaded for its memory, so the agent does not reload it again. Restart the agent when the shop is quiet; if it happens again, raise [whatsapp] memory-ceiling-mb or tell SAK's support."_s
                    .arg(usage, duration(now - m_lastReloadMs)));
        }
        return;
    case Phase::GaveUp:
        if (above)
            return;
        m_phase = Phase::Watching;
        m_problem.clear();
        qCInfo(lcBridge).noquote()
            << u"The WhatsApp page is below its memory ceiling again (%1 MB)"_s.arg(
                   megabytes(m_bytes));
        Q_EMIT problemChanged({});
        return;
    }
}

void MemoryWatchdog::reloaded()
{
    m_lastReloadMs = m_now();
    m_phase = Phase::Settling;
}

void MemoryWatchdog::giveUp(const QString &problem)
{
    m_phase = Phase::GaveUp;
    m_problem = problem;
    qCCritical(lcBridge).noquote() << problem;
    Q_EMIT problemChanged(problem);
}

} // namespace sak
