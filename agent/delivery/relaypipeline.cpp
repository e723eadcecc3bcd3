#include "agent/delivery/relaypipeline.h"

#include "agent/base/clock.h"
#include "agent/base/logging.h"
#include "agent/cloud/cloudclient.h"
#include "agent/delivery/whatsappsession.h"
#include "agent/store/store.h"

#include <QPointer>

#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {
constexpr int kParallelRelays = 8; // chats relayed to the cloud at once
// Status reports go in batches; while one is out, the next fills up, so a busy agent sends
// few large requests and a quiet one sends each change at once.
constexpr int kParallelBatches = 2;
constexpr int kDueBatch = 64;
constexpr int kBacklogDelayMs = 200;
constexpr int kCaptureHoldMs = 15000;
constexpr qsizetype kMaxTimings = 10000; // messages timed for the reply latency at once
constexpr qint64 kHourMs = 3600 * 1000;
// The send log serves the caps, which look back a day at most: two days of it are kept.
constexpr qint64 kSendLogKeptMs = 48 * kHourMs;
constexpr qint64 kCatchUpMarginSeconds = 300;
constexpr int kReplyPriority = 100; // a customer who wrote is waiting: before any broadcast
// Unpaced (benchmarks, a cloud that paces itself), sends to different chats overlap; paced, one
// message is typed and sent at a time, as a person would.
constexpr int kParallelUnpacedSends = 16;
const QString kAccountSinceSetting = u"account-connected-at"_s;

// Transient trouble (no answer, overload, a server error) is waited out; a refusal (4xx) is
// counted towards the dead letter.
bool isRefusal(const Error &error)
{
    return error.code.startsWith(u"http-4"_s) && error.code != u"http-429"_s &&
           error.code != u"http-408"_s;
}

} // namespace

