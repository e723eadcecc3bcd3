#include "agent/protocol/bridgepackage.h"
#include "tests/support/bridgetestkeys.h"
#include "tests/support/pairedagenttest.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using sak::test::PairedAgentTest;
namespace bp = sak::bridgepackage;

namespace {

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

const QString kChangedType = u"text"_s; // the simulator's "WhatsApp changed" mode: ?textType=

} // namespace

// Signed bridge packages end to end: the real agent (sak-agent --headless) on the real
// simulator page, the packages published through the stub's admin API and announced in the
// heartbeat's answer. The simulator runs in a "WhatsApp changed" mode (customers' texts arrive
// as type "text") that the built-in adapter does not know; a delivered package repairs it
// without restarting the agent, packages that break the page are rolled back, and packages
// that are not genuine are never run. One agent for the whole case, as a shop PC lives through
// these in turn; the versions rise from test to test because the cloud offers the newest.
class TestBridgeUpdate : public PairedAgentTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_testKey = readFile(QStringLiteral(SAK_BRIDGE_TEST_KEY_FILE));
        if (m_testKey.isEmpty())
            QSKIP("This build trusts no test key (SAK_BRIDGE_TEST_KEY=OFF): nothing to sign with");
        m_library = QString::fromUtf8(readFile(QStringLiteral(SAK_WAJS_BUNDLE)));
        m_adapter = QString::fromUtf8(
            readFile(QStringLiteral(SAK_SOURCE_DIR) + u"/bridge/js/pageagent.js"_s));
        QVERIFY(!m_library.isEmpty() && !m_adapter.isEmpty());
        QVERIFY(startStub());
        QVERIFY(start());
        m_pid = m_agent->processId();
    }

    // The built-in adapter does not know the changed type: the customer's message is seen
    // and not relayed (it stays in the page, where the repaired adapter will find it).
    void theBuiltInAdapterMissesTheChangedPage()
    {
        m_missed = m_stub.inject(u"491701110001@c.us"_s, u"do you have oat milk?"_s);
        QVERIFY(m_agent->waitForLog("Not relaying message \"" + m_missed.toUtf8() + '"', 20000));
        QVERIFY(!atCloud(m_missed));
        QVERIFY2(bridgeCommand().contains("Running bridge: built in"), bridgeCommand().constData());
    }

    // Not genuine, or not for this agent: refused with the reason, remembered, never run.
    void packagesThatAreNotGenuineAreRefused_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QByteArray>("says");
        QTest::newRow("unknown key")
            << u"2.0.1"_s << u"stranger"_s << QByteArray("which this agent does not trust");
        QTest::newRow("bad signature")
            << u"2.0.2"_s << u"tampered"_s << QByteArray("does not carry a valid signature");
        QTest::newRow("for other agents")
            << u"2.0.3"_s << u"other-agents"_s << QByteArray("not for this agent");
    }
    void packagesThatAreNotGenuineAreRefused()
    {
        QFETCH(QString, version);
        QFETCH(QString, kind);
        QFETCH(QByteArray, says);
        bp::Manifest manifest = fixing(version);
        if (kind == u"other-agents"_s) {
            manifest.agentMin = QVersionNumber(9, 0);
            manifest.agentMax = QVersionNumber(9, 9);
        }
        QByteArray document = signedWith(
            manifest, kind == u"stranger"_s ? sak::test::makeBridgeKey().privatePem : m_testKey);
        if (kind == u"tampered"_s) {
            // Signed, then changed on the way: the adapter does something else.
            QJsonObject outer = QJsonDocument::fromJson(document).object();
            QByteArray inner = QByteArray::fromBase64(outer[u"manifest"_s].toString().toLatin1());
            inner.replace("sak:", "evil:");
            outer[u"manifest"_s] = QString::fromLatin1(inner.toBase64());
            document = QJsonDocument(outer).toJson(QJsonDocument::Compact);
        }
        QVERIFY(publish(document));
        QVERIFY2(m_agent->waitForLog("Bridge package " + version.toUtf8(), 20000),
                 m_agent->log().right(3000).constData());
        QVERIFY2(m_agent->waitForLog(says, 5000), m_agent->log().right(3000).constData());
        QVERIFY2(bridgeCommand().contains("Running bridge: built in"), bridgeCommand().constData());
        // The cloud hears which version was refused, and why.
        QVERIFY2(QTest::qWaitFor([&] { return reported(u"failed"_s) == version; }, 20000),
                 QJsonDocument(bridgeReport()).toJson().constData());
        QVERIFY(reported(u"failure"_s).toUtf8().contains(says));
        QCOMPARE(reported(u"running"_s), u"builtin"_s);
        // Offered again at every heartbeat, fetched once.
        QVERIFY(waitForHeartbeats(3));
        QCOMPARE(m_agent->log().count(QByteArray("Downloading bridge package " + version.toUtf8())),
                 1);
        QVERIFY(!m_agent->log().contains(
            QByteArray("Switching the WhatsApp page to bridge package " + version.toUtf8())));
    }

    // A package whose answer is larger than the heartbeat announced (cut or swapped on the
    // way): refused unread, for this run.
    void anAnswerLargerThanAnnouncedIsRefused()
    {
        m_stub.control(u"/admin/faults"_s,
                       R"({"answer": "oversized", "path": "/v1/bridge/package", "count": 1})");
        QVERIFY(publish(signedWith(fixing(u"2.0.4"_s), m_testKey)));
        QVERIFY2(m_agent->waitForLog("Bridge package 2.0.4 came larger than", 30000),
                 m_agent->log().right(3000).constData());
        m_stub.control(u"/admin/faults"_s, "{}");
        QVERIFY(QTest::qWaitFor([&] { return reported(u"failed"_s) == u"2.0.4"_s; }, 20000));
        QVERIFY(waitForHeartbeats(3));
        QCOMPARE(m_agent->log().count("Downloading bridge package 2.0.4"), 1);
        QCOMPARE(reported(u"running"_s), u"builtin"_s);
    }

    // The package that knows the changed type: taken while the agent runs, the page switched
    // once nothing is being sent, the missed message found and relayed, the broadcast queued
    // before the switch sent exactly once.
    void aSignedPackageRepairsTheChangedPage()
    {
        // Enough to be sending when the package comes.
        const QStringList chats = broadcast(30);
        QVERIFY(publish(signedWith(fixing(u"2.1.0"_s), m_testKey)));
        QVERIFY2(m_agent->waitForLog("bridge package 2.1.0 works", 60000),
                 m_agent->log().right(4000).constData());
        QVERIFY(m_agent->log().contains("Sending is held for a reload of the WhatsApp page"));
        QCOMPARE(m_agent->processId(), m_pid); // not restarted
        QVERIFY2(QTest::qWaitFor([&] { return atCloud(m_missed); }, 20000),
                 "the missed message was not relayed");
        const QString fresh = m_stub.inject(u"491701110002@c.us"_s, u"and almond milk?"_s);
        QVERIFY(QTest::qWaitFor([&] { return atCloud(fresh); }, 20000));
        QVERIFY(sentOnceEach(chats));
        const QByteArray bridge = bridgeCommand();
        QVERIFY2(bridge.contains("Running bridge: delivered package 2.1.0") &&
                     bridge.contains("good"),
                 bridge.constData());
        QVERIFY2(bridge.contains("test key"), bridge.constData());
        // The heartbeat says what runs.
        QVERIFY2(QTest::qWaitFor([&] { return reported(u"running"_s) == u"2.1.0"_s; }, 20000),
                 QJsonDocument(bridgeReport()).toJson().constData());
        QCOMPARE(reported(u"waJs"_s), QStringLiteral(SAK_WAJS_VERSION));
        // So does the status endpoint (sak-agent --status).
        const QJsonObject status = statusBridge();
        QCOMPARE(status[u"running"_s].toString(), u"2.1.0"_s);
        QCOMPARE(status[u"signedBy"_s].toString(), bp::keyIdOf(bp::publicKeyOf(m_testKey).value()));
        QVERIFY(status[u"testKey"_s].toBool());
        QVERIFY(status[u"acceptsDelivered"_s].toBool());
    }

    // A delivered package is in the encrypted store: it runs from the start after a restart.
    void theDeliveredPackageSurvivesARestart()
    {
        QCOMPARE(m_agent->terminate(), 0);
        QVERIFY(m_agent->start());
        QVERIFY2(m_agent->waitForLog("Running bridge package 2.1.0", 30000),
                 m_agent->log().constData());
        QVERIFY(m_agent->waitForLog("-> connected", 60000));
        const QString message = m_stub.inject(u"491701110003@c.us"_s, u"still open?"_s);
        QVERIFY(QTest::qWaitFor([&] { return atCloud(message); }, 20000));
        m_pid = m_agent->processId();
    }

    // Older than what runs: not taken, and said why.
    void anOlderPackageIsNotTaken()
    {
        m_stub.control(u"/admin/bridge?tenant=e2e-shop"_s, {}, "DELETE");
        QVERIFY(publish(signedWith(fixing(u"2.0.9"_s), m_testKey)));
        QVERIFY2(m_agent->waitForLog("older than the running 2.1.0", 20000),
                 m_agent->log().right(3000).constData());
        QVERIFY(!m_agent->log().contains("Downloading bridge package 2.0.9"));
        m_stub.control(u"/admin/bridge?tenant=e2e-shop"_s, {}, "DELETE");
    }

    // Packages that break the page: rolled back to the one that ran before, which is tried
    // again and works; customers written to meanwhile are relayed, queued work sent once.
    void aPackageThatBreaksThePageIsRolledBack_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("adapter");
        QTest::addColumn<QByteArray>("says");
        QTest::newRow("throws at load")
            << u"2.2.0"_s << u"throw new Error('a broken build'); (/* SAK settings */ {});"_s
            << QByteArray("failed as it loaded: Uncaught Error: a broken build");
        QTest::newRow("never gets ready")
            << u"2.3.0"_s << u"(function (settings) {})(/* SAK settings */ {});"_s
            << QByteArray("did not connect (nor show its pairing code) within 15 s");
        QTest::newRow("self-test fails")
            << u"2.4.0"_s << u"needs-missing"_s << QByteArray("cannot find NoSuchModule");
    }
    void aPackageThatBreaksThePageIsRolledBack()
    {
        QFETCH(QString, version);
        QFETCH(QString, adapter);
        QFETCH(QByteArray, says);
        bp::Manifest manifest = fixing(version);
        if (adapter == u"needs-missing"_s) {
            const QString needs = u"const NEEDS = ["_s;
            QVERIFY(manifest.pageAgent.contains(needs));
            manifest.pageAgent.replace(needs, needs + u"['NoSuchModule', CORE], "_s);
        } else {
            manifest.pageAgent = adapter;
        }
        const int worksBefore = int(m_agent->log().count("bridge package 2.1.0 works"));
        const QStringList chats = broadcast(4);
        QVERIFY(publish(signedWith(manifest, m_testKey)));
        QVERIFY2(m_agent->waitForLog(
                     "Switching the WhatsApp page to bridge package " + version.toUtf8(), 30000),
                 m_agent->log().right(3000).constData());
        // Written to while the broken page half runs.
        const QString meanwhile = m_stub.inject(u"491701110004@c.us"_s, u"hello? "_s + version);
        QVERIFY2(m_agent->waitForLog("Bridge package " + version.toUtf8() + " failed", 60000),
                 m_agent->log().right(4000).constData());
        QVERIFY2(m_agent->log().contains(says), m_agent->log().right(4000).constData());
        QVERIFY2(m_agent->log().contains(
                     QByteArray("went back to bridge package 2.1.0 and will not try " +
                                version.toUtf8() + " again")),
                 m_agent->log().right(3000).constData());
        QVERIFY2(
            QTest::qWaitFor(
                [&] { return m_agent->log().count("bridge package 2.1.0 works") > worksBefore; },
                60000),
            m_agent->log().right(3000).constData());
        QVERIFY(QTest::qWaitFor([&] { return atCloud(meanwhile); }, 30000));
        QVERIFY(sentOnceEach(chats));
        QCOMPARE(m_agent->processId(), m_pid);
        const QByteArray bridge = bridgeCommand();
        QVERIFY2(bridge.contains("Running bridge: delivered package 2.1.0"), bridge.constData());
        QVERIFY2(bridge.contains(QByteArray(version.toUtf8() + "  ")) && bridge.contains("failed"),
                 bridge.constData());
        QVERIFY2(QTest::qWaitFor([&] { return reported(u"failed"_s) == version; }, 20000),
                 QJsonDocument(bridgeReport()).toJson().constData());
        QVERIFY(reported(u"failure"_s).toUtf8().contains(says));
        QCOMPARE(reported(u"running"_s), u"2.1.0"_s);
        QCOMPARE(statusBridge()[u"failed"_s].toString(), version);
        // Still offered: never tried again.
        QVERIFY(waitForHeartbeats(3));
        QCOMPARE(m_agent->log().count(QByteArray("Switching the WhatsApp page to bridge package " +
                                                 version.toUtf8())),
                 1);
    }

    // The operator goes back by hand: the running agent follows within seconds.
    void theOperatorRollsBack()
    {
        QByteArray output;
        QCOMPARE(m_agent->runCommand({u"--bridge-rollback"_s}, &output), 0);
        QVERIFY2(output.contains("Rolled back from bridge package 2.1.0 to the built-in bridge"),
                 output.constData());
        QVERIFY2(m_agent->waitForLog("The operator rolled the bridge back to the built-in bridge",
                                     20000),
                 m_agent->log().right(3000).constData());
        QVERIFY(m_agent->waitForLog("Reloading WhatsApp Web with the built-in bridge", 30000));
        QVERIFY(QTest::qWaitFor(
            [&] { return bridgeCommand().contains("Running bridge: built in"); }, 10000));
        QCOMPARE(m_agent->runCommand({u"--bridge-rollback"_s}, &output),
                 2); // nothing to go back from
    }

    // [bridge] accept-delivered = false: announced packages are not even fetched.
    void aShopCanRefuseDeliveredPackages()
    {
        QCOMPARE(m_agent->terminate(), 0);
        QVERIFY(makeAgent(agentArguments(), AgentProcess::testPacing() + iniExtra() +
                                                "[bridge]\naccept-delivered=false\n"));
        QVERIFY(m_agent->start());
        QVERIFY(m_agent->waitForLog("-> connected", 60000));
        QVERIFY(publish(signedWith(fixing(u"2.5.0"_s), m_testKey)));
        QVERIFY2(m_agent->waitForLog("delivered packages are refused here", 20000),
                 m_agent->log().right(3000).constData());
        QVERIFY(!m_agent->log().contains("Downloading bridge package"));
        QVERIFY2(bridgeCommand().contains("refused ([bridge] accept-delivered = false)"),
                 bridgeCommand().constData());
    }

