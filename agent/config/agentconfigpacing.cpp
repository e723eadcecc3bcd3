// AgentConfig's [pacing] section: the anti-ban rules, each number within the range that
// still makes sense for a WhatsApp account, and the quiet hours.
#include "agent/config/agentconfig.h"

#include <QTime>

#include <functional>

using namespace Qt::Literals::StringLiterals;

namespace sak {
Result<PacingPolicy> AgentConfig::pacingFrom(const QHash<QString, QString> &values)
{
    PacingPolicy p;
    const QString enabled = values.value(u"pacing/enabled"_s, u"true"_s).trimmed();
    if (enabled != u"true"_s && enabled != u"false"_s)
        return configError(u"[pacing] enabled is '%1'; it must be true or false."_s.arg(enabled));
    p.enabled = enabled == u"true"_s;
    // Each number with the range that still makes sense for a WhatsApp account.
    struct Number
    {
        QString key;
        double min;
        double max;
        std::function<void(double)> set;
    };
    const Number numbers[] = {
        {u"pacing/per-minute"_s, 1, 6000,
         [&](double v) {
             p.globalPerMinute = v;
         }},
        {u"pacing/chat-per-minute"_s, 1, 600,
         [&](double v) {
             p.chatPerMinute = v;
         }},
        {u"pacing/hourly-cap"_s, 1, 10000,
         [&](double v) {
             p.hourlyCap = int(v);
         }},
        {u"pacing/daily-cap"_s, 1, 100000,
         [&](double v) {
             p.dailyCap = int(v);
         }},
        {u"pacing/gap-min-ms"_s, 0, 3600000,
         [&](double v) {
             p.jobGapMinMs = qint64(v);
         }},
        {u"pacing/gap-max-ms"_s, 0, 3600000,
         [&](double v) {
             p.jobGapMaxMs = qint64(v);
         }},
        {u"pacing/reply-gap-min-ms"_s, 0, 600000,
         [&](double v) {
             p.replyGapMinMs = qint64(v);
         }},
        {u"pacing/reply-gap-max-ms"_s, 0, 600000,
         [&](double v) {
             p.replyGapMaxMs = qint64(v);
         }},
        {u"pacing/warmup-days"_s, 0, 90,
         [&](double v) {
             p.warmupDays = int(v);
         }},
        {u"pacing/typing-per-char-ms"_s, 0, 1000,
         [&](double v) {
             p.typingPerCharMs = qint64(v);
         }},
        {u"pacing/typing-min-ms"_s, 0, 60000,
         [&](double v) {
             p.typingMinMs = qint64(v);
         }},
        {u"pacing/typing-max-ms"_s, 0, 60000,
         [&](double v) {
             p.typingMaxMs = qint64(v);
         }},
    };
    for (const Number &n : numbers) {
        if (!values.contains(n.key))
            continue;
        bool ok = false;
        const double v = values.value(n.key).trimmed().toDouble(&ok);
        if (!ok || v < n.min || v > n.max)
            return configError(u"[pacing] %1 is '%2'; it must be a number from %3 to %4."_s
                                   .arg(n.key.section(u'/', 1), values.value(n.key))
                                   .arg(n.min)
                                   .arg(n.max));
        n.set(v);
    }
    if (p.jobGapMaxMs < p.jobGapMinMs || p.replyGapMaxMs < p.replyGapMinMs ||
        p.typingMaxMs < p.typingMinMs)
        return configError(u"[pacing] a maximum (gap or typing) must not be below its minimum."_s);
    const QString quiet = values.value(u"pacing/quiet-hours"_s).trimmed();
    if (quiet == u"off"_s) {
        p.quietStart = p.quietEnd = QTime(0, 0);
    } else if (!quiet.isEmpty()) {
        const QStringList parts = quiet.split(u'-');
        const QTime start = QTime::fromString(parts.value(0).trimmed(), u"H:mm"_s);
        const QTime end = QTime::fromString(parts.value(1).trimmed(), u"H:mm"_s);
        if (parts.size() != 2 || !start.isValid() || !end.isValid())
            return configError(
                u"[pacing] quiet-hours is '%1'; write it as 21:00-08:00, or off."_s.arg(quiet));
        p.quietStart = start;
        p.quietEnd = end;
    }
    return p;
}

} // namespace sak
