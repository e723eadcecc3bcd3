#include "agent/delivery/capture.h"

#include "agent/base/logging.h"
#include "agent/delivery/deliveryledger.h"
#include "agent/delivery/whatsappsession.h"
#include "agent/store/store.h"

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {
// Longer than the page's own wait for WhatsApp's offline burst to end (30 s in pageagent.js),
// so that a slow burst is still journaled as one ordered batch.
constexpr int kCaptureHoldMs = 40000;
constexpr qint64 kCatchUpMarginSeconds = 300;
} // namespace

Capture::Capture(WhatsAppSession *session, DeliveryLedger *ledger, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_ledger(ledger)
{
    m_captureTimer.setSingleShot(true);
    m_captureTimer.setInterval(0);
    connect(&m_captureTimer, &QTimer::timeout, this, &Capture::journalCaptured);
    m_holdTimer.setSingleShot(true);
    m_holdTimer.setInterval(kCaptureHoldMs);
    connect(&m_holdTimer, &QTimer::timeout, this, [this] {
        qCWarning(lcRelay) << "The page did not finish its catch-up; journaling what it sent";
        onCaughtUp();
    });
    connect(m_session, &WhatsAppSession::messageReceived, this, &Capture::onMessage);
    connect(m_session, &WhatsAppSession::caughtUp, this, &Capture::onCaughtUp);
}

void Capture::setAllowedGroups(const QStringList &groups)
{
    m_allowedGroups = QSet<QString>(groups.cbegin(), groups.cend());
}

void Capture::catchUp()
{
    const auto newest = m_ledger->store()->newestInboundTime();
    const qint64 since = (newest && newest.value() > 0 ? newest.value() : m_ledger->now() / 1000) -
                         kCatchUpMarginSeconds;
    m_session->catchUp(since);
}

void Capture::onMessage(const InboundMessage &message)
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
    if (m_holding) {
        if (!m_holdTimer.isActive())
            m_holdTimer.start();
        return;
    }
    if (!m_captureTimer.isActive())
        m_captureTimer.start();
}

void Capture::onCaughtUp()
{
    m_holdTimer.stop();
    if (!m_holding)
        return;
    m_holding = false;
    // WhatsApp's time orders a chat's messages; the stable sort keeps the page's order within
    // a second.
    std::stable_sort(
        m_captured.begin(), m_captured.end(),
        [](const InboundMessage &a, const InboundMessage &b) { return a.timestamp < b.timestamp; });
    journalCaptured();
}

void Capture::journalCaptured()
{
    const QList<InboundMessage> captured = std::exchange(m_captured, {});
    QList<const InboundMessage *> fresh;
    const bool written = m_ledger->writeTogether("journaling messages", [&] {
        for (const InboundMessage &message : captured) {
            const auto journaled = m_ledger->store()->journalInbound(message);
            if (!journaled) {
                m_ledger->storeFailed("journaling a message", journaled.error());
            } else if (journaled.value()) {
                fresh.append(&message);
                if (message.type == u"call"_s)
                    Q_EMIT callJournaling(message); // what it sets off is in this transaction
            } else {
                qCDebug(lcRelay) << "Message" << message.id << "is in the journal already";
            }
        }
    });
    if (!written || fresh.isEmpty())
        return; // not written: still in the page, the catch-up after the next connect finds it
    QStringList ids;
    for (const InboundMessage *message : std::as_const(fresh)) {
        qCInfo(lcRelay).noquote() << "[1 captured] message" << message->id << "from"
                                  << message->chatId;
        ids.append(message->id);
    }
    Q_EMIT journaled(ids);
}

} // namespace sak
