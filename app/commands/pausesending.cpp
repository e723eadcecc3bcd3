#include "agent/delivery/sender.h"
#include "agent/store/store.h"
#include "app/commands/commands.h"

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

// --pause-sending and --resume-sending: one setting in the store, which a running agent
// follows within seconds.
class PauseSending final : public Command
{
public:
    explicit PauseSending(Input input)
        : Command(std::move(input), Needs::Store)
    {}

private:
    void run() override
    {
        const bool pause = option() == u"pause-sending"_s;
        reportDone(store().setNumberSetting(Sender::kPausedSetting, pause ? 1 : 0));
    }
};

} // namespace

std::unique_ptr<Command> commands::pauseSending(Command::Input input)
{
    return std::make_unique<PauseSending>(std::move(input));
}

} // namespace sak
