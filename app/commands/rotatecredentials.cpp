#include "agent/cloud/credentials.h"
#include "app/commands/commands.h"

#include <cstdio>

namespace sak {
namespace {

// --rotate-credentials: a new signing secret from the cloud (the old one stays valid meanwhile).
class RotateCredentials final : public Command
{
public:
    explicit RotateCredentials(Input input)
        : Command(std::move(input), Needs::PairedCloud)
    {}

private:
    void run() override
    {
        rotateAndKeep(cloud(), store(), [this](Result<cloud::Credentials> rotated) {
            if (!rotated) {
                fail(rotated.error());
                return;
            }
            std::printf("sak-agent: the signing secret was rotated.\n");
            succeed();
        });
    }
};

} // namespace

std::unique_ptr<Command> commands::rotateCredentials(Command::Input input)
{
    return std::make_unique<RotateCredentials>(std::move(input));
}

} // namespace sak
