#include "agent/keys/keysource.h"
#include "agent/store/store.h"
#include "app/commands/commands.h"

#include <cstdio>

namespace sak {
namespace {

// --rotate-key: re-encrypts the store with a new data key. The new key is kept aside as "next"
// before the database is re-keyed, so that a crash in between loses nothing (StoreOpener
// finishes such a rotation).
class RotateKey final : public Command
{
public:
    explicit RotateKey(Input input)
        : Command(std::move(input), Needs::Store)
    {}

private:
    void run() override
    {
        keys().prepareNext([this](Result<QByteArray> next) {
            if (!next) {
                fail(next.error());
                return;
            }
            if (Status rekeyed = store().rekey(next.value()); !rekeyed) {
                fail(rekeyed.error());
                return;
            }
            keys().commitNext([this](Status committed) {
                if (!committed) {
                    fail(committed.error());
                    return;
                }
                std::printf("sak-agent: the data key was rotated (%s); the database is "
                            "encrypted with the new key.\n",
                            qPrintable(protectionName(keys().protection())));
                succeed();
            });
        });
    }
};

} // namespace

std::unique_ptr<Command> commands::rotateKey(Command::Input input)
{
    return std::make_unique<RotateKey>(std::move(input));
}

} // namespace sak
