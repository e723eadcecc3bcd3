#include "agent/base/clock.h"
#include "agent/store/store.h"
#include "app/commands/commands.h"

namespace sak {
namespace {

// --retry ID: a failed, expired or unknown outbox item is sent again.
class Retry final : public Command
{
public:
    explicit Retry(Input input)
        : Command(std::move(input), Needs::Store)
    {}

private:
    void run() override { reportDone(store().retryOutbound(value(), SystemClock().nowMs())); }
};

} // namespace

std::unique_ptr<Command> commands::retry(Command::Input input)
{
    return std::make_unique<Retry>(std::move(input));
}

} // namespace sak
