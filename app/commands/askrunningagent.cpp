#include "agent/status/statusendpoint.h"
#include "app/commands/commands.h"

#include <cstdio>

namespace sak {
namespace {

// --status and --metrics: asks the running agent's status endpoint and prints the answer.
class AskRunningAgent final : public Command
{
public:
    explicit AskRunningAgent(Input input)
        : Command(std::move(input), Needs::Nothing)
    {}

private:
    void run() override
    {
        StatusEndpoint::ask(config().dataDir, option(), this, [this](Result<QByteArray> answer) {
            if (!answer) {
                fail(answer.error());
                return;
            }
            std::printf("%s", answer.value().constData());
            std::fflush(stdout);
            succeed();
        });
    }
};

} // namespace

std::unique_ptr<Command> commands::askRunningAgent(Command::Input input)
{
    return std::make_unique<AskRunningAgent>(std::move(input));
}

} // namespace sak
