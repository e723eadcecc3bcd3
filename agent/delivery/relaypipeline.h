#pragma once

#include "agent/base/result.h"
#include "agent/cloud/retrypolicy.h"
#include "agent/delivery/pacer.h"
#include "agent/delivery/replylatency.h"
#include "agent/delivery/sender.h"
#include "agent/protocol/cloudprotocol.h"
#include "agent/status/metrics.h"
#include "agent/store/records.h"

#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>
#include <memory>

namespace sak {

class AckTracker;
class Capture;
class Clock;
class CloudClient;
class CloudRelay;
class DeliveryLedger;
class StatusReporter;
class Store;
class WhatsAppSession;
enum class SessionState;

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

// The agent's data flow, one stage class each, every stage durable before the next begins:
//   [1 captured]  page event -> inbound journal (encrypted store)              Capture
//   [2 to cloud]  journal -> cloud, in order per chat, retried with back-off   CloudRelay
//   [3 replies]   the cloud's replies -> outbox, with [2]'s "done"             CloudRelay
//   [3 job]       work pushed by the cloud -> outbox (acknowledged after)      enqueueJob()
//   [4 sending]   outbox -> paced (seen, typing, gap) -> the page              Sender
//   [5 sent]      the page took it                                             Sender
//   [6 ack]       WhatsApp's acks move the item forward                        AckTracker
//   [7 status]    every state change -> cloud, from a durable queue            StatusReporter
// This class is the coordinator: it owns the stages, connects them through their signals (a
// stage never calls another), follows the session's lifecycle, and is what the rest of the
// agent sees. The store is the truth: nothing is lost when the process dies, and what was being
// sent at that moment is resolved from the page (its id is known) rather than sent twice.
class RelayPipeline : public QObject
{
    Q_OBJECT
public:
    RelayPipeline(WhatsAppSession *session, CloudClient *cloud, Store *store, const Clock *clock,
                  QObject *parent = nullptr);
    ~RelayPipeline() override;

    // Inbound relays and status reports: transient failures (network, 5xx, 429) are retried
    // without end (the back-off's cap); a message the cloud refuses `maxAttempts` times becomes
    // a dead letter.
    void setRetryPolicy(const RetryPolicy &policy);
    // Sends that fail: retried with this back-off, then the item fails.
    void setSendRetryPolicy(const RetryPolicy &policy);
    // Messages journaled this long after they were written are relayed marked late.
    void setLateAfter(std::chrono::milliseconds after);
    void setPacing(const PacingPolicy &policy);
    // A message still at "pending" (clock icon) this long after the page took it means the
    // session only looks connected: sending stops until the session recovers.
    void setStuckAfter(std::chrono::milliseconds after);
    // A send interrupted (crash) longer ago than this cannot be resolved from the page's
    // recent history: it becomes "unknown" for the operator instead of being sent again.
    void setResolveWindow(std::chrono::milliseconds window);
    // Group chats whose messages are relayed; every other group is ignored.
    void setAllowedGroups(const QStringList &groups);
    // Sent to a customer whose call the page declined; empty: none.
    void setCallReply(const QString &text) { m_callReply = text; }

    // Resolves what a previous run left half-done and starts the stages.
    void start();

    // [3 job] Work pushed by the cloud, queued durably (the caller acknowledges it after).
    Status enqueueJob(const cloud::OutboundJob &job);

    // Operator actions.
    void setPaused(bool paused);
    bool isPaused() const;
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
    QString sendingProblem() const;

    // The page asked to be reloaded (its memory), or the bridge updater switches its page
    // half (`reload`, instead of the session's reloadPage(reason)): sending is held until the
    // page has answered for its sends, the page is reloaded, and sending resumes when it
    // connects again. False when another reload is on its way.
    bool reloadWhenQuiet(const QString &reason, std::function<bool()> reload = {});
    // A reload went ahead and the page has not connected since: nothing is being sent.
    bool isReloading() const { return m_reloadStarted; }

Q_SIGNALS:
    void inboundRelayed(const QString &messageId, int replyCount);
    // A message became a dead letter (the cloud kept refusing it).
    void inboundFailed(const QString &messageId, const sak::Error &error);
    void deliveryStateChanged(const QString &clientId, const QString &state);
    void backlogChanged(const sak::Backlog &backlog);
    void sendingProblemChanged(const QString &problem);
    void pausedChanged(bool paused);

private:
    void connectStages();
    // Queues the call reply in the transaction that journals the call: once, crash or not.
    void answerCall(const InboundMessage &call);
    void onSessionState(SessionState state);
    // Every few seconds: a send stuck in WhatsApp, and what an operator changed in the store
    // from another process (sak-agent --retry, --pause-sending, ...).
    void watch();
    void pruneSendLog();
    void refreshBacklog(); // soon: changes come in bursts
    void countBacklog();

    WhatsAppSession *m_session;
    // The stages, and what they share; destroyed before the ledger they use.
    std::unique_ptr<DeliveryLedger> m_ledger;
    std::unique_ptr<Capture> m_capture;
    std::unique_ptr<CloudRelay> m_relay;
    std::unique_ptr<Sender> m_sender;
    std::unique_ptr<AckTracker> m_acks;
    std::unique_ptr<StatusReporter> m_reporter;
    PipelineMetrics m_metrics;
    ReplyLatency m_latency{&m_metrics.replySeconds};
    Backlog m_backlog;
    QString m_callReply;
    bool m_started = false;
    bool m_reloadStarted = false; // the page reloads for reloadWanted(); sending is held
    QTimer m_watchTimer;
    QTimer m_pruneTimer;   // the send log keeps what the caps need, no more
    QTimer m_backlogTimer; // the backlog is counted at most a few times a second
};

} // namespace sak

Q_DECLARE_METATYPE(sak::Backlog)
