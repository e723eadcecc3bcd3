#pragma once

#include <QString>

namespace sak {

// The life of an outbox item, in the words the status reports give the cloud
// (docs/protocol.md): the delivery stages move it, and the store refuses any move not allowed
// here (docs/architecture.md, "Delivery states"). Below both, so that neither depends on the
// other for it.
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

} // namespace sak
