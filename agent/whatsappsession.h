#pragma once

#include "messagetypes.h"

#include <QObject>

namespace sak {

// The agent's only way to WhatsApp. The real implementation drives WhatsApp Web inside
// QtWebEngine (bridge/WebBridge); tests use an in-memory one. Nothing in agent/ knows about
// browsers.
class WhatsAppSession : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    virtual SessionState state() const = 0;

    // Sends a text with the message id chosen by the caller (text.waMessageId). The outcome
    // comes back as sendFinished() with that id; acks follow as ackChanged().
    virtual void sendText(const OutboundText &text) = 0;

Q_SIGNALS:
    void stateChanged(sak::SessionState state);
    void qrCodeChanged(const QString &qr);
    void messageReceived(const sak::InboundMessage &message);
    void sendFinished(const QString &waMessageId, bool ok, const QString &error);
    void ackChanged(const QString &waMessageId, int ack);
    // The bridge cannot work with the page: what is wrong, in a sentence.
    void healthProblem(const QString &description);
};

} // namespace sak
