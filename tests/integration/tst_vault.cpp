#include "tests/support/pairedagenttest.h"

#include <QDirIterator>
#include <QFile>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using sak::test::AgentProcess;
using sak::test::PairedAgentTest;

// The WhatsApp session sealed at rest, with the real agent, the real keychain (a private GNOME
// Keyring) and the simulator, which keeps its "paired" state in IndexedDB and localStorage as
// the real page does. One paired session goes through a clean exit, a crash and a "reboot".
class TestVault : public PairedAgentTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(startStub()); // each test makes its agents (newAgent) on the one data directory
        QFile ini(m_dir.filePath(u"agent.ini"_s));
        QVERIFY(ini.open(QIODevice::WriteOnly));
        ini.write("[whatsapp]\nseal-after=1\nseal-every=2\n");
    }

    void pairedSessionSurvivesACleanExit()
    {
        AgentProcess agent = newAgent();
        QVERIFY(agent.start());
        QVERIFY2(agent.waitForLog("-> needs-pairing", 60000), agent.log().constData());
        QVERIFY(agent.log().contains("The data key is kept in the system keychain"));
        QVERIFY(QTest::qWaitFor(
            [&] { return m_stub.control(u"/control/scan"_s, "{}").contains(u"pageId"_s); }, 15000));
        QVERIFY2(agent.waitForLog("-> connected", 30000), agent.log().constData());
        QVERIFY2(agent.terminate() == 0, agent.log().right(3000).constData());
        QVERIFY(agent.log().contains("Sealed the WhatsApp session"));
        QVERIFY2(!QFileInfo::exists(profileDir()), "the RAM copy must be wiped at exit");
        QCOMPARE(plaintextSessionFiles(), QStringList());

        AgentProcess again = newAgent();
        QVERIFY(again.start());
        QVERIFY2(again.waitForLog("-> connected", 60000), again.log().constData());
        QVERIFY(again.log().contains("Restored the sealed WhatsApp session"));
        QVERIFY2(!again.log().contains("needs-pairing"),
                 "a restored session must not ask for a QR");
        QVERIFY2(again.terminate() == 0, again.log().right(3000).constData());
    }

    void sessionSurvivesAKillAndAReboot()
    {
        {
            AgentProcess agent = newAgent();
            QVERIFY(agent.start());
            QVERIFY2(agent.waitForLog("-> connected", 60000), agent.log().constData());
            // Sealed while running (seal-after=1), then killed without any clean-up.
            QVERIFY2(agent.waitForLog("Sealed the WhatsApp session", 20000),
                     agent.log().constData());
            agent.kill9();
        }
        QVERIFY2(QFileInfo::exists(profileDir()), "the RAM copy survives a crash of the agent");
        QCOMPARE(plaintextSessionFiles(), QStringList());
        {
            AgentProcess afterCrash = newAgent();
            QVERIFY(afterCrash.start());
            QVERIFY2(afterCrash.waitForLog("-> connected", 60000), afterCrash.log().constData());
            QVERIFY(afterCrash.log().contains("survived a crash"));
            QVERIFY(!afterCrash.log().contains("needs-pairing"));
            afterCrash.kill9();
        }
        // A reboot empties the RAM directory: the last seal is all there is.
        QVERIFY(QDir(m_dir.filePath(u"run"_s)).removeRecursively());
        AgentProcess afterReboot = newAgent();
        QVERIFY(afterReboot.start());
        QVERIFY2(afterReboot.waitForLog("-> connected", 60000), afterReboot.log().constData());
        QVERIFY(afterReboot.log().contains("Restored the sealed WhatsApp session"));
        QVERIFY(!afterReboot.log().contains("needs-pairing"));
        QVERIFY2(afterReboot.terminate() == 0, afterReboot.log().right(3000).constData());
        QCOMPARE(plaintextSessionFiles(), QStringList());
    }

    // The documented alternative where no RAM directory exists: a plain profile on disk and a
    // key file, both said to be weaker.
    void persistentProfileAndKeyFileAreReportedAsWeaker()
    {
        const QString data = m_dir.filePath(u"persistent"_s);
        AgentProcess agent(
            m_stub, data, m_dir.filePath(u"run-persistent"_s),
            {u"--persistent-profile"_s, u"--key-file"_s, m_dir.filePath(u"agent.key"_s)});
        QVERIFY(agent.start());
        QVERIFY2(agent.waitForLog("-> needs-pairing", 60000), agent.log().constData());
        QVERIFY(agent.log().contains("WEAKER PROTECTION: the data key is a file"));
        QVERIFY(agent.log().contains("WEAKER: the WhatsApp profile is kept unencrypted on disk"));
        QVERIFY(QFileInfo::exists(data + u"/profiles/default/storage"_s));
        QVERIFY(!QFileInfo::exists(m_dir.filePath(u"run-persistent/sak-agent"_s)));
        QVERIFY2(agent.terminate() == 0, agent.log().right(3000).constData());
        QVERIFY(!agent.log().contains("Sealed the WhatsApp session"));
    }

private:
    AgentProcess newAgent()
    {
        return AgentProcess(m_stub, dataDir(), m_dir.filePath(u"run"_s),
                            {u"--config"_s, m_dir.filePath(u"agent.ini"_s)});
    }
    QString dataDir() const { return m_dir.filePath(u"data"_s); }
    // run/sak-agent/<agent id given at pairing>/default
    QString profileDir() const
    {
        const QDir agents(m_dir.filePath(u"run/sak-agent"_s));
        const QStringList ids = agents.entryList({u"agent-*"_s}, QDir::Dirs);
        return ids.size() == 1 ? agents.filePath(ids.constFirst() + u"/default"_s)
                               : m_dir.filePath(u"run/none"_s);
    }

    // Anything of the browser's session on the persistent disk: its directories, or the
    // simulator's session key in any file.
    QStringList plaintextSessionFiles() const
    {
        QStringList found;
        QDirIterator it(dataDir(), QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            if (path.contains(u"IndexedDB"_s) || path.contains(u"Local Storage"_s)) {
                found.append(path);
                continue;
            }
            QFile file(path);
            if (file.open(QIODevice::ReadOnly) && file.readAll().contains("sim-token"))
                found.append(path);
        }
        return found;
    }
};

QTEST_GUILESS_MAIN(TestVault)
#include "tst_vault.moc"
