#include "agent/delivery/deliveryledger.h"

#include "agent/base/clock.h"
#include "agent/base/logging.h"
#include "agent/store/store.h"

#include <algorithm>

namespace sak {

DeliveryLedger::DeliveryLedger(Store *store, const Clock *clock, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_clock(clock)
{
    m_soonTimer.setSingleShot(true);
    connect(&m_soonTimer, &QTimer::timeout, this, &DeliveryLedger::writeGathered);
}

qint64 DeliveryLedger::now() const
{
    return m_clock->nowMs();
}

void DeliveryLedger::storeFailed(const char *what, const Error &error) const
{
    qCCritical(lcRelay).noquote() << "The encrypted store failed while" << what << ":"
                                  << error.message;
}

bool DeliveryLedger::move(const QString &clientId, const QString &state, const QString &detail)
{
    if (auto moved = m_store->setOutboundState(clientId, state, detail, now()); !moved) {
        qCWarning(lcRelay).noquote() << moved.error().message;
        return false;
    }
    announce({clientId}, state);
    return true;
}

void DeliveryLedger::announce(const QStringList &clientIds, const QString &state)
{
    QList<std::pair<QString, QString>> moves;
    for (const QString &clientId : clientIds)
        moves.append({clientId, state});
    if (m_writingTogether > 0) {
        m_movesToAnnounce.append(moves);
        return;
    }
    publish(std::move(moves));
}

bool DeliveryLedger::writeTogether(const char *what, const std::function<void()> &writes)
{
    ++m_writingTogether;
    const Status done = m_store->inTransaction([&writes]() -> Status {
        writes();
        return Done{};
    });
    --m_writingTogether;
    if (m_writingTogether > 0)
        return bool(done); // the outer one announces
    auto moves = std::exchange(m_movesToAnnounce, {});
    if (!done) {
        storeFailed(what, done.error());
        return false;
    }
    publish(std::move(moves));
    return true;
}

void DeliveryLedger::writeSoon(std::function<void()> write,
                               std::function<void(bool committed)> after)
{
    m_soon.append({std::move(write), std::move(after)});
    if (m_soonTimer.isActive())
        return;
    const qint64 since = m_sinceGathered.isValid() ? m_sinceGathered.elapsed() : kGatherMs;
    m_soonTimer.start(int(std::max<qint64>(0, kGatherMs - since)));
}

void DeliveryLedger::writeGathered()
{
    m_sinceGathered.start();
    const auto gathered = std::exchange(m_soon, {});
    const bool committed = writeTogether("recording acks and recipients", [&gathered] {
        for (const SoonWrite &w : gathered)
            w.write();
    });
    for (const SoonWrite &w : gathered) {
        if (w.after)
            w.after(committed);
    }
}

void DeliveryLedger::publish(QList<std::pair<QString, QString>> moves)
{
    if (moves.isEmpty())
        return;
    for (const auto &[clientId, state] : std::as_const(moves))
        Q_EMIT moved(clientId, state);
    Q_EMIT statusesQueued();
}

} // namespace sak
