#pragma once

#include "agent/base/result.h"
#include "agent/config/agentconfig.h"

#include <functional>
#include <memory>

namespace sak {

class KeySource;
class Store;

// Opens the encrypted store with the data key from the configured key source (creating both
// on the first run), and finishes a key rotation that a crash cut short. The agent and every
// command that reads the store open it here.
class StoreOpener
{
public:
    StoreOpener(const AgentConfig &config, bool resetCorruptStore);
    ~StoreOpener();

    using Opened = std::function<void(Result<std::unique_ptr<Store>>)>;
    // Asynchronous (the keychain answers later); `done` is called once.
    void open(Opened done);

    // The key source stays useful once the store is open: its protection, and key rotation.
    KeySource &keys() { return *m_keys; }

private:
    void openWithNextKey(const Error &wrongKey, Opened done);

    QString m_dataDir;
    QString m_storePath;
    bool m_resetCorruptStore = false;
    std::unique_ptr<KeySource> m_keys;
};

} // namespace sak
