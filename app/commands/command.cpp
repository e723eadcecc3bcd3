#include "app/commands/command.h"

#include "agent/cloud/cloudclient.h"
#include "agent/cloud/credentials.h"
#include "agent/store/store.h"
#include "app/failure.h"

#include <QTimer>

#include <cstdio>

namespace sak {

Command::Command(Input input, Needs needs)
    : m_input(std::move(input))
    , m_needs(needs)
    , m_opener(m_input.config, m_input.run.resetCorruptStore)
{}

Command::~Command() = default;

void Command::start()
{
    QTimer::singleShot(0, this, [this] {
        if (Status prepared = prepare(); !prepared) {
            fail(prepared.error());
            return;
        }
        if (m_needs == Needs::Nothing) {
            run();
            return;
        }
        m_opener.open([this](Result<std::unique_ptr<Store>> store) {
            if (!store) {
                fail(store.error());
                return;
            }
            m_store = std::move(store).value();
            opened();
        });
    });
}

void Command::opened()
{
    if (m_needs == Needs::Cloud || m_needs == Needs::PairedCloud) {
        m_cloud = std::make_unique<CloudClient>();
        if (Status configured = m_cloud->configure({.baseUrl = config().cloudUrl,
                                                    .caFile = config().caFile,
                                                    .spkiPins = config().cloudSpkiPins});
            !configured) {
            fail(configured.error());
            return;
        }
    }
    if (m_needs == Needs::PairedCloud) {
        auto credentials = loadCredentials(*m_store, config());
        if (!credentials) {
            fail(credentials.error());
            return;
        }
        m_cloud->setCredentials(credentials.value());
    }
    run();
}

void Command::succeed()
{
    QCoreApplication::exit(0);
}

void Command::fail(const Error &error)
{
    exitWithFailure(error);
}

void Command::reportDone(const Status &status)
{
    if (!status) {
        fail(status.error());
        return;
    }
    std::printf("sak-agent: done (%s %s)\n", qPrintable(option()), qPrintable(value()));
    succeed();
}

} // namespace sak
