#include "agent/delivery/outboxintake.h"

#include <algorithm>

namespace sak::intake {
namespace {
constexpr int kReplyPriority = 100; // a customer who wrote is waiting

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
    item.notBefore = job.notBefore * 1000;
    item.expiresAt = job.expiresAt * 1000;
    item.recipient = recipientOf(job.chatId);
    return item;
}

} // namespace sak::intake
