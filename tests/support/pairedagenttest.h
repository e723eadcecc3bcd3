#pragma once

#include "tests/support/processharness.h"

#include <QByteArray>
#include <QObject>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

// The setup the end-to-end tests share, written once: a temporary directory, sak-cloud-stub
// on free ports and one sak-agent --headless paired with it (data in <dir>/data, runtime in
// <dir>/run), its WhatsApp QR scanned. A test class derives from it and calls the steps below
// (most from initTestCase(), for one agent the whole test case) and uses m_dir, m_stub and
// m_agent directly.
namespace sak::test {

class PairedAgentTest : public QObject
{
    Q_OBJECT
protected:
    // KeptInFile: the stub keeps what it knows in <dir>/stub-state.json, so that it survives
    // m_stub.restart().
    enum class StubState
    {
        Forgotten,
        KeptInFile
    };

    // The directory made and the stub started.
    bool startStub(StubState state = StubState::Forgotten);
    // The agent made against the running stub (paired on its first start, not started): for
    // a test that sets its environment first. `arguments` are sak-agent's own (e.g.
    // --status-port 0), `ini` its configuration file (null: AgentProcess::testPacing()).
    bool makeAgent(const QStringList &arguments = {}, const QByteArray &ini = {});
    // Both, then the agent started with WhatsApp connected, as the shop owner leaves it after
    // scanning the QR.
    bool startPairedAgent(StubState state = StubState::Forgotten, const QStringList &arguments = {},
                          const QByteArray &ini = {});

    QTemporaryDir m_dir;
    StubProcess m_stub;
    std::unique_ptr<AgentProcess> m_agent;
};

} // namespace sak::test
