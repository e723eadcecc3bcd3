#pragma once

#include "agent/base/result.h"
#include "agent/protocol/messagetypes.h"

#include <QStringList>

#include <variant>

// The messages that cross between the injected page agent (JavaScript) and the agent (C++).
// The relay in the page validates them already; they are checked again here because the page
// is a browser full of someone else's code. See docs/protocol.md, "Bridge events".
namespace sak::bridge {

// Media arrives as base64 inside a message event: the event limit makes room for the
// largest file the agent takes ([whatsapp] media-max-bytes is at most kMaxMediaBytes).
inline constexpr qsizetype kMaxMediaBytes = 64 * 1024 * 1024;
inline constexpr qsizetype kMaxEventBytes = kMaxMediaBytes / 3 * 4 + 256 * 1024;
inline constexpr qsizetype kMaxBodyLength = 65536; // WhatsApp's own limit for a text
inline constexpr qsizetype kMaxIdLength = 256;

struct ReadyEvent
{
    QString version; // WhatsApp Web build (window.Debug.VERSION)
    QString library; // what the page half runs on, e.g. "wa-js 4.6.0"
};
struct StateEvent
{
    QString pageState; // Socket.state as the page names it
    bool hasSynced = false;
};
struct QrEvent
{
    QString qr; // the full QR content (ref,keys...)
};
struct MessageEvent
{
    InboundMessage message;
    bool fromMe = false;
};
struct AckEvent
{
    QString messageId; // the id part of the key (the one we chose when sending)
    int ack = 0;       // WhatsApp's level, -7..5 (Ack)
};
struct SendResultEvent
{
    QString requestId;
    QString messageId;
    bool ok = false;
    QString error;
    bool final = false; // retrying cannot help: the number is not on WhatsApp
    Recipient recipient{};
};
struct HealthEvent
{
    bool ok = false;
    QStringList missing;     // what of WhatsApp wa-js could not find, by wa-js's names
    QStringList unavailable; // what does not work because of that ("sending", "everything")
    QString version;
    QString library;
};

// WhatsApp logged this device out (from the phone, or here): the page starts over with a QR
// code. The reason as WhatsApp gives it (e.g. "primary_logged_out"), when it gives one.
struct LogoutEvent
{
    QString reason;
};

// The page emitted every message a catch-up asked for.
struct CaughtUpEvent
{
};

// The page is not usable as it is: "browser-outdated" (WhatsApp's "update your browser" page),
// "needs-update" (WhatsApp Web says a newer version is out) or "bridge-not-loaded" (wa-js did
// not start in the page).
struct PageProblemEvent
{
    QString problem;
};

// The answer to a pairing-code request: the code to type on the phone, or why there is none.
struct PairingCodeEvent
{
    QString code;
    QString error;
};

using Event =
    std::variant<ReadyEvent, StateEvent, QrEvent, MessageEvent, AckEvent, SendResultEvent,
                 HealthEvent, LogoutEvent, PageProblemEvent, PairingCodeEvent, CaughtUpEvent>;

Result<Event> parseEvent(const QByteArray &json);

// The command that asks the page agent to send a text with a given message id.
QByteArray sendTextCommand(const QString &requestId, const OutboundText &text);
QByteArray markSeenCommand(const QString &chatId);
QByteArray typingCommand(const QString &chatId, bool typing);
QByteArray catchUpCommand(qint64 since);
// Settings of the page agent: the largest media it downloads, the groups the agent relays
// (media is fetched only in customers' own chats and those groups), and whether the account
// may show "online" (else the page keeps it unavailable, so that the owner's phone notifies),
// and whether incoming calls are declined.
QByteArray configureCommand(qint64 mediaMaxBytes, const QStringList &allowedGroups,
                            bool appearOnline, bool rejectCalls);
// A new QR code when the last one went idle.
QByteArray refreshQrCommand();
// Take the session back from another browser (CONFLICT).
QByteArray takeoverCommand();
// Pair by phone number (digits with country code): the page answers with a code.
QByteArray pairingCodeCommand(const QString &phone);

// Maps WhatsApp Web's Socket.state onto the agent's session state.
SessionState mapPageState(const QString &pageState, bool hasSynced);

} // namespace sak::bridge
