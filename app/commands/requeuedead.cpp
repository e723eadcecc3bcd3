#include "agent/store/store.h"
#include "app/commands/commands.h"

#include <cstdio>

namespace sak {
namespace {

// --requeue-dead: the inbound messages the cloud kept refusing are relayed again.
class RequeueDead final : public Command
{
public:
    explicit RequeueDead(Input input)
        : Command(std::move(input), Needs::Store)
    {}

private:
    void run() override
    {
        const auto requeued = store().requeueDeadInbound({});
        if (!requeued) {
            fail(requeued.error());
            return;
        }
        std::printf("sak-agent: %d dead letter(s) will be relayed again\n", requeued.value());
        succeed();
    }
};

} // namespace

std::unique_ptr<Command> commands::requeueDead(Command::Input input)
{
    return std::make_unique<RequeueDead>(std::move(input));
}

} // namespace sak
