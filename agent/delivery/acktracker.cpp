#include "agent/delivery/acktracker.h"

#include "agent/base/logging.h"
#include "agent/delivery/deliveryledger.h"
#include "agent/delivery/whatsappsession.h"
#include "agent/protocol/deliverystate.h"
#include "agent/store/store.h"

#include <QPointer>

using namespace Qt::Literals::StringLiterals;

namespace sak {

AckTracker::AckTracker(WhatsAppSession *session, DeliveryLedger *ledger, QObject *parent)
    : QObject(parent)
    , m_ledger(ledger)
{
    connect(session, &WhatsAppSession::ackChanged, this, &AckTracker::onAck);
}

void AckTracker::expect(const QString &waMessageId)
{
    m_pendingSince.insert(waMessageId, m_ledger->now());
}

void AckTracker::onAck(const QString &waMessageId, int ack)
{
    if (outbox::stateForAck(ack).isEmpty())
        return; // pending: not news
    if (m_acks.isEmpty())
        m_ledger->writeSoon(
            [self = QPointer(this)] {
                if (self)
                    self->applyAcks();
            },
            [self = QPointer(this)](bool committed) {
                if (self)
                    self->afterAcks(committed);
            });
    m_acks.append({waMessageId, ack});
}

void AckTracker::applyAcks()
{
    for (const auto &[waMessageId, ack] : std::exchange(m_acks, {}))
        m_moved = applyAck(waMessageId, ack) || m_moved;
}

void AckTracker::afterAcks(bool committed)
{
    if (m_pendingSince.isEmpty())
        Q_EMIT nonePending();
    // Rolled back, the moves did not happen: nothing advanced.
    if (std::exchange(m_moved, false) && committed)
        Q_EMIT advanced();
}

bool AckTracker::applyAck(const QString &waMessageId, int ack)
{
    const auto item = m_ledger->store()->outboundByWaId(waMessageId);
    if (!item || !item.value())
        return false; // not ours
    m_pendingSince.remove(waMessageId);
    const QString state = outbox::stateForAck(ack);
    if (!outbox::canMove(item.value()->state, state))
        return false; // acks only move forward
    qCInfo(lcRelay).noquote() << "[6 ack]" << waMessageId << "is" << state;
    return m_ledger->move(item.value()->text.clientId, state, ackFailure(ack));
}

void AckTracker::checkStuck()
{
    const qint64 t = m_ledger->now();
    for (auto it = m_pendingSince.cbegin(); it != m_pendingSince.cend(); ++it) {
        if (t - it.value() > m_stuckAfter.count()) {
            Q_EMIT stuck(
                u"Messages stay pending in WhatsApp (the clock icon) for more than %1 s: the session looks connected but is not. Sending waits until WhatsApp reconnects."_s
                    .arg(m_stuckAfter.count() / 1000));
            return;
        }
    }
}

} // namespace sak
