#pragma once

#include "agent/store/records.h"

#include <QHash>
#include <QTime>
#include <QTimeZone>

#include <functional>

namespace sak {

// The anti-ban rules: how fast, how much and when the agent may send. Every number can be set
// in the configuration ([pacing]); the defaults are deliberately careful.
struct PacingPolicy
{
    bool enabled = true; // off only for benchmarks and tests of raw throughput

    // Token buckets: at most `burst` sends at once, refilled at `perMinute`.
    double globalPerMinute = 20;
    int globalBurst = 5;
    double chatPerMinute = 6;
    int chatBurst = 3;

    // Caps on cloud-pushed work (broadcasts, follow-ups); replies to customers do not count.
    int hourlyCap = 120;
    int dailyCap = 600;

    // The gap after a send, drawn uniformly (so never a fixed interval): strict for cold work,
    // light for a customer who is waiting.
    qint64 jobGapMinMs = 6000;
    qint64 jobGapMaxMs = 30000;
    qint64 replyGapMinMs = 800;
    qint64 replyGapMaxMs = 3000;

    // Typing shown before a message, growing with its length, with +-20 % jitter.
    qint64 typingPerCharMs = 35;
    qint64 typingMinMs = 700;
    qint64 typingMaxMs = 7000;

    // No cloud-pushed work in these local hours (start == end: none).
    QTime quietStart{21, 0};
    QTime quietEnd{8, 0};
    QTimeZone zone = QTimeZone::systemTimeZone();

    // A newly paired account sends less: the caps grow linearly from `warmupStartShare` to the
    // full value over `warmupDays`.
    int warmupDays = 7;
    double warmupStartShare = 0.2;

    // For benchmarks: no waiting at all.
    static PacingPolicy unpaced();
};

// Decides when the next send may go. Pure bookkeeping: it never waits itself, it says until
// when to wait, so that the caller schedules a timer and tests can use a hand-moved clock.
class Pacer
{
public:
    using Random = std::function<double()>; // uniform in [0, 1)

    explicit Pacer(PacingPolicy policy, Random random = {});

    struct Counts
    {
        int jobsLastHour = 0;
        int jobsLastDay = 0;
        qint64 accountSinceMs = 0; // when the account was first connected; 0: unknown (full caps)
    };

    // The earliest time (unix ms) `item` may be sent given what was sent before; <= nowMs means
    // now. `reason` says what holds it up, for the log and the status.
    qint64 allowedAt(const OutboxItem &item, qint64 nowMs, const Counts &counts,
                     QString *reason = nullptr) const;
    // A send went out: the buckets and the next gap follow.
    void sent(const OutboxItem &item, qint64 nowMs);
    // How long to show "typing…" for a text.
    qint64 typingMs(qsizetype length) const;
    // The caps' share for an account paired `accountSinceMs` ago (1.0 once warmed up).
    double warmupShare(qint64 nowMs, qint64 accountSinceMs) const;

    const PacingPolicy &policy() const { return m_policy; }

private:
    struct Bucket
    {
        double tokens = 0;
        qint64 updatedMs = 0;
    };
    static double tokensAt(const Bucket &bucket, qint64 nowMs, double perMinute, int burst);
    static qint64 whenOneToken(const Bucket &bucket, qint64 nowMs, double perMinute, int burst);
    static void take(Bucket &bucket, qint64 nowMs, double perMinute, int burst);
    qint64 quietUntil(qint64 nowMs) const;

    PacingPolicy m_policy;
    Random m_random;
    Bucket m_global;
    QHash<QString, Bucket> m_chats;
    qint64 m_nextAfterGapMs = 0; // after the last send's randomized gap
};

} // namespace sak
