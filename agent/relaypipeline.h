#pragma once

#include "messagetypes.h"
#include "result.h"

#include <QHash>
#include <QObject>
#include <QQueue>
#include <QSet>

#include <chrono>

namespace sak {

class CloudClient;
class WhatsAppSession;

struct RetryPolicy
{
    std::chrono::milliseconds base{1000};
    std::chrono::milliseconds cap{60000};
    int maxAttempts = 8;

    // Full jitter: a uniformly random delay in [0, min(cap, base * 2^attempt)].
    std::chrono::milliseconds delayFor(int attempt) const;
};

// The agent's data flow, stage by stage:
//   page event -> relay to cloud -> replies -> send through the page -> acks -> status to cloud.
// Inbound messages are relayed in order per chat; replies are sent one at a time, only while
// the session is connected. This slice keeps its queues in memory; the durable journal and
// outbox replace them without changing the stages.
class RelayPipeline : public QObject
{
    Q_OBJECT
public:
    RelayPipeline(WhatsAppSession *session, CloudClient *cloud, QObject *parent = nullptr);

    void setRetryPolicy(const RetryPolicy &policy) { m_retry = policy; }

    // Outbound work from the cloud (already queued durably by the caller), sent in turn.
    void enqueueOutbound(const OutboundText &text);

    qsizetype inboundBacklog() const;
    qsizetype outboundBacklog() const { return m_outbound.size() + (m_inFlight.isEmpty() ? 0 : 1); }

Q_SIGNALS:
    void inboundRelayed(const QString &messageId, int replyCount);
    void inboundFailed(const QString &messageId, const sak::Error &error);
    void sendStarted(const QString &clientId, const QString &waMessageId);
    void replySent(const QString &clientId, const QString &waMessageId);
    void deliveryStateChanged(const QString &clientId, const QString &state);

private:
    struct PendingInbound
    {
        InboundMessage message;
        int attempts = 0;
    };
    struct SentItem
    {
        QString clientId;
        QString chatId;
        int ack; // the highest level heard of
    };

    void onMessage(const InboundMessage &message);
    void relayHead(const QString &chatId);
    void onStateChanged(SessionState state);
    void pumpOutbound();
    void onSendFinished(const QString &waMessageId, bool ok, const QString &error);
    void onAck(const QString &waMessageId, int ack);
    void reportState(const QString &waMessageId, const QString &state, const QString &detail);
    bool rememberInbound(const QString &id);

    WhatsAppSession *m_session;
    CloudClient *m_cloud;
    RetryPolicy m_retry;

    QHash<QString, QQueue<PendingInbound>> m_inbound; // per chat, head is being relayed
    QSet<QString> m_seenIds;
    QQueue<QString> m_seenOrder; // bounds m_seenIds

    QQueue<OutboundText> m_outbound;
    QString m_inFlight;              // WhatsApp id of the send in progress
    QHash<QString, SentItem> m_sent; // by WhatsApp message id
    QQueue<QString> m_sentOrder;     // bounds m_sent
};

} // namespace sak
