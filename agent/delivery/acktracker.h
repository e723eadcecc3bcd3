#pragma once

#include <QHash>
#include <QList>
#include <QObject>

#include <chrono>
#include <utility>

namespace sak {

class DeliveryLedger;
class WhatsAppSession;

// [6 ack] WhatsApp's acks move outbox items forward (sent, delivered, read, played, or failed),
// a burst in one write; they never move an item back. It also watches the sends the page took:
// one still pending (the clock icon) too long means the session only looks connected.
class AckTracker : public QObject
{
    Q_OBJECT
public:
    AckTracker(WhatsAppSession *session, DeliveryLedger *ledger, QObject *parent = nullptr);

    void setStuckAfter(std::chrono::milliseconds after) { m_stuckAfter = after; }
    std::chrono::milliseconds stuckAfter() const { return m_stuckAfter; }

    // The page took this message: WhatsApp's server should ack it soon.
    void expect(const QString &waMessageId);
    // The session reconnected: every send still pending is an item in "sending", which the
    // sender now asks the page for again under its id; the watch starts afresh.
    void forgetPending() { m_pendingSince.clear(); }
    // Emits stuck() when a message has been pending longer than stuckAfter().
    void checkStuck();

Q_SIGNALS:
    // Acks moved items: a chat's next message may go now.
    void advanced();
    void stuck(const QString &problem);
    // Every message the page took has been acked.
    void nonePending();

private:
    void onAck(const QString &waMessageId, int ack);
    // Inside the ledger's gathered write; afterAcks() once it is committed.
    void applyAcks();
    void afterAcks(bool committed);
    bool applyAck(const QString &waMessageId, int ack);

    DeliveryLedger *m_ledger;
    std::chrono::milliseconds m_stuckAfter{60000};
    QHash<QString, qint64> m_pendingSince; // taken by the page, not yet acked by WhatsApp
    // Acks come in bursts (a chat's messages read at once, delivery after a reconnect): they
    // are recorded at the end of the event loop's turn, together (DeliveryLedger::writeSoon).
    QList<std::pair<QString, int>> m_acks;
    bool m_moved = false; // by the acks just written
};

} // namespace sak
