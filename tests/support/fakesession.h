#pragma once

#include "agent/delivery/whatsappsession.h"

#include <QList>
#include <QStringList>

namespace sak::test {

// An in-memory WhatsApp for testing what sits above the session interface: it records what
// it is asked to send and lets the test play the page's part.
class FakeSession : public WhatsAppSession
{
    Q_OBJECT
public:
    using WhatsAppSession::WhatsAppSession;

    SessionState state() const override { return m_state; }
    void sendText(const OutboundText &text) override;
    void markSeen(const QString &chatId) override
    {
        activity.append(QStringLiteral("seen ") + chatId);
    }
    void setTyping(const QString &chatId, bool typing) override
    {
        activity.append((typing ? QStringLiteral("typing ") : QStringLiteral("paused ")) + chatId);
    }
    void catchUp(qint64 since) override;
    void refreshQr() override { activity.append(QStringLiteral("refresh QR")); }
    void requestPairingCode(const QString &phone) override
    {
        activity.append(QStringLiteral("pairing code ") + phone);
    }
    void takeOver() override { activity.append(QStringLiteral("take over")); }
    QString sendingProblem() const override { return cannotSend; }
    bool reloadPage(const QString &reason) override
    {
        activity.append(QStringLiteral("reload"));
        reloads.append(reason);
        return reloadable;
    }

    bool pageLoaded() const override { return loaded; }
    bool switchBridge(const BridgeCode &code) override
    {
        bridges.append(code);
        return true;
    }

    void setState(SessionState state);
    void receive(const InboundMessage &message) { Q_EMIT messageReceived(message); }
    void finish(const QString &waMessageId, bool ok, const QString &error = {}, bool final = false)
    {
        Q_EMIT sendFinished(waMessageId, ok, error, final);
    }
    void ack(const QString &waMessageId, int level) { Q_EMIT ackChanged(waMessageId, level); }
    // The page asks to be reloaded (its memory watchdog).
    void wantReload(const QString &reason) { Q_EMIT reloadWanted(reason); }

    QList<OutboundText> sent;
    QStringList activity;       // seen / typing / paused / send, in order
    QList<InboundMessage> held; // what the page "holds", for catchUp()
    QList<qint64> catchUps;     // the `since` of every catchUp()
    bool autoConfirm = true;    // confirm every send at once, as a healthy page does
    bool autoAck = true;        // ...and WhatsApp's server takes it (one tick)
    QString cannotSend;         // what sendingProblem() says
    QStringList reloads;        // the reasons of every reloadPage()
    bool reloadable = true;     // what reloadPage() answers
    QList<BridgeCode> bridges;  // every switchBridge(), in order
    bool loaded = true;         // what pageLoaded() answers

private:
    SessionState m_state = SessionState::Starting;
};

InboundMessage customerMessage(const QString &id, const QString &chatId, const QString &body);

} // namespace sak::test
