#pragma once

#include "agent/base/result.h"
#include "agent/cloud/retrypolicy.h"
#include "agent/delivery/pacer.h"
#include "agent/protocol/cloudprotocol.h"
#include "agent/protocol/messagetypes.h"
#include "agent/status/metrics.h"
#include "agent/store/records.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <chrono>
#include <functional>

namespace sak {

class Clock;
class CloudClient;
class Store;
class WhatsAppSession;

// What the pipeline has done since the agent started, for the status endpoint's metrics.
struct PipelineMetrics
{
    quint64 messagesIn = 0;    // captured and journaled
    quint64 relayed = 0;       // answered by the cloud
    quint64 relayFailures = 0; // attempts the cloud did not answer or refused
    quint64 deadLetters = 0;
    quint64 sends = 0;        // messages handed to the page
    quint64 sendFailures = 0; // attempts the page could not send
    quint64 sendsGivenUp = 0; // items that failed for good
    // From a message's capture to its (first) reply handed to the page, cloud and pacing
    // included: what the customer waits.
    Histogram replySeconds{{0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 300}};
};

// The agent's data flow, stage by stage, each one durable before the next begins:
//   [1 captured]  page event -> inbound journal (encrypted store)
//   [2 to cloud]  journal -> cloud, in order per chat, retried with back-off
//   [3 replies]   the cloud's replies -> outbox, in the transaction that marks [2] done;
//   [3 job]       work pushed by the cloud -> outbox (acknowledged to the cloud after that)
//   [4 sending]   outbox -> paced (seen, typing, gap) -> the page, under an id chosen before
//   [5 sent]      the page took it; [6 ack] WhatsApp's acks move the item forward
//   [7 status]    every state change -> cloud, from a durable queue
// The store is the truth: nothing here is lost when the process dies, and what was being sent
// at that moment is resolved from the page (its id is known) rather than sent twice.
class RelayPipeline : public QObject
{
    Q_OBJECT
public:
    // The store setting that pauses sending (1) or not (0); other processes may set it.
    static inline const QString kPausedSetting = QStringLiteral("sending-paused");

    RelayPipeline(WhatsAppSession *session, CloudClient *cloud, Store *store, const Clock *clock,
                  QObject *parent = nullptr);
    ~RelayPipeline() override;

    // Inbound relays: transient failures (network, 5xx, 429) are retried without end (the
    // back-off's cap); a message the cloud refuses `maxAttempts` times becomes a dead letter.
    void setRetryPolicy(const RetryPolicy &policy) { m_retry = policy; }
    // Sends that fail: retried with this back-off, then the item fails.
    void setSendRetryPolicy(const RetryPolicy &policy) { m_sendRetry = policy; }
    void setPacing(const PacingPolicy &policy);
    // A message still at "pending" (clock icon) this long after the page took it means the
    // session only looks connected: sending stops until the session recovers.
    void setStuckAfter(std::chrono::milliseconds after) { m_stuckAfter = after; }
    // A send interrupted (crash) longer ago than this cannot be resolved from the page's
    // recent history: it becomes "unknown" for the operator instead of being sent again.
    void setResolveWindow(std::chrono::milliseconds window) { m_resolveWindow = window; }
    // Group chats whose messages are relayed; every other group is ignored.
    void setAllowedGroups(const QStringList &groups)
    {
        m_allowedGroups = QSet<QString>(groups.cbegin(), groups.cend());
    }

    // Resolves what a previous run left half-done and starts the stages.
    void start();

    // [3 job] Work pushed by the cloud, queued durably (the caller acknowledges it after).
    Status enqueueJob(const cloud::OutboundJob &job);

    // Operator actions.
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    Status retry(const QString &clientId);
    Status cancel(const QString &clientId);
    Result<int> requeueDeadLetters(const QString &messageId = {});

    // Stopping (SIGTERM, quit): no new sends start, one being typed goes back to the queue,
    // and `drained` runs once the page has answered for what it holds (or after `timeout`;
    // such a send is resolved from the page at the next start).
    void drain(std::chrono::milliseconds timeout, std::function<void()> drained);

