#pragma once

#include "messagetypes.h"

#include <QString>
#include <QStringList>

namespace sak {

// The life of an outbox item. Only the agent's delivery code moves it; see
// docs/architecture.md, "Delivery".
namespace outbox {
inline const QString kQueued = QStringLiteral("queued");
inline const QString kSending = QStringLiteral("sending");
inline const QString kSent = QStringLiteral("sent");
inline const QString kDelivered = QStringLiteral("delivered");
inline const QString kRead = QStringLiteral("read");
inline const QString kPlayed = QStringLiteral("played");
inline const QString kFailed = QStringLiteral("failed");
inline const QString kExpired = QStringLiteral("expired");
inline const QString kCancelled = QStringLiteral("cancelled");
inline const QString kUnknown = QStringLiteral("unknown");

// Where an item may go from a state (an operator's retry included).
bool canMove(const QString &from, const QString &to);
// The order of the forward states: queued < sending < sent < delivered < read < played.
int rank(const QString &state);
// Needs nobody any more: sent or beyond, failed, expired, cancelled.
bool isSettled(const QString &state);
// Where WhatsApp's ack level moves an item: sent, delivered, read, played, or failed (any of
// WhatsApp's failures, -7..-1); empty for a level that moves nothing (pending, the shop's own
// devices, unknown levels).
QString stateForAck(int ack);

inline const QString kReply = QStringLiteral("reply"); // answers a customer who wrote
inline const QString kJob = QStringLiteral("job");     // pushed by the cloud (broadcasts, ...)
} // namespace outbox

struct OutboxItem
{
    OutboundText text;
    QString kind = outbox::kJob;
    int priority = 0;     // higher first; replies go before broadcasts
    qint64 notBefore = 0; // unix ms; 0: at once
    qint64 expiresAt = 0; // unix ms; 0: never
    QString state = outbox::kQueued;
    int attempts = 0;
    qint64 nextAttemptAt = 0; // unix ms
    QString lastError;
    QString inReplyTo; // the inbound message id a reply answers
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
};

// What an operator narrows the outbox to (the outbox viewer, the status endpoint).
struct OutboxFilter
{
    QStringList states; // empty: every state
    QString chatId;     // empty: every chat
    QString search;     // in the message, the chat or the last error (ASCII letters ignore case)
};

// One line of the outbox as an operator sees it: no media bytes, the message cut to a preview.
struct OutboxRow
{
    qint64 rowid = 0;     // the order items were queued in
    qint64 changeSeq = 0; // grows with every change of any item (schema 7)
    bool matches = true;  // of outboxChangedSince(): whether it passes the filter now
    qint64 mediaSize = 0;
    OutboxItem item; // text.body: at most kPreviewLength characters; text.media empty
    static constexpr int kPreviewLength = 200;
};

struct JournalEntry
{
    InboundMessage message;
    QString state; // pending, relayed, dead
    int attempts = 0;
    qint64 nextAttemptAt = 0; // unix ms
    QString lastError;
};

// A state change the cloud has not been told yet.
struct StatusRecord
{
    qint64 id = 0;
    QString clientId;
    QString waMessageId;
    QString chatId;
    QString state;
    QString detail;
    qint64 timestamp = 0; // unix seconds
};

struct Backlog
{
    qsizetype inboundPending = 0;
    qsizetype inboundDead = 0;
    qsizetype outboundQueued = 0; // queued or sending
    qsizetype outboundUnknown = 0;
    qsizetype outboundFailed = 0;
};

} // namespace sak
