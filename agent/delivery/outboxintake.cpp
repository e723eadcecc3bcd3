#include "agent/delivery/outboxintake.h"

#include <algorithm>

namespace sak::intake {
namespace {
constexpr int kReplyPriority = 100; // a customer who wrote is waiting

// The decoder refuses times past the year 9999; a job queued another way is held to that too.
qint64 unixSecondsToMs(qint64 seconds)
{
    return std::clamp(seconds, -cloud::kMaxUnixSeconds, cloud::kMaxUnixSeconds) * 1000;
}

// Replies and jobs carry the same message fields.
template<typename CloudMessage>
OutboundText textOf(const CloudMessage &message)
{
    return OutboundText{message.clientId,       message.chatId,   message.text,
                        newWhatsAppMessageId(), message.quotedId, message.mimetype,
                        message.filename,       message.media,    message.poll};
}
} // namespace

OutboxItem fromReply(const cloud::Reply &reply, const InboundMessage &message)
{
    OutboxItem item;
    item.text = textOf(reply);
    item.kind = outbox::kReply;
    item.priority = kReplyPriority;
    item.inReplyTo = message.id;
    // The customer's number and LID, as their message told them (in a group they are the
    // member's, not the chat's).
    if (reply.chatId == message.chatId && message.author.isEmpty())
        item.recipient = Recipient{{}, message.phone, message.lid};
    const Recipient own = recipientOf(reply.chatId);
    if (item.recipient.phone.isEmpty())
        item.recipient.phone = own.phone;
    if (item.recipient.lid.isEmpty())
        item.recipient.lid = own.lid;
    return item;
}

QString answerProblem(const cloud::InboundResponse &answer, const InboundMessage &message)
{
    if (answer.messageId != message.id)
        return QStringLiteral(
                   "The cloud's answer names message %1, but it answers %2; the cloud must echo "
                   "the id of the message it answers in messageId.")
            .arg(answer.messageId, message.id);
    for (const cloud::Reply &reply : answer.replies) {
        if (reply.chatId != message.chatId)
            return QStringLiteral(
                       "Reply %1 from the cloud is for chat %2, but it answers a message in chat "
                       "%3, and a reply goes only to the chat of the message it answers: the "
                       "cloud must give the reply chatId %3, or write to %2 with a job.")
                .arg(reply.clientId, reply.chatId, message.chatId);
    }
    return {};
}

OutboxItem fromCall(const InboundMessage &call, const QString &text)
{
    return fromReply(cloud::Reply{QStringLiteral("call-reply-") + call.id, call.chatId, text},
                     call);
}

OutboxItem fromJob(const cloud::OutboundJob &job)
{
    OutboxItem item;
    item.text = textOf(job);
    item.kind = outbox::kJob;
    item.priority = std::min(job.priority, kReplyPriority - 1);
    item.notBefore = unixSecondsToMs(job.notBefore);
    item.expiresAt = unixSecondsToMs(job.expiresAt);
    item.recipient = recipientOf(job.chatId);
    return item;
}

} // namespace sak::intake