    Backlog backlog() const { return m_backlog; }
    const PipelineMetrics &metrics() const { return m_metrics; }
    // Empty while sending works; else what is wrong, in a sentence.
    QString sendingProblem() const { return m_sendingProblem; }

Q_SIGNALS:
    void inboundRelayed(const QString &messageId, int replyCount);
    // A message became a dead letter (the cloud kept refusing it).
    void inboundFailed(const QString &messageId, const sak::Error &error);
    void deliveryStateChanged(const QString &clientId, const QString &state);
    void backlogChanged(const sak::Backlog &backlog);
    void sendingProblemChanged(const QString &problem);
    void pausedChanged(bool paused);

private:
    void onMessage(const InboundMessage &message);
    void onStateChanged(SessionState state);
    void pumpInbound();
    void relay(const JournalEntry &entry);
    void pumpOutbound();
    void onSendFinished(const QString &waMessageId, bool ok, const QString &error);
    void onAck(const QString &waMessageId, int ack);
    void pumpStatus();
    void resolveInterrupted();
    void checkStuck();
    void pruneSendLog();
    // Picks up what an operator changed in the store from another process (sak-agent --retry,
    // --pause-sending, ...).
    void followStore();
    void setSendingProblem(const QString &problem);
    void finishDrainIfIdle();
    bool move(const QString &clientId, const QString &state, const QString &detail = {});
    // Runs the store writes of a burst as one transaction (one sync to disk, not one each);
    // what the writes set off (status reports, signals) waits until they are committed.
    // False (and logged) when the transaction failed: none of the writes happened.
    bool writeTogether(const char *what, const std::function<void()> &writes);
    void journalCaptured();
    void onCaughtUp();
    void applyAcks();
    bool applyAck(const QString &waMessageId, int ack);
    void startSend(const OutboxItem &item);
    void refreshBacklog(); // soon: changes come in bursts
    void countBacklog();
    void storeFailed(const char *what, const Error &error);
    void scheduleInbound(qint64 atMs);
    void scheduleOutbound(qint64 atMs);
    qint64 now() const;

    WhatsAppSession *m_session;
    CloudClient *m_cloud;
    Store *m_store;
    const Clock *m_clock;
    RetryPolicy m_retry;
    RetryPolicy m_sendRetry{std::chrono::milliseconds(2000), std::chrono::milliseconds(60000), 5};
    Pacer m_pacer{PacingPolicy{}};
    std::chrono::milliseconds m_stuckAfter{60000};
    std::chrono::milliseconds m_resolveWindow{15 * 60 * 1000};

    QSet<QString> m_relayingChats;         // a request to the cloud is out for these chats
    QSet<QString> m_sendingChats;          // chats with a send in progress (typing or in the page)
    QHash<QString, QString> m_inFlight;    // WhatsApp id -> chat: handed to the page, no answer yet
    QHash<QString, qint64> m_pendingSince; // taken by the page, not yet acked by WhatsApp
    struct Timing
    {
        qint64 capturedMs = 0;
        qint64 cloudMs = 0;
    };
    QHash<QString, Timing> m_timings; // by inbound id, while sak.latency is on
    QSet<qint64> m_postingReports;    // status reports out to the cloud now
    QSet<QString> m_allowedGroups;
    QSet<QString> m_ignoredGroups; // logged once each
    bool m_paused = false;
    bool m_started = false;
    bool m_draining = false;
    std::function<void()> m_onDrained; // until it has run
    QTimer m_drainTimer;
    PipelineMetrics m_metrics;
    QString m_typingClientId; // the send being typed, until it reaches the page
    QString m_sendingProblem;
    Backlog m_backlog;
    QTimer m_inboundTimer;
    QTimer m_outboundTimer;
    QTimer m_statusTimer;
    QTimer m_typingTimer;
    QTimer m_stuckTimer;
    QTimer m_pruneTimer;   // the send log keeps what the caps need, no more
    QTimer m_backlogTimer; // the backlog is counted at most a few times a second
    int m_statusAttempt = 0;
    int m_statusBatchesOut = 0; // status batches out to the cloud now
    // Bursts: captured messages and acks wait for the end of the event loop's turn and are
    // written together.
    QList<InboundMessage> m_captured;
    QList<std::pair<QString, int>> m_acks;
    QTimer m_captureTimer;
    // From a (re)start of the page until its catch-up is done, captures are held: a message the
    // page hands over as new may be younger than one only the catch-up finds (it reached the
    // last page but not the journal), and the journal's order is the relay's.
    bool m_holdingCaptures = true;
    QTimer m_holdTimer; // a page that never catches up does not hold them for ever
    QTimer m_ackTimer;
    int m_writingTogether = 0;                            // writeTogether() nesting
    QList<std::pair<QString, QString>> m_movesToAnnounce; // client id, state; after the commit
};

} // namespace sak

Q_DECLARE_METATYPE(sak::Backlog)
