#pragma once

#include "agent/protocol/messagetypes.h"

#include <QMap>
#include <QObject>

namespace sak {

// The page's renderer as the bridge's memory watchdog last measured it (bridge/MemoryWatchdog).
struct PageMemory
{
    qint64 rendererBytes = -1; // PSS on Linux, private bytes on Windows; -1: not measured
    qint64 ceilingBytes = 0;   // the page is reloaded above this; 0: not watched
    // Empty, or why the page is too large and is no longer reloaded (it grew back within
    // minutes of a reload), with what to do.
    QString problem;
};

// The page half of the bridge a session runs: the one built into the binary, or a delivered
// package's (agent/bridgeupdate). wa-js's settings are always the agent's own.
struct BridgeCode
{
    QString version; // empty: the built-in one
    QString waJsVersion;
    QString library;   // the wa-js bundle
    QString pageAgent; // the adapter, with its settings marker
    QString relay;     // empty: the built-in relay
    QString keyId;     // who signed it
    bool builtIn() const { return version.isEmpty(); }
};

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

    // What a person does around a send: read the customer's messages, then type for a while.
    // Best effort: a page without these functions just sends.
    virtual void markSeen(const QString &chatId) = 0;
    virtual void setTyping(const QString &chatId, bool typing) = 0;

    // Emits messageReceived() again for every customer message the page holds from `since`
    // (unix seconds) on: after a crash, what the page received but the agent never journaled
    // is found this way (the journal ignores what it knows); caughtUp() follows the last.
    virtual void catchUp(qint64 since) = 0;

    // Pairing: a fresh QR code when the last one went idle (qrCodeChanged follows), or a code
    // to type on the phone instead of scanning (pairingCodeReceived follows).
    virtual void refreshQr() = 0;
    virtual void requestPairingCode(const QString &phoneDigits) = 0;
    // WhatsApp is open in another browser (SessionState::Conflict): take the session back.
    virtual void takeOver() = 0;
    // Empty while sending works; else why it does not (WhatsApp Web changed), in a sentence.
    virtual QString sendingProblem() const = 0;

    // The page's memory (PageMemory's defaults where nothing measures it).
    virtual PageMemory pageMemory() const { return {}; }
    // Reloads the page, after reloadWanted(), once nothing is being sent: what the page held
    // has been answered for. False when no reload was started (sending may resume at once).
    virtual bool reloadPage(const QString &reason)
    {
        Q_UNUSED(reason);
        return false;
    }
    // Runs this page half from the next page load on, reloading the page now if it was
    // started: called by the bridge updater once nothing is being sent. False when the
    // session cannot change its page half.
    virtual bool switchBridge(const BridgeCode &code)
    {
        Q_UNUSED(code);
        return false;
    }
    // Whether the page that is showing loaded (its bridge then speaks for itself); false
    // while it loads and after its load failed (the network, not the page half).
    virtual bool pageLoaded() const { return true; }
    // Reloads by reason since the start ("memory", "not-ready", "needs-update", "load-failed",
    // "bridge").
    virtual QMap<QString, quint64> pageReloads() const { return {}; }

Q_SIGNALS:
    void stateChanged(sak::SessionState state);
    void qrCodeChanged(const QString &qr);
    void pairingCodeReceived(const QString &code, const QString &error);
    // WhatsApp logged this computer out (from the phone): it must be paired again.
    void loggedOut();
    // Every message a catchUp() asked for has been emitted.
    void caughtUp();
    void messageReceived(const sak::InboundMessage &message);
    // `final`: retrying cannot help (the number is not on WhatsApp); the item fails at once.
    void sendFinished(const QString &waMessageId, bool ok, const QString &error,
                      bool final = false);
    // Who a sent message went to, as WhatsApp told the page (the LID chat a number is written
    // to, the number behind a LID); before its sendFinished().
    void recipientKnown(const QString &waMessageId, const sak::Recipient &recipient);
    void ackChanged(const QString &waMessageId, int ack);
    // The bridge cannot work with the page: what is wrong, in a sentence.
    void healthProblem(const QString &description);
    // The page's memory problem (pageMemory().problem) began or ended.
    void pageMemoryChanged();
    // The page tried to reach a host that is not WhatsApp's, and was stopped.
    void requestBlocked(const QString &host);
    // The page should be reloaded (it grew too large): the pipeline holds sending, lets the
    // page answer for the sends it holds, then calls reloadPage(). Sending resumes when the
    // session connects again.
    void reloadWanted(const QString &reason);
};

} // namespace sak
