#include "agent/cloud/credentials.h"
#include "app/commands/commands.h"

#include <cstdio>

namespace sak {
namespace {

// --pair CODE: exchanges a code from the cloud's dashboard for the agent's credentials.
class Pair final : public Command
{
public:
    explicit Pair(Input input)
        : Command(std::move(input), Needs::Cloud)
    {}

private:
    void run() override
    {
        pairAndKeep(cloud(), store(), value(), [this](Result<cloud::Credentials> credentials) {
            if (!credentials) {
                fail(credentials.error());
                return;
            }
            std::printf("sak-agent: paired with %s as %s of tenant %s.\n",
                        qPrintable(config().cloudUrl.host()),
                        qPrintable(credentials.value().agentId),
                        qPrintable(credentials.value().tenantId));
            succeed();
        });
    }
};

} // namespace

std::unique_ptr<Command> commands::pair(Command::Input input)
{
    return std::make_unique<Pair>(std::move(input));
}

} // namespace sak
