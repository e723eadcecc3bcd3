#include "agent/cloud/cloudclient.h"
#include "agent/cloud/credentials.h"
#include "app/commands/commands.h"

#include <cstdio>

namespace sak {
namespace {

// --unpair: forgets the credentials, and tells the cloud.
class Unpair final : public Command
{
public:
    explicit Unpair(Input input)
        : Command(std::move(input), Needs::PairedCloud)
    {}

private:
    void run() override
    {
        cloud().unpair([this](Status told) {
            // Forgotten locally even when the cloud cannot be told: the shop asked for it.
            if (Status removed = forgetCredentials(store()); !removed) {
                fail(removed.error());
                return;
            }
            if (!told)
                std::printf("sak-agent: unpaired here; the cloud could not be told (%s). Remove "
                            "the agent in the dashboard too.\n",
                            qPrintable(told.error().message));
            else
                std::printf("sak-agent: unpaired; the cloud forgot this agent.\n");
            succeed();
        });
    }
};

} // namespace

std::unique_ptr<Command> commands::unpair(Command::Input input)
{
    return std::make_unique<Unpair>(std::move(input));
}

} // namespace sak
