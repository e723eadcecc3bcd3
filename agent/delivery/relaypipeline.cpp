#include "agent/delivery/relaypipeline.h"

#include "agent/base/logging.h"
#include "agent/delivery/acktracker.h"
#include "agent/delivery/capture.h"
#include "agent/delivery/cloudrelay.h"
#include "agent/delivery/deliveryledger.h"
#include "agent/delivery/outboxintake.h"
#include "agent/delivery/statusreporter.h"
#include "agent/delivery/whatsappsession.h"
#include "agent/store/store.h"

namespace sak {
namespace {
constexpr int kBacklogDelayMs = 200;
// The send log serves the caps, which look back a day at most: two days of it are kept.
constexpr qint64 kSendLogKeptMs = 48 * 3600 * 1000;
// The page answers for a send within a minute (WebBridge's confirmation timeout): by then the
// reload the page asked for goes ahead, and what it still held is resolved by id afterwards.
constexpr auto kReloadQuietTimeout = std::chrono::seconds(75);
} // namespace

RelayPipeline::RelayPipeline(WhatsAppSession *session, CloudClient *cloud, Store *store,
                             const Clock *clock, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_ledger(std::make_unique<DeliveryLedger>(store, clock))
    , m_capture(std::make_unique<Capture>(session, m_ledger.get()))
    , m_relay(std::make_unique<CloudRelay>(cloud, m_ledger.get()))
    , m_sender(std::make_unique<Sender>(session, m_ledger.get()))
    , m_acks(std::make_unique<AckTracker>(session, m_ledger.get()))
    , m_reporter(std::make_unique<StatusReporter>(cloud, m_ledger.get()))
{
    qRegisterMetaType<sak::Backlog>();
    m_backlogTimer.setSingleShot(true);
    connect(&m_backlogTimer, &QTimer::timeout, this, &RelayPipeline::countBacklog);
    connect(&m_watchTimer, &QTimer::timeout, this, &RelayPipeline::watch);
    m_pruneTimer.setInterval(std::chrono::hours(1));
    connect(&m_pruneTimer, &QTimer::timeout, this, &RelayPipeline::pruneSendLog);
    connect(m_session, &WhatsAppSession::stateChanged, this, &RelayPipeline::onSessionState);
    connect(m_session, &WhatsAppSession::reloadWanted, this,
            [this](const QString &reason) { reloadWhenQuiet(reason); });
    connectStages();
}

RelayPipeline::~RelayPipeline() = default;

// The data flow, as connections: what each stage's result sets off in the others.
void RelayPipeline::connectStages()
{
    DeliveryLedger *ledger = m_ledger.get();
    connect(ledger, &DeliveryLedger::moved, this, &RelayPipeline::deliveryStateChanged);
    connect(ledger, &DeliveryLedger::statusesQueued, m_reporter.get(), &StatusReporter::pump);
    connect(ledger, &DeliveryLedger::statusesQueued, this, &RelayPipeline::refreshBacklog);
    connect(ledger, &DeliveryLedger::changed, this, &RelayPipeline::refreshBacklog);

    // [1] -> [2]
    connect(m_capture.get(), &Capture::journaled, this, [this](const QStringList &ids) {
        m_metrics.messagesIn += quint64(ids.size());
        for (const QString &id : ids)
            m_latency.captured(id, m_ledger->now());
        refreshBacklog();
        m_relay->pump();
    });
    connect(m_capture.get(), &Capture::callJournaling, this, &RelayPipeline::answerCall);
    // [2] -> [3] -> [4]
    connect(m_relay.get(), &CloudRelay::attempted, this,
            [this](const QString &id, qint64 ms) { m_latency.cloudTook(id, ms); });
    connect(m_relay.get(), &CloudRelay::relayed, this,
            [this](const QString &id, const QStringList &replyIds) {
                ++m_metrics.relayed;
                if (replyIds.isEmpty())
                    m_latency.forget(id);
                Q_EMIT inboundRelayed(id, int(replyIds.size()));
                m_sender->schedule(m_ledger->now()); // once for the whole burst
            });
    connect(m_relay.get(), &CloudRelay::relayFailed, this,
            [this](const QString &id, const Error &error, bool dead) {
                ++m_metrics.relayFailures;
                if (!dead)
                    return;
                ++m_metrics.deadLetters;
                m_latency.forget(id);
                Q_EMIT inboundFailed(id, error);
            });
    // [4] -> [5] -> [6]
    connect(m_sender.get(), &Sender::handedOver, this, [this](const OutboxItem &item) {
        ++m_metrics.sends;
        m_latency.replied(item.inReplyTo, m_ledger->now());
    });
    connect(m_sender.get(), &Sender::sendFailed, this, [this](const QString &, bool givenUp) {
        ++m_metrics.sendFailures;
        if (givenUp)
            ++m_metrics.sendsGivenUp;
    });
    connect(m_sender.get(), &Sender::taken, m_acks.get(), &AckTracker::expect);
    connect(m_acks.get(), &AckTracker::advanced, this, [this] {
        refreshBacklog();
        m_sender->schedule(m_ledger->now()); // a chat's next message may go now
    });
    connect(m_acks.get(), &AckTracker::stuck, m_sender.get(), &Sender::reportStuck);
    connect(m_acks.get(), &AckTracker::nonePending, m_sender.get(), &Sender::clearStuck);
    connect(m_sender.get(), &Sender::sendingProblemChanged, this,
            &RelayPipeline::sendingProblemChanged);
    connect(m_sender.get(), &Sender::pausedChanged, this, &RelayPipeline::pausedChanged);
}

void RelayPipeline::setRetryPolicy(const RetryPolicy &policy)
{
    m_relay->setRetryPolicy(policy);
    m_reporter->setRetryPolicy(policy);
}

void RelayPipeline::setLateAfter(std::chrono::milliseconds after)
{
    m_relay->setLateAfter(after);
}

void RelayPipeline::setSendRetryPolicy(const RetryPolicy &policy)
{
    m_sender->setRetryPolicy(policy);
}

void RelayPipeline::setPacing(const PacingPolicy &policy)
{
    m_sender->setPacing(policy);
}

void RelayPipeline::setStuckAfter(std::chrono::milliseconds after)
{
    m_acks->setStuckAfter(after);
}

void RelayPipeline::setResolveWindow(std::chrono::milliseconds window)
{
    m_sender->setResolveWindow(window);
}

void RelayPipeline::setAllowedGroups(const QStringList &groups)
{
    m_capture->setAllowedGroups(groups);
}

bool RelayPipeline::isPaused() const
{
    return m_sender->isPaused();
}

QString RelayPipeline::sendingProblem() const
{
    return m_sender->sendingProblem();
}

void RelayPipeline::start()
{
    m_sender->start();
    m_started = true;
    m_watchTimer.start(std::clamp<qint64>(m_acks->stuckAfter().count() / 4, 1000, 5000));
    pruneSendLog();
    m_pruneTimer.start();
    if (m_session->state() == SessionState::Connected)
        onSessionState(SessionState::Connected); // what a connect does: resolve, catch up
    countBacklog();
    m_relay->start();
    m_sender->pump();
    m_reporter->start();
}

void RelayPipeline::onSessionState(SessionState state)
{
    if (state == SessionState::Starting)
        m_capture->holdUntilCaughtUp(); // a new page: until its catch-up
    if (state != SessionState::Connected || !m_started)
        return;
    if (std::exchange(m_reloadStarted, false))
        m_sender->release(); // the reloaded page is connected: what was held goes now
    m_acks->forgetPending(); // the sender resolves them with the page again
    m_sender->sessionConnected();
    m_capture->catchUp();
    m_sender->pump();
}

bool RelayPipeline::reloadWhenQuiet(const QString &reason, std::function<bool()> reload)
{
    if (m_sender->isHeld() || m_reloadStarted)
        return false; // one reload at a time
    m_sender->hold(kReloadQuietTimeout, [this, reason, reload = std::move(reload)] {
        m_reloadStarted = reload ? reload() : m_session->reloadPage(reason);
        if (!m_reloadStarted)
            m_sender->release();
    });
    return true;
}

void RelayPipeline::watch()
{
    if (m_sender->sendingProblem().isEmpty()) // one problem at a time: the first one stays
        m_acks->checkStuck();
    if (const auto paused = m_ledger->store()->numberSetting(Sender::kPausedSetting);
        paused && paused.value())
        m_sender->adoptPause(*paused.value() != 0);
    refreshBacklog();
    m_relay->pump();
    m_sender->pump();
    m_reporter->pump();
}

void RelayPipeline::pruneSendLog()
{
    if (const Status pruned = m_ledger->store()->pruneSendLog(m_ledger->now() - kSendLogKeptMs);
        !pruned)
        m_ledger->storeFailed("forgetting old sends", pruned.error());
}

Status RelayPipeline::enqueueJob(const cloud::OutboundJob &job)
{
    const auto inserted = m_ledger->store()->enqueueOutbound(intake::fromJob(job), m_ledger->now());
    if (!inserted)
        return inserted.error();
    if (!inserted.value()) {
        qCDebug(lcRelay) << "Job" << job.clientId << "is queued already";
        return Done{};
    }
    qCInfo(lcRelay).noquote() << "[3 job] queued" << job.clientId << "for" << job.chatId;
    m_ledger->announce({job.clientId}, outbox::kQueued);
    m_sender->schedule(m_ledger->now());
    return Done{};
}

void RelayPipeline::answerCall(const InboundMessage &call)
{
    if (m_callReply.isEmpty())
        return;
    const OutboxItem item = intake::fromCall(call, m_callReply);
    const auto inserted = m_ledger->store()->enqueueOutbound(item, m_ledger->now());
    if (!inserted) {
        m_ledger->storeFailed("queuing the answer to a call", inserted.error());
        return;
    }
    if (!inserted.value())
        return; // answered already
    qCInfo(lcRelay).noquote() << "[3 call] answering the declined call" << call.id << "with"
                              << item.text.clientId;
    m_ledger->announce({item.text.clientId}, outbox::kQueued);
    m_sender->schedule(m_ledger->now());
}

void RelayPipeline::setPaused(bool paused)
{
    m_sender->setPaused(paused);
}

Status RelayPipeline::retry(const QString &clientId)
{
    Status done = m_ledger->store()->retryOutbound(clientId, m_ledger->now());
    if (done) {
        m_ledger->announce({clientId}, outbox::kQueued);
        m_sender->pump();
    }
    return done;
}

Status RelayPipeline::cancel(const QString &clientId)
{
    Status done = m_ledger->store()->cancelOutbound(clientId, m_ledger->now());
    if (done)
        m_ledger->announce({clientId}, outbox::kCancelled);
    return done;
}

Result<int> RelayPipeline::requeueDeadLetters(const QString &messageId)
{
    const auto requeued = m_ledger->store()->requeueDeadInbound(messageId);
    if (requeued && requeued.value() > 0) {
        refreshBacklog();
        m_relay->pump();
    }
    return requeued;
}

void RelayPipeline::drain(std::chrono::milliseconds timeout, std::function<void()> drained)
{
    m_sender->drain(timeout, std::move(drained));
}

void RelayPipeline::refreshBacklog()
{
    // Counting scans the tables; a burst of changes needs one count, not one each.
    if (!m_backlogTimer.isActive())
        m_backlogTimer.start(kBacklogDelayMs);
}

void RelayPipeline::countBacklog()
{
    const auto backlog = m_ledger->store()->backlog();
    if (!backlog)
        return;
    const Backlog &b = backlog.value();
    if (b.inboundPending == m_backlog.inboundPending && b.inboundDead == m_backlog.inboundDead &&
        b.outboundQueued == m_backlog.outboundQueued &&
        b.outboundUnknown == m_backlog.outboundUnknown &&
        b.outboundFailed == m_backlog.outboundFailed)
        return;
    m_backlog = b;
    Q_EMIT backlogChanged(b);
}

} // namespace sak