RelayPipeline::RelayPipeline(WhatsAppSession *session, CloudClient *cloud, Store *store,
                             const Clock *clock, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_cloud(cloud)
    , m_store(store)
    , m_clock(clock)
{
    qRegisterMetaType<sak::Backlog>();
    for (QTimer *timer : {&m_inboundTimer, &m_outboundTimer, &m_statusTimer, &m_typingTimer}) {
        timer->setSingleShot(true);
        // Never early: a coarse timer may fire 5 % before a Retry-After or a pacing gap ends.
        timer->setTimerType(Qt::PreciseTimer);
    }
    connect(&m_inboundTimer, &QTimer::timeout, this, &RelayPipeline::pumpInbound);
    connect(&m_outboundTimer, &QTimer::timeout, this, &RelayPipeline::pumpOutbound);
    connect(&m_statusTimer, &QTimer::timeout, this, &RelayPipeline::pumpStatus);
    m_backlogTimer.setSingleShot(true);
    connect(&m_backlogTimer, &QTimer::timeout, this, &RelayPipeline::countBacklog);
    for (QTimer *timer : {&m_captureTimer, &m_ackTimer}) {
        timer->setSingleShot(true);
        timer->setInterval(0);
    }
    connect(&m_captureTimer, &QTimer::timeout, this, &RelayPipeline::journalCaptured);
    m_holdTimer.setSingleShot(true);
    m_holdTimer.setInterval(kCaptureHoldMs);
    connect(&m_holdTimer, &QTimer::timeout, this, [this] {
        qCWarning(lcRelay) << "The page did not finish its catch-up; journaling what it sent";
        onCaughtUp();
    });
    connect(m_session, &WhatsAppSession::caughtUp, this, &RelayPipeline::onCaughtUp);
    connect(&m_ackTimer, &QTimer::timeout, this, &RelayPipeline::applyAcks);
    connect(&m_stuckTimer, &QTimer::timeout, this, [this] {
        checkStuck();
        followStore();
    });
    m_pruneTimer.setInterval(std::chrono::hours(1));
    connect(&m_pruneTimer, &QTimer::timeout, this, &RelayPipeline::pruneSendLog);
    connect(m_session, &WhatsAppSession::messageReceived, this, &RelayPipeline::onMessage);
    connect(m_session, &WhatsAppSession::stateChanged, this, &RelayPipeline::onStateChanged);
    connect(m_session, &WhatsAppSession::sendFinished, this, &RelayPipeline::onSendFinished);
    connect(m_session, &WhatsAppSession::ackChanged, this, &RelayPipeline::onAck);
}

RelayPipeline::~RelayPipeline() = default;

qint64 RelayPipeline::now() const
{
    return m_clock->nowMs();
}

void RelayPipeline::setPacing(const PacingPolicy &policy)
{
    m_pacer = Pacer(policy);
}

void RelayPipeline::storeFailed(const char *what, const Error &error)
{
    // Nothing is lost: what could not be written is still where it was (the page, the cloud's
    // queue), and the stage runs again on the next event or timer.
    qCCritical(lcRelay).noquote() << "The encrypted store failed while" << what << ":"
                                  << error.message;
}

void RelayPipeline::start()
{
    if (const auto paused = m_store->numberSetting(kPausedSetting); paused && paused.value())
        m_paused = *paused.value() != 0;
    if (m_paused)
        qCWarning(lcRelay) << "Sending is paused (by the operator); resume to send";
    m_started = true;
    m_stuckTimer.start(std::clamp<qint64>(m_stuckAfter.count() / 4, 1000, 5000));
    pruneSendLog();
    m_pruneTimer.start();
    if (m_session->state() == SessionState::Connected)
        onStateChanged(SessionState::Connected); // what a connect does: resolve, catch up
    countBacklog();
    pumpInbound();
    pumpOutbound();
    pumpStatus();
}

void RelayPipeline::pruneSendLog()
{
    if (const Status pruned = m_store->pruneSendLog(now() - kSendLogKeptMs); !pruned)
        storeFailed("forgetting old sends", pruned.error());
}

// --- [1] capture ---

void RelayPipeline::onMessage(const InboundMessage &message)
{
    const bool group = message.chatId.endsWith(u"@g.us"_s);
    if (group && !m_allowedGroups.contains(message.chatId)) {
        // Once per group: the owner needs the id to allow it, not a line per message.
        if (!m_ignoredGroups.contains(message.chatId)) {
            m_ignoredGroups.insert(message.chatId);
            qCInfo(lcRelay).noquote()
                << "Ignoring group" << message.chatId
                << "(add it to [whatsapp] allowed-groups for the cloud to answer there)";
        }
        return;
    }
    if (!group && !isPersonChat(message.chatId)) {
        qCDebug(lcRelay) << "Ignoring a message in" << message.chatId
                         << "(statuses and channels are not relayed)";
        return;
    }
    if (!isRelayedType(message.type)) {
        qCDebug(lcRelay) << "Not relaying message" << message.id << "of type" << message.type
                         << "(not something a customer sends)";
        return;
    }
    // Journaled at the end of this turn of the event loop, with whatever else the page
    // delivered in the same burst: one write to disk for all of them.
    m_captured.append(message);
    if (m_holdingCaptures) {
        if (!m_holdTimer.isActive())
            m_holdTimer.start();
        return;
    }
    if (!m_captureTimer.isActive())
        m_captureTimer.start();
}

void RelayPipeline::onCaughtUp()
{
    m_holdTimer.stop();
    if (!m_holdingCaptures)
        return;
    m_holdingCaptures = false;
    // WhatsApp's time orders a chat's messages; the stable sort keeps the page's order within
    // a second.
    std::stable_sort(
        m_captured.begin(), m_captured.end(),
        [](const InboundMessage &a, const InboundMessage &b) { return a.timestamp < b.timestamp; });
    journalCaptured();
}

void RelayPipeline::journalCaptured()
{
    const QList<InboundMessage> captured = std::exchange(m_captured, {});
    QList<const InboundMessage *> fresh;
    const bool written = writeTogether("journaling messages", [&] {
        for (const InboundMessage &message : captured) {
            const auto journaled = m_store->journalInbound(message);
            if (!journaled)
                storeFailed("journaling a message", journaled.error());
            else if (journaled.value())
                fresh.append(&message);
            else
                qCDebug(lcRelay) << "Message" << message.id << "is in the journal already";
        }
    });
    if (!written)
        return; // still in the page: the catch-up after the next connect finds it
    for (const InboundMessage *message : std::as_const(fresh)) {
        qCInfo(lcRelay).noquote() << "[1 captured] message" << message->id << "from"
                                  << message->chatId;
        ++m_metrics.messagesIn;
        // Timed until the first reply goes out; bounded, for messages that get none.
        if (m_timings.size() < kMaxTimings)
            m_timings.insert(message->id, Timing{now(), 0});
    }
    if (fresh.isEmpty())
        return;
    refreshBacklog();
    pumpInbound();
}

// --- [2] relay, [3] replies ---

void RelayPipeline::scheduleInbound(qint64 atMs)
{
    const qint64 delay = std::max<qint64>(0, atMs - now());
    if (!m_inboundTimer.isActive() || m_inboundTimer.remainingTime() > delay)
        m_inboundTimer.start(int(std::min<qint64>(delay, std::numeric_limits<int>::max())));
}

void RelayPipeline::pumpInbound()
{
    if (!m_started)
        return;
    const auto due = m_store->dueInbound(now(), kDueBatch);
    if (!due) {
        storeFailed("reading the journal", due.error());
        scheduleInbound(now() + 5000);
        return;
    }
    for (const JournalEntry &entry : due.value()) {
        if (m_relayingChats.size() >= kParallelRelays)
            return; // the next answer pumps again
        if (!m_relayingChats.contains(entry.message.chatId))
            relay(entry);
    }
    if (const auto next = m_store->nextInboundDue(); next && next.value() && *next.value() > now())
        scheduleInbound(*next.value());
}

void RelayPipeline::relay(const JournalEntry &entry)
{
    m_relayingChats.insert(entry.message.chatId);
    qCInfo(lcRelay).noquote() << "[2 to cloud] relaying" << entry.message.id;
    QPointer<RelayPipeline> self(this);
    const qint64 askedMs = now();
    m_cloud->postInbound(entry.message, [self, entry,
                                         askedMs](Result<cloud::InboundResponse> result) {
        if (!self)
            return;
        RelayPipeline &p = *self;
        const InboundMessage &message = entry.message;
        p.m_relayingChats.remove(message.chatId);
        const qint64 now = p.now();
        if (const auto timing = p.m_timings.find(message.id); timing != p.m_timings.end())
            timing->cloudMs += now - askedMs; // retries included: all of it is the cloud's
        if (!result) {
            const Error &error = result.error();
            const int attempts = entry.attempts + 1;
            const bool dead = isRefusal(error) && attempts >= p.m_retry.maxAttempts;
            const auto delay = p.m_retry.delayAfter(error, attempts);
            if (auto saved =
                    p.m_store->inboundFailed(message.id, error.message, now + delay.count(), dead);
                !saved)
                p.storeFailed("recording a failed relay", saved.error());
            ++p.m_metrics.relayFailures;
            if (dead) {
                ++p.m_metrics.deadLetters;
                p.m_timings.remove(message.id);
                qCWarning(lcRelay).noquote() << "Message" << message.id << "is a dead letter after"
                                             << attempts << "refusals:" << error.message;
                Q_EMIT p.inboundFailed(message.id, error);
            } else {
                qCWarning(lcRelay).noquote()
                    << "Relaying" << message.id << "failed (attempt" << attempts
                    << "):" << error.message << "- retrying in" << delay.count() << "ms";
            }
        } else {
            QList<OutboxItem> items;
            for (const cloud::Reply &reply : result.value().replies) {
                OutboxItem item;
                item.text = OutboundText{reply.clientId,         reply.chatId,   reply.text,
                                         newWhatsAppMessageId(), reply.quotedId, reply.mimetype,
                                         reply.filename,         reply.media};
                item.kind = outbox::kReply;
                item.priority = kReplyPriority;
                item.inReplyTo = message.id;
                items.append(item);
            }
            if (auto saved = p.m_store->inboundRelayed(message.id, items, now); !saved) {
                p.storeFailed("queuing the replies", saved.error());
            } else {
                qCInfo(lcRelay).noquote() << "[3 replies] cloud answered" << message.id << "with"
                                          << items.size() << "reply(ies)";
                ++p.m_metrics.relayed;
                if (items.isEmpty())
                    p.m_timings.remove(message.id);
                Q_EMIT p.inboundRelayed(message.id, int(items.size()));
                for (const OutboxItem &item : std::as_const(items))
                    Q_EMIT p.deliveryStateChanged(item.text.clientId, outbox::kQueued);
                p.scheduleOutbound(p.now()); // once for the whole burst
                p.pumpStatus();
            }
        }
        p.refreshBacklog();
        p.pumpInbound();
    });
}

// --- [3 job] ---

Status RelayPipeline::enqueueJob(const cloud::OutboundJob &job)
{
    OutboxItem item;
    item.text = OutboundText{job.clientId, job.chatId,   job.text,     newWhatsAppMessageId(),
                             job.quotedId, job.mimetype, job.filename, job.media};
    item.kind = outbox::kJob;
    item.priority = std::min(job.priority, kReplyPriority - 1);
    item.notBefore = job.notBefore * 1000;
    item.expiresAt = job.expiresAt * 1000;
    const auto inserted = m_store->enqueueOutbound(item, now());
    if (!inserted)
        return inserted.error();
    if (inserted.value()) {
        qCInfo(lcRelay).noquote() << "[3 job] queued" << job.clientId << "for" << job.chatId;
        Q_EMIT deliveryStateChanged(job.clientId, outbox::kQueued);
        refreshBacklog();
        scheduleOutbound(now());
        pumpStatus();
    } else {
        qCDebug(lcRelay) << "Job" << job.clientId << "is queued already";
    }
    return Done{};
}

// --- [4] send ---

void RelayPipeline::scheduleOutbound(qint64 atMs)
{
    const qint64 delay = std::max<qint64>(0, atMs - now());
    if (!m_outboundTimer.isActive() || m_outboundTimer.remainingTime() > delay)
        m_outboundTimer.start(int(std::min<qint64>(delay, std::numeric_limits<int>::max())));
}

void RelayPipeline::pumpOutbound()
{
    const int parallel = m_pacer.policy().enabled ? 1 : kParallelUnpacedSends;
    if (const QString cannot = m_session->sendingProblem(); !cannot.isEmpty()) {
        setSendingProblem(cannot); // until the page is reloaded and connects again
        return;
    }
    if (!m_started || m_paused || m_draining || m_sendingChats.size() >= parallel ||
        !m_sendingProblem.isEmpty() || m_session->state() != SessionState::Connected)
        return;
    const qint64 t = now();
    if (const auto expired = m_store->expireOutbound(t); expired && expired.value() > 0) {
        qCInfo(lcRelay) << expired.value() << "outbox item(s) expired before they could go";
        pumpStatus();
        refreshBacklog();
    }
    const auto due = m_store->dueOutbound(t, kDueBatch);
    if (!due) {
        storeFailed("reading the outbox", due.error());
        scheduleOutbound(t + 5000);
        return;
    }
    Pacer::Counts counts;
    if (m_pacer.policy().enabled && !due.value().isEmpty()) {
        if (const auto n = m_store->sendsSince(t - kHourMs, outbox::kJob))
            counts.jobsLastHour = n.value();
        if (const auto n = m_store->sendsSince(t - 24 * kHourMs, outbox::kJob))
            counts.jobsLastDay = n.value();
        if (const auto since = m_store->numberSetting(kAccountSinceSetting); since && since.value())
            counts.accountSinceMs = *since.value();
    }
    qint64 earliest = std::numeric_limits<qint64>::max();
    QList<OutboxItem> ready;
    for (const OutboxItem &item : due.value()) {
        if (m_sendingChats.contains(item.text.chatId))
            continue;
        if (m_sendingChats.size() + ready.size() >= parallel)
            break;
        QString why;
        const qint64 at = m_pacer.allowedAt(item, t, counts, &why);
        if (at <= t) {
            ready.append(item);
            continue;
        }
        if (at < earliest) {
            earliest = at;
            qCDebug(lcRelay).noquote() << "Outbox item" << item.text.clientId << "waits for" << why;
        }
    }
    // Stored as "sending" (with the id the page will use) before anything reaches the page: a
    // crash from here on is resolved by asking the page for that id. All of them in one write.
    QList<OutboxItem> starting;
    const bool written = writeTogether("starting sends", [&] {
        for (const OutboxItem &item : std::as_const(ready)) {
            if (move(item.text.clientId, outbox::kSending))
                starting.append(item);
        }
    });
    if (written) {
        for (const OutboxItem &item : std::as_const(starting))
            startSend(item);
    }
    if (m_sendingChats.size() >= parallel)
        return;
    if (const auto next = m_store->nextOutboundDue(); next && next.value() && *next.value() > t)
        earliest = std::min(earliest, *next.value());
    if (earliest != std::numeric_limits<qint64>::max())
        scheduleOutbound(earliest);
}

void RelayPipeline::startSend(const OutboxItem &item)
{
    m_sendingChats.insert(item.text.chatId);
    // Like a person: read what the customer wrote, type for a while, then send.
    const qint64 typing = m_pacer.typingMs(item.text.body.size());
    if (m_pacer.policy().enabled)
        m_session->markSeen(item.text.chatId);
    auto send = [this, item] {
        m_typingClientId.clear();
        if (m_session->state() != SessionState::Connected) {
            // The session went away while typing: the item waits for it.
            m_store->retryOutboundLater(item.text.clientId, u"WhatsApp disconnected"_s, now(),
                                        now());
            m_sendingChats.remove(item.text.chatId);
            return;
        }
        if (m_pacer.policy().enabled)
            m_session->setTyping(item.text.chatId, false);
        m_inFlight.insert(item.text.waMessageId, item.text.chatId);
        m_pacer.sent(item, now());
        if (auto logged = m_store->logSend(item.text.chatId, item.kind, now()); !logged)
            storeFailed("logging a send", logged.error());
        qCInfo(lcRelay).noquote() << "[4 sending]" << item.kind << item.text.clientId << "to"
                                  << item.text.chatId << "as" << item.text.waMessageId;
        ++m_metrics.sends;
        if (const auto timing = m_timings.constFind(item.inReplyTo); timing != m_timings.cend()) {
            m_metrics.replySeconds.observe(double(now() - timing->capturedMs) / 1000.0);
            qCDebug(lcLatency).nospace()
                << "[latency] agent=" << now() - timing->capturedMs - timing->cloudMs
                << "ms cloud=" << timing->cloudMs << "ms";
            m_timings.erase(timing);
        }
        m_session->sendText(item.text);
    };
    if (typing <= 0) {
        send();
        return;
    }
    m_typingClientId = item.text.clientId;
    m_session->setTyping(item.text.chatId, true);
    disconnect(&m_typingTimer, &QTimer::timeout, nullptr, nullptr);
    connect(&m_typingTimer, &QTimer::timeout, this, send);
    m_typingTimer.start(int(typing));
}

// --- [5] sent, [6] acks ---

void RelayPipeline::onSendFinished(const QString &waMessageId, bool ok, const QString &error)
{
    const auto inFlight = m_inFlight.constFind(waMessageId);
    if (inFlight == m_inFlight.cend())
        return; // not ours, or resolved meanwhile
    // The chat is free again, whatever the store says next.
    m_sendingChats.remove(inFlight.value());
    m_inFlight.erase(inFlight);
    const auto item = m_store->outboundByWaId(waMessageId);
    if (!item || !item.value()) {
        scheduleOutbound(now());
        return;
    }
    const OutboxItem &current = *item.value();
    if (ok) {
        qCInfo(lcRelay).noquote() << "[5 sent] the page took" << waMessageId;
        if (current.state == outbox::kSending)
            m_pendingSince.insert(waMessageId, now()); // until WhatsApp's server acks it
    } else if (current.state == outbox::kSending) {
        ++m_metrics.sendFailures;
        const int attempts = current.attempts + 1;
        if (attempts >= m_sendRetry.maxAttempts) {
            ++m_metrics.sendsGivenUp;
            qCWarning(lcRelay).noquote() << "Sending" << current.text.clientId << "failed"
                                         << attempts << "times; giving up:" << error;
            move(current.text.clientId, outbox::kFailed, error);
        } else {
            // Sent again under the same id: a page that has the message answers "sent"
            // instead of sending it twice.
            const auto delay = m_sendRetry.delayFor(attempts);
            qCWarning(lcRelay).noquote() << "Sending" << current.text.clientId << "failed:" << error
                                         << "- again in" << delay.count() << "ms";
            m_store->retryOutboundLater(current.text.clientId, error, now() + delay.count(), now());
        }
    }
    refreshBacklog();
    if (m_draining) {
        finishDrainIfIdle();
        return;
    }
    scheduleOutbound(now());
}

void RelayPipeline::onAck(const QString &waMessageId, int ack)
{
    if (outbox::stateForAck(ack).isEmpty())
        return; // pending: not news
    // Acks come in bursts (a chat's messages read at once, delivery after a reconnect):
    // recorded at the end of this turn of the event loop, together.
    m_acks.append({waMessageId, ack});
    if (!m_ackTimer.isActive())
        m_ackTimer.start();
}

void RelayPipeline::applyAcks()
{
    const auto acks = std::exchange(m_acks, {});
    bool moved = false;
    writeTogether("recording acks", [&] {
        for (const auto &[waMessageId, ack] : acks)
            moved = applyAck(waMessageId, ack) || moved;
    });
    if (m_sendingProblem.startsWith(u"Messages stay pending"_s) && m_pendingSince.isEmpty())
        setSendingProblem({}); // WhatsApp took them after all
    if (!moved)
        return;
    refreshBacklog();
    scheduleOutbound(now()); // a chat's next message may go now (once for the whole burst)
}

bool RelayPipeline::applyAck(const QString &waMessageId, int ack)
{
    const auto item = m_store->outboundByWaId(waMessageId);
    if (!item || !item.value())
        return false; // not ours
    m_pendingSince.remove(waMessageId);
    const QString state = outbox::stateForAck(ack);
    if (!outbox::canMove(item.value()->state, state))
        return false; // acks only move forward
    qCInfo(lcRelay).noquote() << "[6 ack]" << waMessageId << "is" << state;
    return move(item.value()->text.clientId, state, ackFailure(ack));
}

// --- [7] status reports ---

void RelayPipeline::pumpStatus()
{
    if (!m_started || m_statusTimer.isActive() || m_statusBatchesOut >= kParallelBatches)
        return;
    const auto pending =
        m_store->pendingStatusReports(int(m_postingReports.size()) + cloud::kMaxStatusBatch);
    if (!pending) {
        storeFailed("reading the status queue", pending.error());
        return;
    }
    QList<qint64> ids;
    QList<cloud::StatusReport> reports;
    for (const StatusRecord &record : pending.value()) {
        if (m_postingReports.contains(record.id))
            continue;
        ids.append(record.id);
        cloud::StatusReport report;
        report.clientId = record.clientId;
        report.waMessageId = record.waMessageId;
        report.chatId = record.chatId;
        report.state = record.state;
        report.detail = record.detail;
        report.timestamp = record.timestamp;
        reports.append(std::move(report));
        if (reports.size() >= cloud::kMaxStatusBatch)
            break;
    }
    if (reports.isEmpty())
        return;
    for (const qint64 id : std::as_const(ids))
        m_postingReports.insert(id);
    ++m_statusBatchesOut;
    QPointer<RelayPipeline> self(this);
    m_cloud->postStatusBatch(reports, [self, ids](Status result) {
        if (!self)
            return;
        RelayPipeline &p = *self;
        --p.m_statusBatchesOut;
        for (const qint64 id : ids)
            p.m_postingReports.remove(id);
        if (!result) {
            const auto delay = p.m_retry.delayAfter(result.error(), p.m_statusAttempt++);
            qCWarning(lcRelay).noquote()
                << "Reporting" << ids.size() << "state changes failed:" << result.error().message
                << "- again in" << delay.count() << "ms";
            if (!p.m_statusTimer.isActive())
                p.m_statusTimer.start(delay);
            return;
        }
        p.m_statusAttempt = 0;
        if (auto done = p.m_store->statusReported(ids); !done)
            p.storeFailed("clearing status reports", done.error());
        qCInfo(lcRelay).noquote() << "[7 status] cloud knows" << ids.size() << "state changes";
        p.pumpStatus();
    });
    pumpStatus(); // a second batch, if there is more
}

// --- Session changes, crash recovery, stuck sends ---

void RelayPipeline::onStateChanged(SessionState state)
{
    if (state == SessionState::Starting)
        m_holdingCaptures = true; // a new page: until its catch-up
    if (state != SessionState::Connected || !m_started)
        return;
    if (const auto since = m_store->numberSetting(kAccountSinceSetting); since && !since.value())
        m_store->setNumberSetting(kAccountSinceSetting, now());
    if (!m_sendingProblem.isEmpty()) {
        qCInfo(lcRelay) << "WhatsApp reconnected: sending resumes";
        setSendingProblem({});
    }
    resolveInterrupted();
    // What the page received while this process could not journal it (a crash, a restart).
    const auto newest = m_store->newestInboundTime();
    const qint64 since =
        (newest && newest.value() > 0 ? newest.value() : now() / 1000) - kCatchUpMarginSeconds;
    m_session->catchUp(since);
    pumpOutbound();
}

void RelayPipeline::resolveInterrupted()
{
    const auto sending = m_store->outboxItems(outbox::kSending, 1000);
    if (!sending) {
        storeFailed("reading interrupted sends", sending.error());
        return;
    }
    const qint64 t = now();
    for (const OutboxItem &item : sending.value()) {
        if (m_inFlight.contains(item.text.waMessageId))
            continue;
        m_pendingSince.remove(item.text.waMessageId);
        if (t - item.updatedAt > m_resolveWindow.count()) {
            // Too long ago for the page's recent history to tell: never sent again blindly.
            qCWarning(lcRelay).noquote()
                << "Outbox item" << item.text.clientId
                << "was being sent when the agent stopped, too long ago to check; it is "
                   "'unknown' until an operator retries or cancels it";
            move(item.text.clientId, outbox::kUnknown,
                 u"interrupted while sending; check the chat, then retry or cancel"_s);
            continue;
        }
        // Asked again under the same id: the page answers "sent" (with its ack) if it has the
        // message, and sends it if it does not.
        qCInfo(lcRelay).noquote() << "Resolving the interrupted send of" << item.text.clientId
                                  << "with the page";
        m_store->retryOutboundLater(item.text.clientId, u"interrupted; resolved with the page"_s, t,
                                    t);
    }
    refreshBacklog();
}

void RelayPipeline::checkStuck()
{
    if (!m_sendingProblem.isEmpty() || m_pendingSince.isEmpty())
        return;
    const qint64 t = now();
    for (auto it = m_pendingSince.cbegin(); it != m_pendingSince.cend(); ++it) {
        if (t - it.value() > m_stuckAfter.count()) {
            setSendingProblem(
                u"Messages stay pending in WhatsApp (the clock icon) for more than %1 s: the session looks connected but is not. Sending waits until WhatsApp reconnects."_s
                    .arg(m_stuckAfter.count() / 1000));
            return;
        }
    }
}

void RelayPipeline::followStore()
{
    if (const auto paused = m_store->numberSetting(kPausedSetting); paused && paused.value()) {
        const bool nowPaused = *paused.value() != 0;
        if (nowPaused != m_paused) {
            m_paused = nowPaused;
            qCInfo(lcRelay) << (m_paused ? "Sending paused (by the operator)"
                                         : "Sending resumed (by the operator)");
            Q_EMIT pausedChanged(m_paused);
        }
    }
    refreshBacklog();
    pumpInbound();
    pumpOutbound();
    pumpStatus();
}

void RelayPipeline::setSendingProblem(const QString &problem)
{
    if (problem == m_sendingProblem)
        return;
    m_sendingProblem = problem;
    if (!problem.isEmpty())
        qCWarning(lcRelay).noquote() << problem;
    Q_EMIT sendingProblemChanged(problem);
    if (problem.isEmpty())
        pumpOutbound();
}

// --- Operator actions ---

void RelayPipeline::drain(std::chrono::milliseconds timeout, std::function<void()> drained)
{
    if (m_draining)
        return;
    m_draining = true;
    m_onDrained = std::move(drained);
    m_outboundTimer.stop();
    if (m_typingTimer.isActive()) {
        // Not in the page yet: back to the queue for the next start (not a failed attempt).
        m_typingTimer.stop();
        const auto item = m_store->outboundItem(m_typingClientId);
        if (item && item.value()) {
            m_session->setTyping(item.value()->text.chatId, false);
            move(m_typingClientId, outbox::kQueued, u"the agent stopped before sending it"_s);
            m_sendingChats.remove(item.value()->text.chatId);
        }
        m_typingClientId.clear();
    }
    if (!m_inFlight.isEmpty()) {
        qCInfo(lcRelay) << "Waiting for the page to finish" << m_inFlight.size() << "send(s)";
        m_drainTimer.setSingleShot(true);
        connect(&m_drainTimer, &QTimer::timeout, this, [this] {
            qCWarning(lcRelay) << m_inFlight.size()
                               << "send(s) unanswered at exit; resolved from the page next time";
            m_inFlight.clear();
            finishDrainIfIdle();
        });
        m_drainTimer.start(timeout);
        return;
    }
    finishDrainIfIdle();
}

void RelayPipeline::finishDrainIfIdle()
{
    if (!m_draining || !m_inFlight.isEmpty() || !m_onDrained)
        return;
    m_drainTimer.stop();
    // Once, and on the next turn: the callback may destroy this pipeline.
    QTimer::singleShot(0, this, std::exchange(m_onDrained, {}));
}

void RelayPipeline::setPaused(bool paused)
{
    if (paused == m_paused)
        return;
    m_paused = paused;
    if (auto saved = m_store->setNumberSetting(kPausedSetting, paused ? 1 : 0); !saved)
        storeFailed("saving the pause", saved.error());
    qCInfo(lcRelay) << (paused ? "Sending paused by the operator" : "Sending resumed");
    Q_EMIT pausedChanged(paused);
    if (!paused)
        pumpOutbound();
}

Status RelayPipeline::retry(const QString &clientId)
{
    Status done = m_store->retryOutbound(clientId, now());
    if (done) {
        Q_EMIT deliveryStateChanged(clientId, outbox::kQueued);
        refreshBacklog();
        pumpOutbound();
        pumpStatus();
    }
    return done;
}

Status RelayPipeline::cancel(const QString &clientId)
{
    Status done = m_store->cancelOutbound(clientId, now());
    if (done) {
        Q_EMIT deliveryStateChanged(clientId, outbox::kCancelled);
        refreshBacklog();
        pumpStatus();
    }
    return done;
}

Result<int> RelayPipeline::requeueDeadLetters(const QString &messageId)
{
    const auto requeued = m_store->requeueDeadInbound(messageId);
    if (requeued && requeued.value() > 0) {
        refreshBacklog();
        pumpInbound();
    }
    return requeued;
}

// --- Helpers ---

bool RelayPipeline::move(const QString &clientId, const QString &state, const QString &detail)
{
    if (auto moved = m_store->setOutboundState(clientId, state, detail, now()); !moved) {
        qCWarning(lcRelay).noquote() << moved.error().message;
        return false;
    }
    if (m_writingTogether > 0) {
        m_movesToAnnounce.append({clientId, state});
        return true;
    }
    Q_EMIT deliveryStateChanged(clientId, state);
    pumpStatus();
    return true;
}

bool RelayPipeline::writeTogether(const char *what, const std::function<void()> &writes)
{
    ++m_writingTogether;
    const Status done = m_store->inTransaction([&writes]() -> Status {
        writes();
        return Done{};
    });
    --m_writingTogether;
    if (m_writingTogether > 0)
        return bool(done); // the outer one announces
    const auto moves = std::exchange(m_movesToAnnounce, {});
    if (!done) {
        storeFailed(what, done.error());
        return false;
    }
    for (const auto &[clientId, state] : moves)
        Q_EMIT deliveryStateChanged(clientId, state);
    if (!moves.isEmpty())
        pumpStatus();
    return true;
}

void RelayPipeline::refreshBacklog()
{
    // Counting scans the tables; a burst of changes needs one count, not one each.
    if (!m_backlogTimer.isActive())
        m_backlogTimer.start(kBacklogDelayMs);
}

void RelayPipeline::countBacklog()
{
    const auto backlog = m_store->backlog();
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
