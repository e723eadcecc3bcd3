#include "agent/base/clock.h"
#include "agent/store/store.h"
#include "app/commands/commands.h"

namespace sak {
namespace {

// --cancel ID: a queued outbox item is not sent.
class Cancel final : public Command
{
public:
    explicit Cancel(Input input)
        : Command(std::move(input), Needs::Store)
    {}

private:
    void run() override { reportDone(store().cancelOutbound(value(), SystemClock().nowMs())); }
};

} // namespace

std::unique_ptr<Command> commands::cancel(Command::Input input)
{
    return std::make_unique<Cancel>(std::move(input));
}

} // namespace sak
