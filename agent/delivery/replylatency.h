#pragma once

#include <QHash>
#include <QString>

namespace sak {

class Histogram;

// What a customer waits: from a message's capture to its first reply handed to the page, with
// the cloud's share (its answer times, retries included) apart from the agent's. Bounded: a
// message that gets no reply is forgotten when that is known, and at most a fixed number are
// timed at once.
class ReplyLatency
{
public:
    explicit ReplyLatency(Histogram *seconds)
        : m_seconds(seconds)
    {}

    void captured(const QString &messageId, qint64 nowMs);
    void cloudTook(const QString &messageId, qint64 ms);
    // The first reply to `messageId` reached the page: observed, then forgotten.
    void replied(const QString &messageId, qint64 nowMs);
    void forget(const QString &messageId) { m_timings.remove(messageId); }

private:
    struct Timing
    {
        qint64 capturedMs = 0;
        qint64 cloudMs = 0;
    };
    Histogram *m_seconds;
    QHash<QString, Timing> m_timings; // by inbound id
};

} // namespace sak
