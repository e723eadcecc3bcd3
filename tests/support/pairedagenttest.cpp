#include "tests/support/pairedagenttest.h"

using namespace Qt::Literals::StringLiterals;

namespace sak::test {

bool PairedAgentTest::startStub(StubState state)
{
    if (!m_dir.isValid()) {
        qWarning("no temporary directory: %s", qPrintable(m_dir.errorString()));
        return false;
    }
    return m_stub.start(state == StubState::KeptInFile ? m_dir.filePath(u"stub-state.json"_s)
                                                       : QString());
}

bool PairedAgentTest::makeAgent(const QStringList &arguments, const QByteArray &ini)
{
    if (m_stub.httpsPort() == 0) {
        qWarning("the agent needs the stub started first");
        return false;
    }
    m_agent = std::make_unique<AgentProcess>(m_stub, m_dir.filePath(u"data"_s),
                                             m_dir.filePath(u"run"_s), arguments, ini);
    return true;
}

bool PairedAgentTest::startPairedAgent(StubState state, const QStringList &arguments,
                                       const QByteArray &ini)
{
    return startStub(state) && makeAgent(arguments, ini) && m_agent->startAndScan();
}

} // namespace sak::test
