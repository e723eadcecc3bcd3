#pragma once

#include "agent/base/result.h"
#include "agent/config/agentconfig.h"
#include "app/options.h"
#include "app/storeopener.h"

#include <QObject>

#include <memory>

namespace sak {

class CloudClient;
class KeySource;
class Store;

// A command that runs once without any browser, then ends sak-agent: 0 when done, 2 with the
// reason on standard error. The base opens what a command needs the same way for all (the
// encrypted store, the cloud client, the paired agent's credentials) before run().
class Command : public QObject
{
    Q_OBJECT
public:
    // What the command line gave the command.
    struct Input
    {
        AgentConfig config;
        RunOptions run;
        QString option; // its name, e.g. "retry"
        QString value;  // its value, e.g. the client id; empty for a flag
    };
    enum class Needs
    {
        Nothing,    // e.g. asking the running agent
        Store,      // the encrypted store
        Cloud,      // the store and a cloud client (not signed: pairing)
        PairedCloud // the store and a cloud client with the stored credentials
    };

    ~Command() override;

    // Runs inside the event loop (keychain access is asynchronous).
    void start();

protected:
    Command(Input input, Needs needs);

    virtual void run() = 0;
    // Before the store is opened: what the command needs from the user first (e.g. --pair's
    // code from standard input); an error ends it.
    virtual Status prepare() { return Done{}; }

    const AgentConfig &config() const { return m_input.config; }
    const QString &option() const { return m_input.option; }
    const QString &value() const { return m_input.value; }
    KeySource &keys() { return m_opener.keys(); }
    Store &store() { return *m_store; }
    CloudClient &cloud() { return *m_cloud; }

    void succeed();
    void fail(const Error &error);
    // For the commands that have nothing else to say: "sak-agent: done (retry ID)" and 0, or
    // the error and 2.
    void reportDone(const Status &status);

private:
    void opened();

    Input m_input;
    Needs m_needs;
    StoreOpener m_opener;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<CloudClient> m_cloud;
};

} // namespace sak
