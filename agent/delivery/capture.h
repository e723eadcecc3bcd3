#pragma once

#include "agent/protocol/messagetypes.h"

#include <QList>
#include <QObject>
#include <QSet>
#include <QTimer>

namespace sak {

class DeliveryLedger;
class WhatsAppSession;

// [1 captured] The page's incoming messages, filtered (allowed groups, person chats, kinds a
// customer sends) and journaled in the encrypted store, a burst in one write. The journal is
// the relay's order, so from a (re)start of the page until its catch-up is done, captures are
// held: a message the page hands over as new may be younger than one only the catch-up finds.
class Capture : public QObject
{
    Q_OBJECT
public:
    Capture(WhatsAppSession *session, DeliveryLedger *ledger, QObject *parent = nullptr);

    // Group chats whose messages are relayed; every other group is ignored.
    void setAllowedGroups(const QStringList &groups);

    // A new page is starting: hold what it hands over until its catch-up.
    void holdUntilCaughtUp() { m_holding = true; }
    // The session connected: ask the page for what it received while this process could not
    // journal it (a crash, a restart), from a little before the newest journaled message.
    void catchUp();

Q_SIGNALS:
    // Messages new to the journal, now on disk.
    void journaled(const QStringList &messageIds);
    // A customer's call is being journaled: what a receiver writes to the store now is in the
    // same transaction, so it happens exactly when the call is journaled (once).
    void callJournaling(const sak::InboundMessage &call);

private:
    void onMessage(const InboundMessage &message);
    void onCaughtUp();
    void journalCaptured();

    WhatsAppSession *m_session;
    DeliveryLedger *m_ledger;
    QSet<QString> m_allowedGroups;
    QSet<QString> m_ignoredGroups; // logged once each
    // Captured messages wait for the end of the event loop's turn and are written together.
    QList<InboundMessage> m_captured;
    QTimer m_captureTimer;
    bool m_holding = true;
    QTimer m_holdTimer; // a page that never catches up does not hold them for ever
};

} // namespace sak
