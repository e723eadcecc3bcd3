#pragma once

#include "agent/cloud/retrypolicy.h"
#include "agent/delivery/pacer.h"
#include "agent/store/records.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <chrono>
#include <functional>

namespace sak {

class DeliveryLedger;
class WhatsAppSession;

// [4 sending] The outbox, paced (seen, typing, the gap between messages, the caps on
// broadcasts) and handed to the page under the WhatsApp id chosen when it was queued; the item
// is stored as "sending" before anything reaches the page. [5 sent] The page took it, or the
// attempt failed and is retried under the same id (a page that has the message answers "sent"
// instead of sending it twice). What was being sent when the process died is resolved with the
// page at the next connect.
class Sender : public QObject
{
    Q_OBJECT
public:
    // The store setting that pauses sending (1) or not (0); other processes may set it.
    static inline const QString kPausedSetting = QStringLiteral("sending-paused");

    Sender(WhatsAppSession *session, DeliveryLedger *ledger, QObject *parent = nullptr);

    void setPacing(const PacingPolicy &policy) { m_pacer = Pacer(policy); }
    // Sends that fail: retried with this back-off, then the item fails.
    void setRetryPolicy(const RetryPolicy &policy) { m_retry = policy; }
    // A send interrupted (crash) longer ago than this cannot be resolved from the page's
    // recent history: it becomes "unknown" for the operator instead of being sent again.
    void setResolveWindow(std::chrono::milliseconds window) { m_resolveWindow = window; }

    // Reads the operator's pause from the store and begins.
    void start();
    // Sends what is due now, as far as pacing allows; schedules the next look.
    void pump();
    // Looks again at `atMs` (or sooner if already due then); while sends are out, not within
    // kPumpGapMs of the last look.
    void schedule(qint64 atMs);
    // Under a burst sends finish one by one, and a look after each would read the outbox and
    // commit once per message: while sends are out, looks this close together are made one. A
    // reply that comes when nothing is being sent goes at once.
    static constexpr qint64 kPumpGapMs = 10;
    // The session connected: sending problems are over, interrupted sends go back to the queue
    // under their ids (or become "unknown"). The caller pumps once the page is caught up.
    void sessionConnected();

    void setPaused(bool paused);
    // Another process (sak-agent --pause-sending) changed the pause in the store.
    void adoptPause(bool paused);
    bool isPaused() const { return m_paused; }

    // WhatsApp leaves messages pending: sending stops (unless something else already stopped
    // it) until the acks come or the session reconnects.
    void reportStuck(const QString &problem);
    void clearStuck();
    QString sendingProblem() const { return m_problem; }

    // No new sends start, one being typed goes back to the queue, and `drained` runs once the
    // page has answered for what it holds (or after `timeout`).
    void drain(std::chrono::milliseconds timeout, std::function<void()> drained);
    // For a reload of the page: like drain(), but `quiet` runs once the page has answered for
    // what it holds (or after `timeout`, when what it still holds is resolved with the next
    // page under its ids), and sending resumes at release().
    void hold(std::chrono::milliseconds timeout, std::function<void()> quiet);
    void release();
    bool isHeld() const { return m_holding; }

Q_SIGNALS:
    // [4] Handed to the page now.
    void handedOver(const sak::OutboxItem &item);
    // [5] The page took it: WhatsApp's server ack is expected.
    void taken(const QString &waMessageId);
    void sendFailed(const QString &clientId, bool givenUp);
    void sendingProblemChanged(const QString &problem);
    void pausedChanged(bool paused);

private:
    void startSend(const OutboxItem &item, qint64 typingMs);
    void onSendFinished(const QString &waMessageId, bool ok, const QString &error, bool final);
    void resolveInterrupted();
    void setSendingProblem(const QString &problem, bool stuck = false);
    void finishDrainIfIdle();
    void finishHoldIfQuiet();
    // The send being typed goes back to the queue (it never reached the page).
    void requeueTyping(const QString &why);

    WhatsAppSession *m_session;
    DeliveryLedger *m_ledger;
    RetryPolicy m_retry{std::chrono::milliseconds(2000), std::chrono::milliseconds(60000), 5};
    Pacer m_pacer{PacingPolicy{}};
    std::chrono::milliseconds m_resolveWindow{15 * 60 * 1000};
    QSet<QString> m_sendingChats;       // chats with a send in progress (typing or in the page)
    QHash<QString, QString> m_inFlight; // WhatsApp id -> chat: handed to the page, no answer yet
    QString m_typingClientId;           // the send being typed, until it reaches the page
    QString m_problem;
    bool m_problemIsStuck = false;
    bool m_paused = false;
    bool m_started = false;
    bool m_draining = false;
    std::function<void()> m_onDrained; // until it has run
    bool m_holding = false;
    std::function<void()> m_onQuiet; // until it has run
    QTimer m_timer;
    QElapsedTimer m_sinceLook; // since the last pump that read the outbox
    QTimer m_typingTimer;
    QTimer m_drainTimer;
    QTimer m_holdTimer;
};

} // namespace sak
