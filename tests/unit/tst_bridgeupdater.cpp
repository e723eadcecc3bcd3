#include "agent/base/clock.h"
#include "agent/bridgeupdate/bridgeupdater.h"
#include "agent/cloud/cloudclient.h"
#include "agent/delivery/relaypipeline.h"
#include "agent/status/agentstatus.h"
#include "agent/store/store.h"
#include "tests/support/bridgetestkeys.h"
#include "tests/support/fakesession.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

// The bridge updater's trial and its way back, on a real encrypted store with the page played
// by FakeSession: what the end-to-end test (tst_bridgeupdate) cannot arrange, such as the
// package it goes back to failing as well. The packages are signed with a key made here.
class TestBridgeUpdater : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        auto store = Store::open(
            {m_dir.filePath(u"s%1.db"_s.arg(++m_round)), QByteArray(Store::kKeySize, 'k')});
        QVERIFY(store);
        m_store = std::move(store).value();
        m_session = std::make_unique<test::FakeSession>();
        m_cloud = std::make_unique<CloudClient>();
        m_pipeline = std::make_unique<RelayPipeline>(m_session.get(), m_cloud.get(), m_store.get(),
                                                     &m_clock);
        m_key = test::makeBridgeKey();
    }
    void cleanup()
    {
        m_updater.reset();
        m_pipeline.reset();
        m_cloud.reset();
        m_session.reset();
        m_store.reset();
    }

    // The package on trial fails, the one before it fails too: the built-in bridge runs, the
    // new one is remembered as failed (the one before is not blamed: it worked, and what broke
    // may be the page), and the owner is told twice.
    void goesBackToTheBuiltInWhenThePreviousFailsToo()
    {
        storePackage(u"2.1.0"_s, u"good"_s);
        storePackage(u"2.2.0"_s, u"trying"_s);
        setRunning(u"2.2.0"_s, u"2.1.0"_s);
        makeUpdater();
        QSignalSpy failed(m_updater.get(), &BridgeUpdater::packageFailed);
        m_updater->restore();
        QCOMPARE(m_session->bridges.size(), 1);
        QCOMPARE(m_session->bridges.last().version, u"2.2.0"_s);
        QCOMPARE(m_updater->state().trying, u"2.2.0"_s);

        m_session->setState(SessionState::Unhealthy);
        QTRY_COMPARE(m_session->bridges.size(), 2);
        QCOMPARE(m_session->bridges.last().version, u"2.1.0"_s);
        QCOMPARE(m_updater->state().running, u"2.1.0"_s);
        QCOMPARE(m_updater->state().failed, u"2.2.0"_s);

        m_session->setState(SessionState::Starting);
        m_session->setState(SessionState::Unhealthy);
        QTRY_COMPARE(m_session->bridges.size(), 3);
        QVERIFY(m_session->bridges.last().builtIn());
        QCOMPARE(m_updater->state().running, u"builtin"_s);
        QCOMPARE(m_updater->state().trying, QString());
        QCOMPARE(failed.size(), 2);
        QVERIFY2(failed.at(1).at(0).toString().contains(u"the agent runs the built-in bridge"_s),
                 qPrintable(failed.at(1).at(0).toString()));
        QCOMPARE(stateOf(u"2.2.0"_s), u"failed"_s);
        QCOMPARE(stateOf(u"2.1.0"_s), u"good"_s);
        QCOMPARE(m_updater->state().failed, u"2.2.0"_s);
        QCOMPARE(setting(BridgeUpdater::kActiveSetting), QByteArray());
        // A failed package keeps only why.
        QVERIFY(m_store->bridgePackage(u"2.2.0"_s).value()->document.isEmpty());
    }

    // How a trial ends, one row each.
    void trialOutcome_data()
    {
        QTest::addColumn<QString>("page");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QString>("says");
        QTest::newRow("connects and stays healthy") << u"connected"_s << u"good"_s << QString();
        QTest::newRow("connects but cannot send")
            << u"cannot-send"_s << u"failed"_s << u"sending is unavailable"_s;
        QTest::newRow("a health problem") << u"health"_s << u"failed"_s << u"cannot find Stream"_s;
        QTest::newRow("never connects")
            << u"silent"_s << u"failed"_s
            << u"did not connect (nor show its pairing code) within 0 s"_s;
        QTest::newRow("waits for its QR code to be scanned") << u"qr"_s << u"good"_s << QString();
        QTest::newRow("its page never loads (the network): the trial waits")
            << u"offline"_s << u"trying"_s << QString();
    }
    void trialOutcome()
    {
        QFETCH(QString, page);
        QFETCH(QString, expected);
        QFETCH(QString, says);
        storePackage(u"3.0.0"_s, u"trying"_s);
        setRunning(u"3.0.0"_s, QString());
        makeUpdater();
        QSignalSpy failed(m_updater.get(), &BridgeUpdater::packageFailed);
        m_updater->restore();
        if (page == u"connected"_s) {
            m_session->setState(SessionState::Connected);
        } else if (page == u"cannot-send"_s) {
            m_session->cannotSend = u"WhatsApp Web changed: sending is unavailable"_s;
            m_session->setState(SessionState::Connected);
        } else if (page == u"health"_s) {
            Q_EMIT m_session->healthProblem(
                u"WhatsApp Web 2.3000 changed: wa-js cannot find Stream"_s);
        } else if (page == u"qr"_s) {
            m_session->setState(SessionState::NeedsPairing);
        } else if (page == u"offline"_s) {
            m_session->loaded = false;
            m_session->setState(SessionState::Unhealthy); // WhatsApp Web could not be loaded
            QTest::qWait(700);                            // two trial times pass
        }
        QTRY_COMPARE(stateOf(u"3.0.0"_s), expected);
        if (expected == u"trying"_s) {
            QCOMPARE(failed.size(), 0);
            m_session->loaded = true;
            m_session->setState(SessionState::Connected);
            QTRY_COMPARE(stateOf(u"3.0.0"_s), u"good"_s);
            return;
        }
        if (expected == u"good"_s) {
            QCOMPARE(failed.size(), 0);
            QCOMPARE(m_updater->state().running, u"3.0.0"_s);
            QCOMPARE(setting(BridgeUpdater::kActiveSetting), QByteArray("3.0.0"));
            return;
        }
        QCOMPARE(failed.size(), 1);
        QVERIFY2(failed.at(0).at(0).toString().contains(says),
                 qPrintable(failed.at(0).at(0).toString()));
        QTRY_COMPARE(m_updater->state().running, u"builtin"_s);
        QTRY_VERIFY(m_session->bridges.size() == 2 && m_session->bridges.last().builtIn());
    }

    // The agent stopped at every start during a trial (the package, not a power cut): at
    // the third start it is failed and the one before runs.
    void stoppingDuringEveryTrialFailsThePackage()
    {
        storePackage(u"2.1.0"_s, u"good"_s);
        storePackage(u"2.2.0"_s, u"trying"_s);
        setRunning(u"2.2.0"_s, u"2.1.0"_s);
        QVERIFY(
            m_store->setNumberSetting(QString::fromLatin1(BridgeUpdater::kTrialStartsSetting), 2));
        makeUpdater();
        m_updater->restore();
        QCOMPARE(stateOf(u"2.2.0"_s), u"failed"_s);
        QCOMPARE(m_store->bridgePackage(u"2.2.0"_s).value()->failure,
                 u"the agent stopped 2 times during its trial"_s);
        QCOMPARE(m_session->bridges.size(), 1);
        QCOMPARE(m_session->bridges.last().version, u"2.1.0"_s);
        QCOMPARE(setting(BridgeUpdater::kActiveSetting), QByteArray("2.1.0"));
        QCOMPARE(m_updater->state().failed, u"2.2.0"_s); // reported after the restart too
    }

    // A package this build cannot check any more (another key, another agent version) is set
    // aside at start, not blamed: the built-in bridge runs and the package is not failed.
    void aPackageThisBuildNoLongerTrustsIsSetAside()
    {
        storePackage(u"2.1.0"_s, u"good"_s);
        setRunning(u"2.1.0"_s, QString());
        makeUpdater(QList<bridgepackage::TrustedKey>{});
        m_updater->restore();
        QVERIFY(m_session->bridges.isEmpty()); // the built-in one, as constructed
        QCOMPARE(m_updater->state().running, u"builtin"_s);
        QCOMPARE(stateOf(u"2.1.0"_s), u"good"_s);
        QCOMPARE(setting(BridgeUpdater::kActiveSetting), QByteArray());
    }

    // [bridge] accept-delivered = false: the stored package does not run.
    void refusingDeliveredPackagesRunsTheBuiltIn()
    {
        storePackage(u"2.1.0"_s, u"good"_s);
        setRunning(u"2.1.0"_s, QString());
        makeUpdater(QList{m_key.trusted}, false);
        m_updater->restore();
        QVERIFY(m_session->bridges.isEmpty());
        QVERIFY(m_updater->state().refusesDelivered);
        QCOMPARE(m_updater->state().running, u"builtin"_s);
    }

    void operatorRollBack_data()
    {
        QTest::addColumn<QString>("previousState"); // empty: no previous one
        QTest::addColumn<QByteArray>("active");
        QTest::newRow("to the one before") << u"good"_s << QByteArray("2.1.0");
        QTest::newRow("the one before failed: built in") << u"failed"_s << QByteArray();
        QTest::newRow("none before: built in") << QString() << QByteArray();
    }
    void operatorRollBack()
    {
        QFETCH(QString, previousState);
        QFETCH(QByteArray, active);
        if (!previousState.isEmpty())
            storePackage(u"2.1.0"_s, previousState);
        storePackage(u"2.2.0"_s, u"good"_s);
        setRunning(u"2.2.0"_s, previousState.isEmpty() ? QString() : u"2.1.0"_s);
        const auto done = BridgeUpdater::rollBack(*m_store, 1000);
        QVERIFY(done);
        QVERIFY2(done.value().startsWith(u"Rolled back from bridge package 2.2.0 to "_s),
                 qPrintable(done.value()));
        QCOMPARE(setting(BridgeUpdater::kActiveSetting), active);
        QCOMPARE(stateOf(u"2.2.0"_s), u"failed"_s);
        QCOMPARE(m_store->bridgePackage(u"2.2.0"_s).value()->failure,
                 u"rolled back by the operator"_s);
        const auto again = BridgeUpdater::rollBack(*m_store, 1000);
        QCOMPARE(again ? QString() : again.error().code,
                 active.isEmpty() ? u"bridge-builtin"_s : QString());
    }

    // What one connection stores, another one lists. In one process only: SQLite shares its
    // locks between them here, so the lost-WAL bug of two processes (0d0919b) is
    // tst_bridgeupdate's to catch (its sak-agent --bridge while the agent runs).
    void theStoreListsEveryPackageToEveryConnection()
    {
        for (const QString &v : {u"2.0.1"_s, u"2.0.2"_s, u"2.0.3"_s}) {
            QVERIFY(m_store->storeBridgePackage(v, {}, 1000).value());
            QVERIFY(m_store->setBridgePackageState(v, u"failed"_s, u"why"_s, 1000));
        }
        QCOMPARE(m_store->bridgePackages().value().size(), 3);
        auto other = Store::open(
            {m_dir.filePath(u"s%1.db"_s.arg(m_round)), QByteArray(Store::kKeySize, 'k')});
        QVERIFY(other);
        QCOMPARE(other.value()->bridgePackages().value().size(), 3);
        QVERIFY(m_store->storeBridgePackage(u"2.0.4"_s, {}, 1000).value());
        QCOMPARE(other.value()->bridgePackages().value().size(), 4);
        auto third = Store::open(
            {m_dir.filePath(u"s%1.db"_s.arg(m_round)), QByteArray(Store::kKeySize, 'k')});
        QCOMPARE(third.value()->bridgePackages().value().size(), 4);
    }

    // The running agent follows an operator's rollback.
    void theRunningAgentFollowsARollBack()
    {
        storePackage(u"2.2.0"_s, u"good"_s);
        setRunning(u"2.2.0"_s, QString());
        makeUpdater();
        m_updater->restore();
        m_session->setState(SessionState::Connected);
        QCOMPARE(m_session->bridges.size(), 1);
        QVERIFY(BridgeUpdater::rollBack(*m_store, 1000));
        QTRY_COMPARE(m_session->bridges.size(), 2);
        QVERIFY(m_session->bridges.last().builtIn());
        QCOMPARE(m_updater->state().running, u"builtin"_s);
        QCOMPARE(m_updater->state().failed, u"2.2.0"_s);
    }

    // The operator rolls back while a package is on trial: the trial passing does not undo it.
    void aRollBackDuringATrialStands()
    {
        storePackage(u"2.1.0"_s, u"good"_s);
        storePackage(u"2.2.0"_s, u"trying"_s);
        setRunning(u"2.2.0"_s, u"2.1.0"_s);
        makeUpdater();
        m_updater->restore();
        QVERIFY(BridgeUpdater::rollBack(*m_store, 1000));
        m_session->setState(SessionState::Connected); // the trial would pass now
        QTRY_COMPARE(m_session->bridges.size(), 2);
        QCOMPARE(m_session->bridges.last().version, u"2.1.0"_s);
        QCOMPARE(stateOf(u"2.2.0"_s), u"failed"_s);
        QCOMPARE(m_store->bridgePackage(u"2.2.0"_s).value()->failure,
                 u"rolled back by the operator"_s);
    }

    // What the tray, --status and the heartbeat read: AgentStatus follows the updater.
    void theAgentStatusCarriesTheBridge()
    {
        storePackage(u"3.0.0"_s, u"trying"_s);
        setRunning(u"3.0.0"_s, QString());
        makeUpdater();
        AgentStatus status(m_session.get(), m_pipeline.get());
        status.setBridge(m_updater.get());
        QSignalSpy failed(&status, &AgentStatus::bridgePackageFailed);
        m_updater->restore();
        QCOMPARE(status.toJson()[u"bridge"_s][u"running"_s].toString(), u"3.0.0"_s);
        QCOMPARE(status.toJson()[u"bridge"_s][u"trying"_s].toString(), u"3.0.0"_s);
        QCOMPARE(status.toJson()[u"bridge"_s][u"signedBy"_s].toString(), m_key.keyId);
        Q_EMIT m_session->healthProblem(u"WhatsApp Web changed: wa-js cannot find Stream"_s);
        QCOMPARE(failed.size(), 1);
        QTRY_COMPARE(status.toJson()[u"bridge"_s][u"running"_s].toString(), u"builtin"_s);
        QCOMPARE(status.toJson()[u"bridge"_s][u"failed"_s].toString(), u"3.0.0"_s);
        QVERIFY(status.bridgeProblem().contains(u"cannot find Stream"_s));
    }

