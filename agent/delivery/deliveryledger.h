#pragma once

#include "agent/base/result.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QTimer>

#include <functional>
#include <utility>

namespace sak {

class Clock;
class Store;

// What the delivery stages share: the encrypted store, the clock, and the announcing of outbox
// moves (move(), announce()) once they are on disk, so that the status reporter and the windows
// hear of each. Writes that announce nothing (a send put back to wait, the journal's
// bookkeeping) go to the store directly. The stages never call each other; the coordinator
// (RelayPipeline) turns the ledger's and the stages' signals into work for the others.
class DeliveryLedger : public QObject
{
    Q_OBJECT
public:
    DeliveryLedger(Store *store, const Clock *clock, QObject *parent = nullptr);

    Store *store() const { return m_store; }
    qint64 now() const;

    // Moves an outbox item (the store checks the move and queues its status report in the
    // same transaction). Announced once it is on disk: inside writeTogether(), after the commit.
    bool move(const QString &clientId, const QString &state, const QString &detail = {});
    // Items the store put in a state itself (replies queued with their journal entry, a job, an
    // operator's retry): announced like moves.
    void announce(const QStringList &clientIds, const QString &state);
    // Runs the store writes of a burst as one transaction (one sync to disk, not one each);
    // what the writes set off waits until they are committed. False (and logged) when the
    // transaction failed: none of the writes happened.
    bool writeTogether(const char *what, const std::function<void()> &writes);
    // Writes that may wait a moment (acks, who a message reached): gathered and written in one
    // writeTogether(), one sync instead of one each; `after` runs once they are committed
    // (true) or rolled back and the failure logged (false). Written at the end of this turn of the
    // event loop, or under a burst kGatherMs after the last such write at most.
    void writeSoon(std::function<void()> write, std::function<void(bool committed)> after = {});
    static constexpr qint64 kGatherMs = 10;

    // The store's status queue gained reports (expired items, ...): the reporter has work.
    void noteStatuses() { Q_EMIT statusesQueued(); }
    // Something the backlog counts changed.
    void noteChanged() { Q_EMIT changed(); }
    // Nothing is lost when a write fails: what could not be written is still where it was (the
    // page, the cloud's queue), and the stage runs again on the next event or timer.
    void storeFailed(const char *what, const Error &error) const;

Q_SIGNALS:
    void moved(const QString &clientId, const QString &state);
    // Once per commit (or lone move) that queued status reports.
    void statusesQueued();
    void changed();

private:
    void publish(QList<std::pair<QString, QString>> moves);
    void writeGathered();

    struct SoonWrite
    {
        std::function<void()> write;
        std::function<void(bool committed)> after;
    };

    Store *m_store;
    const Clock *m_clock;
    int m_writingTogether = 0;                            // writeTogether() nesting
    QList<std::pair<QString, QString>> m_movesToAnnounce; // client id, state; after the commit
    QList<SoonWrite> m_soon;                              // for writeGathered()
    QTimer m_soonTimer;
    QElapsedTimer m_sinceGathered;
};

} // namespace sak
