#include "agent/store/store.h"
#include "app/commands/commands.h"

#include <cstdio>

namespace sak {
namespace {

// --outbox: every outbox item (state, id, chat, attempts, last error), then the queues.
class Outbox final : public Command
{
public:
    explicit Outbox(Input input)
        : Command(std::move(input), Needs::Store)
    {}

private:
    void run() override
    {
        const auto items = store().outboxItems({}, 100000);
        if (!items) {
            fail(items.error());
            return;
        }
        // The customer by number where WhatsApp told it, else by LID (or the group's chat).
        std::printf("%-10s %-36s %-24s %8s  %s\n", "STATE", "ID", "TO", "ATTEMPTS", "LAST ERROR");
        for (const OutboxItem &item : items.value())
            std::printf("%-10s %-36s %-24s %8d  %s\n", qPrintable(item.state),
                        qPrintable(item.text.clientId),
                        qPrintable(item.recipient.shown(item.text.chatId)), item.attempts,
                        qPrintable(item.lastError));
        if (const auto b = store().backlog())
            std::printf("inbound: %lld waiting, %lld dead letter(s); outbound: %lld waiting, %lld "
                        "unknown, %lld failed\n",
                        qlonglong(b.value().inboundPending), qlonglong(b.value().inboundDead),
                        qlonglong(b.value().outboundQueued), qlonglong(b.value().outboundUnknown),
                        qlonglong(b.value().outboundFailed));
        succeed();
    }
};

} // namespace

std::unique_ptr<Command> commands::outbox(Command::Input input)
{
    return std::make_unique<Outbox>(std::move(input));
}

} // namespace sak
