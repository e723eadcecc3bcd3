#include "agent/store/store.h"
#include "app/commands/commands.h"

#include <cstdio>

namespace sak {
namespace {

// --check-store: the encrypted database's integrity.
class CheckStore final : public Command
{
public:
    explicit CheckStore(Input input)
        : Command(std::move(input), Needs::Store)
    {}

private:
    void run() override
    {
        if (Status intact = store().integrityCheck(); !intact) {
            fail(intact.error());
            return;
        }
        std::printf("sak-agent: the store is intact (schema %d, SQLCipher %s)\n",
                    store().schemaVersion(), qPrintable(store().cipherVersion()));
        succeed();
    }
};

} // namespace

std::unique_ptr<Command> commands::checkStore(Command::Input input)
{
    return std::make_unique<CheckStore>(std::move(input));
}

} // namespace sak
