#pragma once

#include "agent/protocol/deliverystate.h"
#include "agent/protocol/messagetypes.h"

#include <QString>
#include <QStringList>

namespace sak {

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
    // Who it goes to: from the message a reply answers or the chat a job names, completed by
    // what WhatsApp tells when it is sent (the LID chat a number is written to).
    Recipient recipient{};
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
};

// What an operator narrows the outbox to (the outbox viewer, the status endpoint).
struct OutboxFilter
{
    QStringList states; // empty: every state
    QString chatId;     // empty: every chat
    QString
        search; // in the message, the chat, number, LID or last error (ASCII letters ignore case)
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
    qint64 receivedAt = 0; // unix ms: when it was journaled
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
    Recipient recipient{};
};

// A delivered bridge package as the store keeps it.
struct BridgePackageRecord
{
    QString version;
    QByteArray document;   // the signed document as it came; empty once failed
    qint64 receivedAt = 0; // unix ms
    QString state;         // stored, trying, good, failed
    QString failure;       // why it failed
    qint64 changedAt = 0;  // unix ms
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
