#include "agent/delivery/pacer.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {
constexpr qint64 kHourMs = 3600 * 1000;
constexpr qint64 kDayMs = 24 * kHourMs;
} // namespace

PacingPolicy PacingPolicy::unpaced()
{
    PacingPolicy p;
    p.enabled = false;
    return p;
}

Pacer::Pacer(PacingPolicy policy, Random random)
    : m_policy(std::move(policy))
    , m_random(random ? std::move(random)
                      : Random([] { return QRandomGenerator::global()->generateDouble(); }))
{
    m_global.tokens = m_policy.globalBurst;
}

double Pacer::tokensAt(const Bucket &bucket, qint64 nowMs, double perMinute, int burst)
{
    if (bucket.updatedMs == 0)
        return burst;
    const double refill = double(nowMs - bucket.updatedMs) * perMinute / 60000.0;
    return std::min<double>(burst, bucket.tokens + std::max(0.0, refill));
}

qint64 Pacer::whenOneToken(const Bucket &bucket, qint64 nowMs, double perMinute, int burst)
{
    const double tokens = tokensAt(bucket, nowMs, perMinute, burst);
    if (tokens >= 1.0 || perMinute <= 0)
        return nowMs;
    return nowMs + qint64(std::ceil((1.0 - tokens) * 60000.0 / perMinute));
}

void Pacer::take(Bucket &bucket, qint64 nowMs, double perMinute, int burst)
{
    bucket.tokens = tokensAt(bucket, nowMs, perMinute, burst) - 1.0;
    bucket.updatedMs = nowMs;
}

double Pacer::warmupShare(qint64 nowMs, qint64 accountSinceMs) const
{
    if (accountSinceMs <= 0 || m_policy.warmupDays <= 0)
        return 1.0;
    const double days = double(nowMs - accountSinceMs) / double(kDayMs);
    if (days >= m_policy.warmupDays)
        return 1.0;
    const double start = std::clamp(m_policy.warmupStartShare, 0.0, 1.0);
    return start + (1.0 - start) * std::max(0.0, days) / m_policy.warmupDays;
}

qint64 Pacer::quietUntil(qint64 nowMs) const
{
    const QTime start = m_policy.quietStart;
    const QTime end = m_policy.quietEnd;
    if (!start.isValid() || !end.isValid() || start == end)
        return 0;
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(nowMs, m_policy.zone);
    const QTime t = now.time();
    const bool overnight = start > end;
    const bool quiet = overnight ? (t >= start || t < end) : (t >= start && t < end);
    if (!quiet)
        return 0;
    QDateTime until(now.date(), end, m_policy.zone);
    if (until <= now)
        until = until.addDays(1);
    return until.toMSecsSinceEpoch();
}

qint64 Pacer::allowedAt(const OutboxItem &item, qint64 nowMs, const Counts &counts,
                        QString *reason) const
{
    if (!m_policy.enabled)
        return nowMs;
    qint64 at = nowMs;
    QString why;
    auto later = [&](qint64 candidate, const QString &because) {
        if (candidate > at) {
            at = candidate;
            why = because;
        }
    };
    later(m_nextAfterGapMs, u"the gap after the previous message"_s);
    later(whenOneToken(m_global, nowMs, m_policy.globalPerMinute, m_policy.globalBurst),
          u"the overall rate limit"_s);
    const auto chat = m_chats.constFind(item.text.chatId);
    if (chat != m_chats.cend())
        later(whenOneToken(*chat, nowMs, m_policy.chatPerMinute, m_policy.chatBurst),
              u"the rate limit of this chat"_s);
    if (item.kind != outbox::kReply) {
        later(quietUntil(nowMs), u"quiet hours"_s);
        const double share = warmupShare(nowMs, counts.accountSinceMs);
        const int hourly = std::max(1, int(std::floor(m_policy.hourlyCap * share)));
        const int daily = std::max(1, int(std::floor(m_policy.dailyCap * share)));
        // The caps free up as the window slides; an hour (a day) from now is the safe bound.
        if (counts.jobsLastHour >= hourly)
            later(nowMs + kHourMs / 12, u"the hourly cap (%1)"_s.arg(hourly));
        if (counts.jobsLastDay >= daily)
            later(nowMs + kHourMs, u"the daily cap (%1)"_s.arg(daily));
    }
    if (reason)
        *reason = why;
    return at;
}

void Pacer::sent(const OutboxItem &item, qint64 nowMs)
{
    if (!m_policy.enabled)
        return;
    take(m_global, nowMs, m_policy.globalPerMinute, m_policy.globalBurst);
    take(m_chats[item.text.chatId], nowMs, m_policy.chatPerMinute, m_policy.chatBurst);
    const bool reply = item.kind == outbox::kReply;
    const qint64 lo = reply ? m_policy.replyGapMinMs : m_policy.jobGapMinMs;
    const qint64 hi = std::max(lo, reply ? m_policy.replyGapMaxMs : m_policy.jobGapMaxMs);
    m_nextAfterGapMs = nowMs + lo + qint64(m_random() * double(hi - lo));
    // Chats not heard of for a day are forgotten: their buckets are full again anyway.
    if (m_chats.size() > 10000) {
        for (auto it = m_chats.begin(); it != m_chats.end();)
            it = nowMs - it->updatedMs > kDayMs ? m_chats.erase(it) : std::next(it);
    }
}

qint64 Pacer::typingMs(qsizetype length) const
{
    if (!m_policy.enabled)
        return 0;
    const double base =
        std::clamp<double>(double(length) * double(m_policy.typingPerCharMs),
                           double(m_policy.typingMinMs), double(m_policy.typingMaxMs));
    return qint64(base * (0.8 + 0.4 * m_random()));
}

} // namespace sak
