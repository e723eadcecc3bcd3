#include "agent/delivery/sender.h"

#include "agent/base/logging.h"
#include "agent/delivery/deliveryledger.h"
#include "agent/delivery/whatsappsession.h"
#include "agent/store/store.h"

#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {
constexpr int kDueBatch = 64;
constexpr qint64 kHourMs = 3600 * 1000;
// Unpaced (benchmarks, a cloud that paces itself), sends to different chats overlap; paced, one
// message is typed and sent at a time, as a person would.
constexpr int kParallelUnpacedSends = 16;
const QString kAccountSinceSetting = u"account-connected-at"_s;
} // namespace

Sender::Sender(WhatsAppSession *session, DeliveryLedger *ledger, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_ledger(ledger)
{
    for (QTimer *timer : {&m_timer, &m_typingTimer}) {
        timer->setSingleShot(true);
        // Never early: a coarse timer may fire 5 % before a pacing gap ends.
        timer->setTimerType(Qt::PreciseTimer);
    }
    connect(&m_timer, &QTimer::timeout, this, &Sender::pump);
    m_drainTimer.setSingleShot(true);
    connect(&m_drainTimer, &QTimer::timeout, this, [this] {
        qCWarning(lcRelay) << m_inFlight.size()
                           << "send(s) unanswered at exit; resolved from the page next time";
        m_inFlight.clear();
        finishDrainIfIdle();
    });
    m_holdTimer.setSingleShot(true);
    connect(&m_holdTimer, &QTimer::timeout, this, [this] {
        qCWarning(lcRelay) << m_inFlight.size()
                           << "send(s) unanswered before the page's reload; they are resolved "
                              "with the new page under their ids";
        for (const QString &chat : std::as_const(m_inFlight))
            m_sendingChats.remove(chat);
        m_inFlight.clear();
        finishHoldIfQuiet();
    });
    connect(m_session, &WhatsAppSession::sendFinished, this, &Sender::onSendFinished);
    connect(m_session, &WhatsAppSession::recipientKnown, this,
            [this](const QString &waMessageId, const Recipient &recipient) {
                // With the acks that follow (one sync for both): who it reached is no reason
                // to hold anything up.
                // The ledger runs the write itself, so it is there when it does.
                m_ledger->writeSoon([ledger = m_ledger, waMessageId, recipient] {
                    if (auto saved = ledger->store()->setOutboundRecipient(waMessageId, recipient);
                        !saved)
                        ledger->storeFailed("noting who a message went to", saved.error());
                });
            });
}

void Sender::start()
{
    if (const auto paused = m_ledger->store()->numberSetting(kPausedSetting);
        paused && paused.value())
        m_paused = *paused.value() != 0;
    if (m_paused)
        qCWarning(lcRelay) << "Sending is paused (by the operator); resume to send";
    m_started = true;
}

void Sender::schedule(qint64 atMs)
{
    qint64 delay = std::max<qint64>(0, atMs - m_ledger->now());
    if (!m_sendingChats.isEmpty() && m_sinceLook.isValid()) // busy: sends are out
        delay = std::max<qint64>(delay, kPumpGapMs - m_sinceLook.elapsed());
    if (!m_timer.isActive() || m_timer.remainingTime() > delay)
        m_timer.start(int(std::min<qint64>(delay, std::numeric_limits<int>::max())));
}

void Sender::pump()
{
    const int parallel = m_pacer.policy().enabled ? 1 : kParallelUnpacedSends;
    if (const QString cannot = m_session->sendingProblem(); !cannot.isEmpty()) {
        setSendingProblem(cannot); // until the page is reloaded and connects again
        return;
    }
    if (!m_started || m_paused || m_draining || m_holding || m_sendingChats.size() >= parallel ||
        !m_problem.isEmpty() || m_session->state() != SessionState::Connected)
        return;
    Store *store = m_ledger->store();
    const qint64 t = m_ledger->now();
    m_sinceLook.start();
    if (const auto expired = store->expireOutbound(t); expired && expired.value() > 0) {
        qCInfo(lcRelay) << expired.value() << "outbox item(s) expired before they could go";
        m_ledger->noteStatuses();
        m_ledger->noteChanged();
    }
    const auto due = store->dueOutbound(t, kDueBatch);
    if (!due) {
        m_ledger->storeFailed("reading the outbox", due.error());
        schedule(t + 5000);
        return;
    }
    Pacer::Counts counts;
    if (m_pacer.policy().enabled && !due.value().isEmpty()) {
        if (const auto n = store->sendsSince(t - kHourMs, outbox::kJob))
            counts.jobsLastHour = n.value();
        if (const auto n = store->sendsSince(t - 24 * kHourMs, outbox::kJob))
            counts.jobsLastDay = n.value();
        if (const auto since = store->numberSetting(kAccountSinceSetting); since && since.value())
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
    // A send that goes at once (no typing first) is logged for the pacer's caps in that same
    // write: one sync per pump, not one per message.
    QList<std::pair<OutboxItem, qint64>> starting; // with how long it is typed first
    const bool written = m_ledger->writeTogether("starting sends", [&] {
        for (const OutboxItem &item : std::as_const(ready)) {
            if (!m_ledger->move(item.text.clientId, outbox::kSending))
                continue;
            const qint64 typing = m_pacer.typingMs(item.text.body.size());
            if (typing <= 0) {
                if (auto logged = store->logSend(item.text.chatId, item.kind, t); !logged)
                    m_ledger->storeFailed("logging a send", logged.error());
            }
            starting.append({item, typing});
        }
    });
    if (written) {
        for (const auto &[item, typing] : std::as_const(starting))
            startSend(item, typing);
    }
    if (m_sendingChats.size() >= parallel)
        return;
    if (const auto next = store->nextOutboundDue(); next && next.value() && *next.value() > t)
        earliest = std::min(earliest, *next.value());
    if (earliest != std::numeric_limits<qint64>::max())
        schedule(earliest);
}

void Sender::startSend(const OutboxItem &item, qint64 typing)
{
    m_sendingChats.insert(item.text.chatId);
    // Like a person: read what the customer wrote, type for a while, then send.
    if (m_pacer.policy().enabled)
        m_session->markSeen(item.text.chatId);
    auto send = [this, item, logged = typing <= 0] {
        m_typingClientId.clear();
        Store *store = m_ledger->store();
        const qint64 now = m_ledger->now();
        if (m_session->state() != SessionState::Connected) {
            // The session went away while typing: the item waits for it.
            store->retryOutboundLater(item.text.clientId, u"WhatsApp disconnected"_s, now, now);
            m_sendingChats.remove(item.text.chatId);
            return;
        }
        if (m_pacer.policy().enabled)
            m_session->setTyping(item.text.chatId, false);
        m_inFlight.insert(item.text.waMessageId, item.text.chatId);
        m_pacer.sent(item, now);
        if (!logged) {
            if (auto written = store->logSend(item.text.chatId, item.kind, now); !written)
                m_ledger->storeFailed("logging a send", written.error());
        }
        qCInfo(lcRelay).noquote() << "[4 sending]" << item.kind << item.text.clientId << "to"
                                  << item.text.chatId << "as" << item.text.waMessageId;
        Q_EMIT handedOver(item);
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

void Sender::onSendFinished(const QString &waMessageId, bool ok, const QString &error, bool final)
{
    const auto inFlight = m_inFlight.constFind(waMessageId);
    if (inFlight == m_inFlight.cend())
        return; // not ours, or resolved meanwhile
    // The chat is free again, whatever the store says next.
    m_sendingChats.remove(inFlight.value());
    m_inFlight.erase(inFlight);
    Store *store = m_ledger->store();
    const auto item = store->outboundByWaId(waMessageId);
    if (!item || !item.value()) {
        schedule(m_ledger->now());
        return;
    }
    const OutboxItem &current = *item.value();
    if (ok) {
        qCInfo(lcRelay).noquote() << "[5 sent] the page took" << waMessageId;
        if (current.state == outbox::kSending)
            Q_EMIT taken(waMessageId); // until WhatsApp's server acks it
    } else if (current.state == outbox::kSending) {
        const int attempts = current.attempts + 1;
        const bool givenUp = final || attempts >= m_retry.maxAttempts;
        Q_EMIT sendFailed(current.text.clientId, givenUp);
        if (givenUp) {
            if (final)
                qCWarning(lcRelay).noquote()
                    << "Sending" << current.text.clientId << "cannot succeed; it failed:" << error;
            else
                qCWarning(lcRelay).noquote() << "Sending" << current.text.clientId << "failed"
                                             << attempts << "times; giving up:" << error;
            m_ledger->move(current.text.clientId, outbox::kFailed, error);
        } else {
            // Sent again under the same id: a page that has the message answers "sent"
            // instead of sending it twice.
            const auto delay = m_retry.delayFor(attempts);
            qCWarning(lcRelay).noquote() << "Sending" << current.text.clientId << "failed:" << error
                                         << "- again in" << delay.count() << "ms";
            const qint64 now = m_ledger->now();
            store->retryOutboundLater(current.text.clientId, error, now + delay.count(), now);
        }
    }
    m_ledger->noteChanged();
    if (m_draining) {
        finishDrainIfIdle();
        return;
    }
    if (m_holding) {
        finishHoldIfQuiet();
        return;
    }
    schedule(m_ledger->now());
}

void Sender::sessionConnected()
{
    Store *store = m_ledger->store();
    if (const auto since = store->numberSetting(kAccountSinceSetting); since && !since.value())
        store->setNumberSetting(kAccountSinceSetting, m_ledger->now());
    if (!m_problem.isEmpty()) {
        qCInfo(lcRelay) << "WhatsApp reconnected: sending resumes";
        setSendingProblem({});
    }
    resolveInterrupted();
}

void Sender::resolveInterrupted()
{
    const auto sending = m_ledger->store()->outboxItems(outbox::kSending, 1000);
    if (!sending) {
        m_ledger->storeFailed("reading interrupted sends", sending.error());
        return;
    }
    const qint64 t = m_ledger->now();
    for (const OutboxItem &item : sending.value()) {
        if (m_inFlight.contains(item.text.waMessageId))
            continue;
        if (t - item.updatedAt > m_resolveWindow.count()) {
            // Too long ago for the page's recent history to tell: never sent again blindly.
            qCWarning(lcRelay).noquote()
                << "Outbox item" << item.text.clientId
                << "was being sent when the agent stopped, too long ago to check; it is "
                   "'unknown' until an operator retries or cancels it";
            m_ledger->move(item.text.clientId, outbox::kUnknown,
                           u"interrupted while sending; check the chat, then retry or cancel"_s);
            continue;
        }
        // Asked again under the same id: the page answers "sent" (with its ack) if it has the
        // message, and sends it if it does not.
        qCInfo(lcRelay).noquote() << "Resolving the interrupted send of" << item.text.clientId
                                  << "with the page";
        m_ledger->store()->retryOutboundLater(item.text.clientId,
                                              u"interrupted; resolved with the page"_s, t, t);
    }
    m_ledger->noteChanged();
}

void Sender::reportStuck(const QString &problem)
{
    if (m_problem.isEmpty())
        setSendingProblem(problem, true);
}

void Sender::clearStuck()
{
    if (m_problemIsStuck)
        setSendingProblem({}); // WhatsApp took them after all
}

void Sender::setSendingProblem(const QString &problem, bool stuck)
{
    if (problem == m_problem)
        return;
    m_problem = problem;
    m_problemIsStuck = stuck && !problem.isEmpty();
    if (!problem.isEmpty())
        qCWarning(lcRelay).noquote() << problem;
    Q_EMIT sendingProblemChanged(problem);
    if (problem.isEmpty())
        pump();
}

void Sender::setPaused(bool paused)
{
    if (paused == m_paused)
        return;
    m_paused = paused;
    if (auto saved = m_ledger->store()->setNumberSetting(kPausedSetting, paused ? 1 : 0); !saved)
        m_ledger->storeFailed("saving the pause", saved.error());
    qCInfo(lcRelay) << (paused ? "Sending paused by the operator" : "Sending resumed");
    Q_EMIT pausedChanged(paused);
    if (!paused)
        pump();
}

void Sender::adoptPause(bool paused)
{
    if (paused == m_paused)
        return;
    m_paused = paused;
    qCInfo(lcRelay) << (m_paused ? "Sending paused (by the operator)"
                                 : "Sending resumed (by the operator)");
    Q_EMIT pausedChanged(m_paused);
}

void Sender::drain(std::chrono::milliseconds timeout, std::function<void()> drained)
{
    if (m_draining)
        return;
    m_draining = true;
    m_onDrained = std::move(drained);
    // Stopping wins over a reload that waits for a quiet moment: the page is not reloaded.
    m_holding = false;
    m_onQuiet = {};
    m_holdTimer.stop();
    m_timer.stop();
    // Not in the page yet: back to the queue for the next start (not a failed attempt).
    requeueTyping(u"the agent stopped before sending it"_s);
    if (!m_inFlight.isEmpty()) {
        qCInfo(lcRelay) << "Waiting for the page to finish" << m_inFlight.size() << "send(s)";
        m_drainTimer.start(timeout);
        return;
    }
    finishDrainIfIdle();
}

void Sender::requeueTyping(const QString &why)
{
    if (!m_typingTimer.isActive())
        return;
    m_typingTimer.stop();
    const auto item = m_ledger->store()->outboundItem(m_typingClientId);
    if (item && item.value()) {
        qCInfo(lcRelay).noquote() << "Outbox item" << m_typingClientId
                                  << "goes back to the queue:" << why;
        m_session->setTyping(item.value()->text.chatId, false);
        m_ledger->move(m_typingClientId, outbox::kQueued, why);
        m_sendingChats.remove(item.value()->text.chatId);
    }
    m_typingClientId.clear();
}

void Sender::hold(std::chrono::milliseconds timeout, std::function<void()> quiet)
{
    if (m_draining || m_holding)
        return; // stopping, or a reload is on its way already
    m_holding = true;
    m_onQuiet = std::move(quiet);
    m_timer.stop();
    qCInfo(lcRelay) << "Sending is held for a reload of the WhatsApp page";
    requeueTyping(u"held back for a reload of the page"_s);
    if (!m_inFlight.isEmpty()) {
        qCInfo(lcRelay) << "Waiting for the page to finish" << m_inFlight.size()
                        << "send(s) before it is reloaded";
        m_holdTimer.start(timeout);
        return;
    }
    finishHoldIfQuiet();
}

void Sender::finishHoldIfQuiet()
{
    if (!m_holding || !m_inFlight.isEmpty() || !m_onQuiet)
        return;
    m_holdTimer.stop();
    // Stopping may begin before this runs: then the page is not reloaded.
    QTimer::singleShot(0, this, [this, quiet = std::exchange(m_onQuiet, {})] {
        if (m_holding && !m_draining)
            quiet();
    });
}

void Sender::release()
{
    if (!m_holding)
        return;
    m_holding = false;
    m_onQuiet = {};
    m_holdTimer.stop();
    qCInfo(lcRelay) << "Sending resumes after the page's reload";
    schedule(m_ledger->now());
}

void Sender::finishDrainIfIdle()
{
    if (!m_draining || !m_inFlight.isEmpty() || !m_onDrained)
        return;
    m_drainTimer.stop();
    // Once, and on the next turn: the callback may destroy the pipeline.
    QTimer::singleShot(0, this, std::exchange(m_onDrained, {}));
}

} // namespace sak
