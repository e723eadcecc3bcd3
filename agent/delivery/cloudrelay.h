#pragma once

#include "agent/base/result.h"
#include "agent/cloud/retrypolicy.h"
#include "agent/store/records.h"

#include <QObject>
#include <QSet>
#include <QTimer>

#include <chrono>

namespace sak {

class CloudClient;
class DeliveryLedger;

// [2 to cloud] The journal, relayed to the cloud in order per chat (one request out per chat,
// a few chats at once), retried with back-off; [3 replies] the cloud's replies go into the
// outbox in the transaction that marks the message relayed, so a reply is never lost nor
// queued twice. Transient failures (network, 5xx, 408, 429, a 2xx/5xx answer the cloud did not
// sign) are retried without end (the back-off's cap); a message refused `maxAttempts` times
// becomes a dead letter (kept in the journal; --requeue-dead relays it again): refused are a
// 4xx, signed or not, and a signed answer that cannot be used (undecodable, or one that cannot
// be queued whole, e.g. a reply to another chat), so that a chat's later messages, relayed
// only after it, are not held up for ever.
class CloudRelay : public QObject
{
    Q_OBJECT
public:
    CloudRelay(CloudClient *cloud, DeliveryLedger *ledger, QObject *parent = nullptr);

    void setRetryPolicy(const RetryPolicy &policy) { m_retry = policy; }
    // A message journaled this much after it was written (the agent was off, the page caught
    // up) goes to the cloud marked late.
    void setLateAfter(std::chrono::milliseconds after) { m_lateAfter = after; }

    void start();
    // Relays what is due, as far as the parallel requests allow.
    void pump();

Q_SIGNALS:
    // The cloud answered (or failed to) about a message after `cloudMs` of this attempt.
    void attempted(const QString &messageId, qint64 cloudMs);
    // The replies are in the outbox (their client ids), the message is done.
    void relayed(const QString &messageId, const QStringList &replyIds);
    // An attempt failed; `dead`: the cloud kept refusing it, it is a dead letter now.
    void relayFailed(const QString &messageId, const sak::Error &error, bool dead);

private:
    void relay(const JournalEntry &entry);
    void schedule(qint64 atMs);
    // [3 replies] Answers that came while other requests were out wait (kGatherAnswersMs at
    // most, or until every request out has answered) and are written in one transaction: one
    // sync for a burst's answers, not one each. Their chats count as being relayed until then.
    struct Answer
    {
        QString messageId;
        QString chatId;
        QList<OutboxItem> items;
        QStringList replyIds;
        qint64 atMs = 0;
    };
    void writeAnswers();

    CloudClient *m_cloud;
    DeliveryLedger *m_ledger;
    RetryPolicy m_retry;
    std::chrono::milliseconds m_lateAfter{10 * 60 * 1000};
    QSet<QString> m_relayingChats; // a request to the cloud is out (or its answer waits) for these
    QList<Answer> m_answers;       // answered, not written yet
    QTimer m_timer;
    QTimer m_answerTimer;
    bool m_started = false;
};

} // namespace sak
