#pragma once

#include <QMetaType>
#include <QString>
#include <QStringList>

namespace sak {

// The agent's view of the WhatsApp session, independent of the page's own state names.
enum class SessionState
{
    Starting,     // page loading, bridge not ready yet
    NeedsPairing, // a QR code must be scanned with the shop's phone
    Pairing,      // QR scanned, the phone and the page are linking
    Connecting,   // paired, the page is (re)connecting or syncing
    Connected,    // ready to receive and send
    Conflict,     // WhatsApp Web is open in another place
    Blocked,      // WhatsApp refuses this session (block, proxy block, deprecated version)
    Unhealthy,    // the bridge cannot work with this page (WhatsApp changed, page broken)
};

QString sessionStateName(SessionState state);

// WhatsApp's acknowledgement levels of a sent message, as the page reports them (WAWebAck's
// ACK). Below zero the message failed, each level for its own reason.
enum class Ack : int
{
    MdDowngrade = -7,         // the recipient's WhatsApp cannot take it
    Inactive = -6,            // the recipient's device is inactive
    ContentUnuploadable = -5, // the file could not be uploaded
    ContentTooBig = -4,       // the file is larger than WhatsApp takes
    ContentGone = -3,         // the file is no longer on WhatsApp's servers
    Expired = -2,             // not sent in time
    Error = -1,
    Pending = 0,
    Server = 1,
    Device = 2,
    Read = 3,
    Played = 4,
    Peer = 5 // reached the shop's own other devices: nothing the customer saw
};

// Why WhatsApp failed a message (ack below zero), in a sentence; empty otherwise.
QString ackFailure(int ack);

// A message a customer sent to the shop, as captured from the page.
struct InboundMessage
{
    QString id;         // WhatsApp's serialized message id, unique per message
    QString chatId;     // e.g. 491701234567@c.us
    QString author;     // sender inside a group, empty for a direct chat
    QString type;       // WhatsApp's message type (chat, image, ...)
    QString body;       // the text, or a media caption
    qint64 timestamp{}; // unix seconds, as WhatsApp stamped it
    QString senderName; // the customer's push name, may be empty
    // A reply: the id (the key's id part) of the message it quotes. A reaction, edit or
    // revoke: the id of the message it acts on.
    QString quotedId{};
    // Media (image, video, audio, ptt, document, sticker): what WhatsApp says of the file, and
    // its bytes as downloaded through the page; no bytes when mediaError says why.
    QString mimetype{};
    QString filename{};
    qint64 mediaSize = 0;
    QByteArray media{};
    QString mediaError{};
    // A shared location.
    double latitude = 0;
    double longitude = 0;
    // Who wrote (the chat, or the author in a group), as WhatsApp knows them: most one-to-one
    // chats are addressed by LID since 2025, and the phone number behind a LID is known only
    // sometimes. E.164 ("+491701234567") and "<digits>@lid"; empty when unknown.
    QString phone{};
    QString lid{};

    bool isMedia() const;
    bool operator==(const InboundMessage &) const = default;
};

// The message types the agent relays: what a customer can send a shop. Everything else
// (notifications, polls, calls, ...) stays in the page.
bool isRelayedType(const QString &type);

// A poll the shop sends (its question is the message's text): the customer picks one of the
// options, or any number of them. WhatsApp takes 2 to 12 options, distinct, each a short line.
struct Poll
{
    QStringList options{};
    bool multipleChoice = false;

    bool isEmpty() const { return options.isEmpty(); }
    bool operator==(const Poll &) const = default;
};
inline constexpr int kMinPollOptions = 2;
inline constexpr int kMaxPollOptions = 12;
inline constexpr int kMaxPollOptionLength = 100;
inline constexpr int kMaxPollQuestionLength = 255;
// Why WhatsApp would refuse this poll, in a sentence that says what to change; empty when it
// is a valid one.
QString pollProblem(const QString &question, const Poll &poll);

// A message the shop sends: a text, or an image or document with a caption. The WhatsApp message id
// is chosen by the agent before sending, so a send whose outcome is unknown can later be looked up
// instead of repeated.
struct OutboundText
{
    QString clientId;    // the cloud's idempotency key for this item
    QString chatId;      // recipient chat
    QString body;        // the text
    QString waMessageId; // the id the page must use for the message
    // A reply quotes this message (its serialized id), e.g. the customer's question.
    QString quotedId{};
    // An image or document to send, `body` being its caption; empty for a text.
    QString mimetype{};
    QString filename{};
    QByteArray media{};
    // A poll instead of a text: `body` is its question.
    Poll poll{};

    bool operator==(const OutboundText &) const = default;
};

// Who an outbound message goes to, as far as WhatsApp told: the customer's number (E.164) and
// LID, and the chat WhatsApp sent it in (a number whose LID is known is written to in the LID
// chat). Each empty while not known.
struct Recipient
{
    QString chatId{};
    QString phone{};
    QString lid{};

    // What a person recognises: the number where known, else the LID, else the chat.
    QString shown(const QString &addressedChat) const;
    bool operator==(const Recipient &) const = default;
};
// What a chat id itself tells: a number chat its number, a LID chat its LID.
Recipient recipientOf(const QString &chatId);

// A WhatsApp-Web-style message id (the form WhatsApp Web itself generates: "3EB0" and hex).
QString newWhatsAppMessageId();

// True for a one-to-one chat with a person (phone-number or privacy "linked id" chats).
bool isPersonChat(const QString &chatId);

// A phone number as people type it ("+49 151 2345-678", "0049 (151) ...") as WhatsApp wants it:
// the digits with the country code; empty when it is not an international number.
QString internationalDigits(const QString &typed);
// True for a number as E.164 writes it: "+" and 7 to 15 digits, the first not 0.
bool isInternationalNumber(const QString &number);

} // namespace sak

Q_DECLARE_METATYPE(sak::SessionState)
Q_DECLARE_METATYPE(sak::InboundMessage)
Q_DECLARE_METATYPE(sak::OutboundText)
Q_DECLARE_METATYPE(sak::Recipient)