private:
    void makeUpdater(std::optional<QList<bridgepackage::TrustedKey>> keys = std::nullopt,
                     bool accept = true)
    {
        m_updater = std::make_unique<BridgeUpdater>(
            m_store.get(), m_session.get(), m_pipeline.get(), m_cloud.get(), &m_clock,
            BridgeUpdater::Settings{.acceptDelivered = accept,
                                    .agentVersion = QVersionNumber(0, 1, 0),
                                    .keys = keys.value_or(QList{m_key.trusted}),
                                    .builtInWaJs = u"4.6.0"_s,
                                    .trialTimeout = std::chrono::milliseconds(300),
                                    .settle = std::chrono::milliseconds(20),
                                    .watchEvery = std::chrono::milliseconds(20)});
    }
    void storePackage(const QString &version, const QString &state)
    {
        const auto document = bridgepackage::sign(test::testManifest(version), m_key.privatePem);
        QVERIFY(document);
        QVERIFY(m_store->storeBridgePackage(version, document.value(), 1000).value());
        if (state != u"stored"_s)
            QVERIFY(m_store->setBridgePackageState(version, state, {}, 1000));
    }
    void setRunning(const QString &active, const QString &previous)
    {
        QVERIFY(m_store->setSetting(QString::fromLatin1(BridgeUpdater::kActiveSetting),
                                    active.toUtf8()));
        QVERIFY(m_store->setSetting(QString::fromLatin1(BridgeUpdater::kPreviousSetting),
                                    previous.toUtf8()));
    }
    QString stateOf(const QString &version)
    {
        const auto record = m_store->bridgePackage(version);
        return record && record.value() ? record.value()->state : QString();
    }
    QByteArray setting(const char *key)
    {
        const auto value = m_store->setting(QString::fromLatin1(key));
        return value && value.value() ? *value.value() : QByteArray();
    }

    QTemporaryDir m_dir;
    int m_round = 0;
    SystemClock m_clock;
    test::BridgeKey m_key;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<test::FakeSession> m_session;
    std::unique_ptr<CloudClient> m_cloud;
    std::unique_ptr<RelayPipeline> m_pipeline;
    std::unique_ptr<BridgeUpdater> m_updater;
};

QTEST_GUILESS_MAIN(TestBridgeUpdater)
#include "tst_bridgeupdater.moc"
