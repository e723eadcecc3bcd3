#include "agent/protocol/deliverystate.h"
#include "agent/protocol/messagetypes.h"

#include <QStringList>

namespace sak {
namespace outbox {

int rank(const QString &state)
{
    static const QStringList forward{kQueued, kSending, kSent, kDelivered, kRead, kPlayed};
    return int(forward.indexOf(state));
}

bool isSettled(const QString &state)
{
    return rank(state) >= rank(kSent) || state == kFailed || state == kExpired ||
           state == kCancelled;
}

QString stateForAck(int ack)
{
    if (!ackFailure(ack).isEmpty())
        return kFailed;
    switch (static_cast<Ack>(ack)) {
    case Ack::Server:
        return kSent;
    case Ack::Device:
        return kDelivered;
    case Ack::Read:
        return kRead;
    case Ack::Played:
        return kPlayed;
    default:
        return {};
    }
}

bool canMove(const QString &from, const QString &to)
{
    if (from == to)
        return false;
    if (to == kQueued) // a send that did not happen, an operator's retry, a crash resolved
        return from == kSending || from == kFailed || from == kExpired || from == kUnknown;
    if (to == kSending)
        return from == kQueued;
    if (rank(to) > rank(kSending)) // acks only move forward; a late ack settles an unknown
        return rank(from) >= rank(kSending) ? rank(to) > rank(from) : from == kUnknown;
    if (to == kFailed)
        return from == kQueued || from == kSending || from == kSent;
    if (to == kExpired || to == kCancelled)
        return from == kQueued;
    if (to == kUnknown)
        return from == kSending;
    return false;
}

} // namespace outbox

} // namespace sak
