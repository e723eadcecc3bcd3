#include "agent/delivery/pacer.h"
#include "agent/delivery/relaypipeline.h"
#include "tests/support/testenv.h"

#include <QRandomGenerator>
#include <QTest>

#include <cmath>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

// The anti-ban rules and the outbox's state machine, with times given by hand: every rule is
// checked at the millisecond it should start or stop holding a message back.
class TestPacer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void unpacedNeverWaits()
    {
        Pacer pacer(PacingPolicy::unpaced());
        const OutboxItem item = job(u"1@c.us"_s);
        for (int i = 0; i < 100; ++i) {
            QCOMPARE(pacer.allowedAt(item, kT0 + i, {}), kT0 + i);
            pacer.sent(item, kT0 + i);
        }
        QCOMPARE(pacer.typingMs(500), 0);
    }

    // The global bucket: a burst, then one send per 60/perMinute seconds.
    void globalBucketRefills()
    {
        PacingPolicy policy = quietless();
        policy.globalPerMinute = 6; // one every 10 s
        policy.globalBurst = 2;
        policy.jobGapMinMs = policy.jobGapMaxMs = 0;
        Pacer pacer(policy, fixed(0.5));
        qint64 t = kT0;
        for (int i = 0; i < 2; ++i) {
            const OutboxItem item = job(u"10%1@c.us"_s.arg(i));
            QCOMPARE(pacer.allowedAt(item, t, {}), t);
            pacer.sent(item, t);
        }
        QString why;
        const qint64 next = pacer.allowedAt(job(u"200@c.us"_s), t, {}, &why);
        QCOMPARE(next, t + 10000);
        QCOMPARE(why, u"the overall rate limit"_s);
        QCOMPARE(pacer.allowedAt(job(u"200@c.us"_s), t + 10000, {}), t + 10000);
    }

    void chatBucketLimitsOneChat()
    {
        PacingPolicy policy = quietless();
        policy.chatPerMinute = 2; // one every 30 s
        policy.chatBurst = 1;
        policy.jobGapMinMs = policy.jobGapMaxMs = 0;
        Pacer pacer(policy, fixed(0.5));
        pacer.sent(job(u"1@c.us"_s), kT0);
        QString why;
        QCOMPARE(pacer.allowedAt(job(u"1@c.us"_s), kT0, {}, &why), kT0 + 30000);
        QCOMPARE(why, u"the rate limit of this chat"_s);
        QCOMPARE(pacer.allowedAt(job(u"2@c.us"_s), kT0, {}), kT0); // another chat goes
    }

    // Caps count cloud-pushed work only; a customer who is waiting is answered.
    void capsHoldJobsNotReplies_data()
    {
        QTest::addColumn<int>("lastHour");
        QTest::addColumn<int>("lastDay");
        QTest::addColumn<bool>("jobHeld");
        QTest::newRow("below both") << 9 << 49 << false;
        QTest::newRow("hourly reached") << 10 << 10 << true;
        QTest::newRow("daily reached") << 0 << 50 << true;
    }
    void capsHoldJobsNotReplies()
    {
        QFETCH(int, lastHour);
        QFETCH(int, lastDay);
        QFETCH(bool, jobHeld);
        PacingPolicy policy = quietless();
        policy.hourlyCap = 10;
        policy.dailyCap = 50;
        Pacer pacer(policy, fixed(0.5));
        const Pacer::Counts counts{lastHour, lastDay, 0};
        QCOMPARE(pacer.allowedAt(job(u"1@c.us"_s), kT0, counts) > kT0, jobHeld);
        QCOMPARE(pacer.allowedAt(reply(u"1@c.us"_s), kT0, counts), kT0);
    }

    void warmupGrowsTheCaps_data()
    {
        QTest::addColumn<double>("days");
        QTest::addColumn<double>("share");
        QTest::newRow("just paired") << 0.0 << 0.2;
        QTest::newRow("half way") << 3.5 << 0.6;
        QTest::newRow("warmed up") << 7.0 << 1.0;
        QTest::newRow("long ago") << 100.0 << 1.0;
    }
    void warmupGrowsTheCaps()
    {
        QFETCH(double, days);
        QFETCH(double, share);
        Pacer pacer(quietless());
        const qint64 since = kT0 - qint64(days * 24 * 3600 * 1000);
        QVERIFY(std::abs(pacer.warmupShare(kT0, since) - share) < 1e-9);
        // On day 0 the hourly cap of 120 is 24.
        if (days == 0.0) {
            QVERIFY(pacer.allowedAt(job(u"1@c.us"_s), kT0, {23, 23, since}) == kT0);
            QVERIFY(pacer.allowedAt(job(u"1@c.us"_s), kT0, {24, 24, since}) > kT0);
        }
    }

    void quietHoursHoldJobsUntilMorning_data()
    {
        QTest::addColumn<QString>("time");
        QTest::addColumn<QString>("allowed"); // empty: now
        QTest::newRow("evening, before") << u"20:59"_s << QString();
        QTest::newRow("late evening") << u"22:30"_s << u"08:00+1"_s;
        QTest::newRow("night") << u"03:00"_s << u"08:00"_s;
        QTest::newRow("morning") << u"08:00"_s << QString();
    }
    void quietHoursHoldJobsUntilMorning()
    {
        QFETCH(QString, time);
        QFETCH(QString, allowed);
        PacingPolicy policy;
        policy.zone = QTimeZone::utc();
        Pacer pacer(policy, fixed(0.5));
        const QDate day(2026, 11, 23);
        const qint64 now = QDateTime(day, QTime::fromString(time, u"HH:mm"_s), QTimeZone::utc())
                               .toMSecsSinceEpoch();
        const qint64 at = pacer.allowedAt(job(u"1@c.us"_s), now, {});
        if (allowed.isEmpty()) {
            QCOMPARE(at, now);
        } else {
            const QDate d = allowed.endsWith(u"+1"_s) ? day.addDays(1) : day;
            QCOMPARE(at, QDateTime(d, QTime(8, 0), QTimeZone::utc()).toMSecsSinceEpoch());
        }
        QCOMPARE(pacer.allowedAt(reply(u"1@c.us"_s), now, {}), now); // replies are not held
    }

    // Gaps are random (never a fixed interval): within their bounds, with a coefficient of
    // variation above 0.3; replies get the light gaps.
    void gapsVary()
    {
        PacingPolicy policy = quietless();
        policy.globalPerMinute = 1e6;
        policy.globalBurst = 1000000;
        policy.chatPerMinute = 1e6;
        policy.chatBurst = 1000000;
        QRandomGenerator random(42);
        Pacer pacer(policy, [&] { return random.generateDouble(); });
        QList<double> gaps;
        qint64 t = kT0;
        for (int i = 0; i < 2000; ++i) {
            const OutboxItem item = job(u"%1@c.us"_s.arg(i));
            const qint64 at = pacer.allowedAt(item, t, {});
            if (i > 0) {
                gaps.append(double(at - t));
                QVERIFY(at - t >= policy.jobGapMinMs && at - t <= policy.jobGapMaxMs);
            }
            t = at;
            pacer.sent(item, t);
        }
        double mean = 0;
        for (double g : gaps)
            mean += g / double(gaps.size());
        const double cv = test::coefficientOfVariation(gaps);
        qInfo("job gaps: mean %.0f ms, coefficient of variation %.2f", mean, cv);
        QVERIFY(cv > 0.3);
        pacer.sent(reply(u"9@c.us"_s), t);
        const qint64 next = pacer.allowedAt(reply(u"8@c.us"_s), t, {});
        QVERIFY(next - t >= policy.replyGapMinMs && next - t <= policy.replyGapMaxMs);
    }

    void typingGrowsWithLength()
    {
        PacingPolicy policy;
        Pacer pacer(policy, fixed(0.5)); // no jitter at 0.5
        QCOMPARE(pacer.typingMs(1), policy.typingMinMs);
        QCOMPARE(pacer.typingMs(100), 100 * policy.typingPerCharMs);
        QCOMPARE(pacer.typingMs(100000), policy.typingMaxMs);
        Pacer jittery(policy, fixed(0.0));
        QCOMPARE(jittery.typingMs(100), qint64(100 * policy.typingPerCharMs * 0.8));
    }

    void outboxStateMachine_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<bool>("allowed");
        using namespace outbox;
        QTest::newRow("queued -> sending") << kQueued << kSending << true;
        QTest::newRow("sending -> sent") << kSending << kSent << true;
        QTest::newRow("sent -> read (skipping delivered)") << kSent << kRead << true;
        QTest::newRow("read -> delivered (late ack)") << kRead << kDelivered << false;
        QTest::newRow("sending -> queued (retry)") << kSending << kQueued << true;
        QTest::newRow("sent -> queued") << kSent << kQueued << false;
        QTest::newRow("sending -> unknown (crash)") << kSending << kUnknown << true;
        QTest::newRow("unknown -> queued (operator)") << kUnknown << kQueued << true;
        QTest::newRow("unknown -> delivered (late ack)") << kUnknown << kDelivered << true;
        QTest::newRow("queued -> cancelled") << kQueued << kCancelled << true;
        QTest::newRow("sending -> cancelled") << kSending << kCancelled << false;
        QTest::newRow("queued -> expired") << kQueued << kExpired << true;
        QTest::newRow("sent -> failed (ack error)") << kSent << kFailed << true;
        QTest::newRow("failed -> queued (operator)") << kFailed << kQueued << true;
        QTest::newRow("cancelled -> queued") << kCancelled << kQueued << false;
        QTest::newRow("queued -> queued") << kQueued << kQueued << false;
    }
    void outboxStateMachine()
    {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(bool, allowed);
        QCOMPARE(outbox::canMove(from, to), allowed);
    }

    // Full jitter: every delay within [0, min(cap, base * 2^attempt)], spread over it.
    void backoffStaysWithinItsCeiling()
    {
        const RetryPolicy policy{std::chrono::milliseconds(100), std::chrono::milliseconds(5000),
                                 8};
        for (int attempt = 0; attempt < 12; ++attempt) {
            const qint64 ceiling = std::min<qint64>(5000, 100LL << attempt);
            qint64 high = 0;
            for (int i = 0; i < 300; ++i) {
                const qint64 d = policy.delayFor(attempt).count();
                QVERIFY(d >= 0 && d <= ceiling);
                high = std::max(high, d);
            }
            QVERIFY(high > ceiling / 2); // really spread, not a fixed delay
        }
    }

private:
    static constexpr qint64 kT0 = 1795400000000; // 2026-11-23 02:13:20 UTC

    static PacingPolicy quietless()
    {
        PacingPolicy p;
        p.quietStart = p.quietEnd = QTime(0, 0);
        return p;
    }
    static Pacer::Random fixed(double value)
    {
        return [value] {
            return value;
        };
    }
    static OutboxItem job(const QString &chatId)
    {
        OutboxItem item;
        item.text = {u"c"_s, chatId, u"hello"_s, u"3EB0"_s};
        item.kind = outbox::kJob;
        return item;
    }
    static OutboxItem reply(const QString &chatId)
    {
        OutboxItem item = job(chatId);
        item.kind = outbox::kReply;
        return item;
    }
};

QTEST_GUILESS_MAIN(TestPacer)
#include "tst_pacer.moc"
