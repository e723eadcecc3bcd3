#include "agent/delivery/replylatency.h"

#include "agent/base/logging.h"
#include "agent/status/metrics.h"

namespace sak {
namespace {
constexpr qsizetype kMaxTimings = 10000; // messages timed at once
} // namespace

void ReplyLatency::captured(const QString &messageId, qint64 nowMs)
{
    if (m_timings.size() < kMaxTimings)
        m_timings.insert(messageId, Timing{nowMs, 0});
}

void ReplyLatency::cloudTook(const QString &messageId, qint64 ms)
{
    if (const auto timing = m_timings.find(messageId); timing != m_timings.end())
        timing->cloudMs += ms;
}

void ReplyLatency::replied(const QString &messageId, qint64 nowMs)
{
    const auto timing = m_timings.constFind(messageId);
    if (timing == m_timings.cend())
        return;
    m_seconds->observe(double(nowMs - timing->capturedMs) / 1000.0);
    qCDebug(lcLatency).nospace() << "[latency] agent="
                                 << nowMs - timing->capturedMs - timing->cloudMs
                                 << "ms cloud=" << timing->cloudMs << "ms";
    m_timings.erase(timing);
}

} // namespace sak
