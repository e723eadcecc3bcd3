#pragma once

#include "agent/protocol/cloudprotocol.h"
#include "agent/store/records.h"

namespace sak::intake {

// What the cloud asks to send becomes an outbox item here, one way for both sources: the
// WhatsApp id the page will use is chosen now, before anything is stored, so that a send
// interrupted by a crash is found in the page under that id instead of being sent twice.

// [3 replies] An answer to a customer who wrote: before any broadcast; it goes to the number
// and LID the message came with.
OutboxItem fromReply(const cloud::Reply &reply, const InboundMessage &message);
// Why the cloud's answer to `message` is not queued, in a sentence that says what the cloud
// must change; empty when it can be. A reply goes only to the chat of the message it answers
// (so that an answer, however it came about, cannot make the shop write to anyone else; the
// cloud writes to other chats with jobs), and the answer must name that message.
QString answerProblem(const cloud::InboundResponse &answer, const InboundMessage &message);
// [3 job] Work the cloud pushed (broadcasts, follow-ups): below every reply, whatever priority
// the cloud gave it; its times are the cloud's unix seconds (kept within the year 9999, so
// that they cannot overflow as milliseconds).
OutboxItem fromJob(const cloud::OutboundJob &job);
// The agent's own answer to a declined call ([whatsapp] calls = reject-and-reply): a reply to
// the caller, whose client id is made from the call, so that it is queued once.
OutboxItem fromCall(const InboundMessage &call, const QString &text);

} // namespace sak::intake