private:
    using AgentProcess = sak::test::AgentProcess;

    QStringList agentArguments() const
    {
        // Debug for the relay alone (QT_LOGGING_RULES): it says which message it did not relay.
        return {u"--whatsapp-url"_s,
                u"https://127.0.0.1:%1/wa/?textType=%2"_s.arg(m_stub.httpsPort()).arg(kChangedType),
                u"--log-level"_s, u"debug"_s};
    }
    static QByteArray iniExtra()
    {
        // Heartbeats every second, so that an offer arrives at once; a short load timeout,
        // so that a trial that fails ends soon.
        return "[cloud]\nheartbeat-every=1\n[whatsapp]\nload-timeout=15\n";
    }
    bool start()
    {
        if (!makeAgent(agentArguments(), AgentProcess::testPacing() + iniExtra()))
            return false;
        m_agent->setLogRules(u"sak.*.info=true;sak.relay.debug=true"_s);
        return m_agent->startAndScan();
    }

    // The tree's page half, taught the changed type.
    bp::Manifest fixing(const QString &version) const
    {
        bp::Manifest m;
        m.versionText = version;
        m.version = QVersionNumber::fromString(version);
        m.agentMin = m.agentMax = QVersionNumber::fromString(QStringLiteral(SAK_VERSION));
        m.waJsVersion = QStringLiteral(SAK_WAJS_VERSION);
        m.created = QDateTime::currentDateTimeUtc();
        m.notes = u"customers' texts arrive as type \"%1\""_s.arg(kChangedType);
        m.library = m_library;
        m.pageAgent = m_adapter;
        const QString typed = u"describe(m, id, String(m.type))"_s;
        Q_ASSERT(m.pageAgent.contains(typed));
        m.pageAgent.replace(
            typed,
            u"describe(m, id, m.type === '%1' ? 'chat' : String(m.type))"_s.arg(kChangedType));
        return m;
    }
    static QByteArray signedWith(const bp::Manifest &manifest, const QByteArray &key)
    {
        const auto document = bp::sign(manifest, key);
        return document ? document.value() : QByteArray();
    }
    bool publish(const QByteArray &document)
    {
        if (document.isEmpty())
            return false;
        const QJsonObject answer =
            m_stub.control(u"/admin/bridge/publish?tenant=e2e-shop"_s, document);
        if (answer.contains(u"error"_s))
            qWarning("publish: %s", QJsonDocument(answer).toJson().constData());
        return !answer.contains(u"error"_s) && !answer.isEmpty();
    }
    bool atCloud(const QString &id)
    {
        for (const auto m : m_stub.inboundAtCloud()) {
            if (m[u"id"_s].toString() == id)
                return true;
        }
        return false;
    }
    QStringList broadcast(int count)
    {
        QJsonArray chats;
        QStringList out;
        for (int i = 0; i < count; ++i) {
            const QString chat = u"4917520%1%2@c.us"_s.arg(++m_broadcasts, 3, 10, QChar(u'0'))
                                     .arg(i, 2, 10, QChar(u'0'));
            chats.append(chat);
            out.append(chat);
        }
        m_stub.control(u"/admin/broadcasts"_s,
                       QJsonDocument(QJsonObject{{u"tenantId"_s, u"e2e-shop"_s},
                                                 {u"chats"_s, chats},
                                                 {u"template"_s, u"New beans, {name}!"_s}})
                           .toJson());
        return out;
    }
    // Every chat got its message, once.
    bool sentOnceEach(const QStringList &chats)
    {
        const auto counts = [&] {
            QHash<QString, int> perChat;
            for (const auto value : m_stub.sentMessages()) {
                const QJsonObject m = value.toObject();
                if (chats.contains(m[u"chatId"_s].toString()))
                    perChat[m[u"chatId"_s].toString()] += m[u"sendCount"_s].toInt();
            }
            return perChat;
        };
        if (!QTest::qWaitFor([&] { return counts().size() == chats.size(); }, 30000)) {
            qWarning("sent to %lld of %lld chats", qint64(counts().size()), qint64(chats.size()));
            return false;
        }
        QTest::qWait(1000); // a second send would show up by now
        for (const int n : counts()) {
            if (n != 1)
                return false;
        }
        return true;
    }
    QByteArray bridgeCommand()
    {
        QByteArray output;
        m_agent->runCommand({u"--bridge"_s}, &output);
        return output;
    }
    // What the agent's last heartbeat said of its bridge.
    QJsonObject bridgeReport()
    {
        const QJsonArray agents =
            m_stub.control(u"/admin/agents?tenant=e2e-shop"_s)[u"agents"_s].toArray();
        return agents.isEmpty() ? QJsonObject() : agents.first()[u"bridge"_s].toObject();
    }
    QString reported(const QString &field) { return bridgeReport()[field].toString(); }
    // What the running agent's status endpoint says of its bridge.
    QJsonObject statusBridge()
    {
        QByteArray output;
        if (m_agent->runCommand({u"--status"_s}, &output) != 0)
            qWarning("--status: %s", output.constData());
        return QJsonDocument::fromJson(output.mid(output.indexOf('{')))[u"bridge"_s].toObject();
    }
    // The stub's request log counts them.
    bool waitForHeartbeats(int count)
    {
        const auto heartbeats = [&] {
            int n = 0;
            for (const auto r : m_stub.control(u"/admin/requests"_s)[u"requests"_s].toArray())
                n += r[u"path"_s].toString() == u"/v1/heartbeat"_s ? 1 : 0;
            return n;
        };
        const int before = heartbeats();
        return QTest::qWaitFor([&] { return heartbeats() >= before + count; }, 20000);
    }

    QByteArray m_testKey;
    QString m_library;
    QString m_adapter;
    QString m_missed;
    qint64 m_pid = 0;
    int m_broadcasts = 0;
};

QTEST_GUILESS_MAIN(TestBridgeUpdate)
#include "tst_bridgeupdate.moc"
