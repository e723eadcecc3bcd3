#include "tests/gui/guifixture.h"
#include "tests/support/webenginetestmain.h"
#include "ui/desktop.h"
#include "ui/mainwindow.h"
#include "ui/outboxwindow.h"
#include "ui/settingsdialog.h"
#include "ui/trayicon.h"

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QMenu>
#include <QSignalSpy>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QWebEnginePage>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

// The tray and what its menu opens, wired as the agent wires them (Desktop), on a fake
// WhatsApp session over a real store.
class TestDesktop : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_fixture = std::make_unique<test::GuiFixture>();
        QVERIFY(m_fixture->open());
        m_page = std::make_unique<QWebEnginePage>();
        AgentConfig config;
        config.cloudUrl = QUrl(u"https://cloud.example"_s);
        config.language = u"en"_s;
        m_desktop = std::make_unique<Desktop>(config, m_fixture->dir.filePath(u"sak-agent.ini"_s));
    }

    void cleanup()
    {
        m_desktop.reset();
        m_page.reset();
        m_fixture.reset();
    }

    void trayState_data()
    {
        QTest::addColumn<int>("session");
        QTest::addColumn<QString>("health");
        QTest::addColumn<bool>("cloudDown");
        QTest::addColumn<bool>("paused");
        QTest::addColumn<int>("overall");
        QTest::addColumn<QString>("tip");

        const auto row = [](const char *name, SessionState s, const QString &health, bool cloud,
                            bool paused, AgentStatus::Overall o, const QString &tip) {
            QTest::newRow(name) << int(s) << health << cloud << paused << int(o) << tip;
        };
        using O = AgentStatus::Overall;
        row("connected", SessionState::Connected, {}, false, false, O::Connected,
            u"answering customers"_s);
        row("connecting", SessionState::Connecting, {}, false, false, O::Connecting,
            u"Connecting"_s);
        row("needs pairing", SessionState::NeedsPairing, {}, true, true, O::NeedsPairing,
            u"scan the QR code"_s);
        row("paused", SessionState::Connected, {}, false, true, O::Paused, u"paused"_s);
        row("cloud down", SessionState::Connected, {}, true, true, O::CloudUnreachable,
            u"cannot be reached"_s);
        row("whatsapp changed", SessionState::Connected, u"WhatsApp Web changed"_s, true, false,
            O::Unhealthy, u"cannot be used"_s);
        row("open elsewhere", SessionState::Conflict, {}, false, false, O::Unhealthy,
            u"cannot be used"_s);
    }

    void trayState()
    {
        QFETCH(int, session);
        QFETCH(QString, health);
        QFETCH(bool, cloudDown);
        QFETCH(bool, paused);
        QFETCH(int, overall);
        QFETCH(QString, tip);
        attach();
        m_fixture->session.setState(SessionState(session));
        if (!health.isEmpty())
            Q_EMIT m_fixture->session.healthProblem(health);
        m_fixture->status->setCloudResult(cloudDown ? Status(Error{u"net"_s, u"down"_s})
                                                    : Status(Done{}));
        m_fixture->pipeline->setPaused(paused);
        QCOMPARE(int(m_fixture->status->overall()), overall);
        TrayIcon *tray = m_desktop->tray();
        QVERIFY2(tray->toolTip().contains(tip), qPrintable(tray->toolTip()));
        // Each state has its own icon.
        const QImage icon = tray->icon().pixmap(32).toImage();
        for (int other = 0; other <= int(AgentStatus::Overall::Connected); ++other) {
            if (other != overall)
                QVERIFY(TrayIcon::iconFor(AgentStatus::Overall(other)).pixmap(32).toImage() !=
                        icon);
        }
        // The WhatsApp window's status bar says the same about the cloud.
        QStringList labels;
        for (auto *label : m_desktop->mainWindow()->statusBar()->findChildren<QLabel *>())
            labels.append(label->text());
        QCOMPARE(labels.join(u'|').contains(u"Cloud unreachable: down"_s), cloudDown);
        QCOMPARE(tray->action(TrayIcon::Action::UseHere)->isVisible(),
                 SessionState(session) == SessionState::Conflict);
        QCOMPARE(tray->action(TrayIcon::Action::PauseResume)->text(),
                 paused ? u"Resume sending"_s : u"Pause sending"_s);
    }

    void tooltipShowsTheQueue()
    {
        attach();
        QVERIFY(m_desktop->tray()->toolTip().contains(u"No messages waiting"_s));
        for (int i = 0; i < 3; ++i)
            QVERIFY(m_fixture->pipeline->enqueueJob(
                {u"j%1"_s.arg(i), u"491700000001@c.us"_s, u"x"_s, 0, 0, 0}));
        QTRY_VERIFY(m_desktop->tray()->toolTip().contains(u"3 messages waiting to be sent"_s));
    }

    void menuActions()
    {
        attach();
        m_fixture->session.setState(SessionState::Connected);
        TrayIcon *tray = m_desktop->tray();
        const QStringList texts = [&] {
            QStringList t;
            for (QAction *a : tray->menu()->actions()) {
                if (!a->isSeparator())
                    t.append(a->text());
            }
            return t;
        }();
        QCOMPARE(texts, (QStringList{u"Open WhatsApp"_s, u"Pair with a phone…"_s, u"Outbox…"_s,
                                     u"Pause sending"_s, u"Settings…"_s, u"Use WhatsApp here"_s,
                                     u"Quit"_s}));

        m_desktop->mainWindow()->hide();
        tray->action(TrayIcon::Action::OpenWhatsApp)->trigger();
        QVERIFY(m_desktop->mainWindow()->isVisible());

        tray->action(TrayIcon::Action::Outbox)->trigger();
        QVERIFY(m_desktop->outboxWindow()->isVisible());

        tray->action(TrayIcon::Action::Settings)->trigger();
        QVERIFY(m_desktop->settingsDialog()->isVisible());
        m_desktop->settingsDialog()->reject();

        tray->action(TrayIcon::Action::PauseResume)->trigger();
        QVERIFY(m_fixture->pipeline->isPaused());
        QCOMPARE(tray->action(TrayIcon::Action::PauseResume)->text(), u"Resume sending"_s);
        tray->action(TrayIcon::Action::PauseResume)->trigger();
        QVERIFY(!m_fixture->pipeline->isPaused());

        tray->action(TrayIcon::Action::Pairing)->trigger();
        QVERIFY(m_desktop->pairingWindow()->isVisible());
        QCOMPARE(m_desktop->pairingWindow()->step(), PairingWindow::Step::Done); // connected

        m_fixture->session.setState(SessionState::Conflict);
        tray->action(TrayIcon::Action::UseHere)->trigger();
        QCOMPARE(m_fixture->session.activity, QStringList{u"take over"_s});

        QSignalSpy quit(m_desktop.get(), &Desktop::quitRequested);
        tray->action(TrayIcon::Action::Quit)->trigger();
        QCOMPARE(quit.size(), 1);
    }

    void notifiesWhatNeedsTheOwner()
    {
        attach();
        QSignalSpy notified(m_desktop->tray(), &TrayIcon::notified);
        m_fixture->session.setState(SessionState::Connected);
        QCOMPARE(notified.size(), 0);
        m_fixture->pipeline->setPaused(true); // the owner did it: no notification
        m_fixture->pipeline->setPaused(false);
        QCOMPARE(notified.size(), 0);
        m_fixture->status->setCloudResult(Error{u"net"_s, u"Connection refused"_s});
        QCOMPARE(notified.size(), 1);
        QVERIFY(notified.at(0).at(0).toString().contains(u"cloud cannot be reached"_s));
        m_fixture->status->setCloudResult(Done{});
        m_fixture->session.setState(SessionState::NeedsPairing); // logged out from the phone
        QCOMPARE(notified.size(), 2);
        QVERIFY(notified.at(1).at(1).toString().contains(u"QR code"_s));
        m_fixture->session.setState(SessionState::Conflict);
        QCOMPARE(notified.size(), 3);
        QVERIFY(notified.at(2).at(1).toString().contains(u"Use WhatsApp here"_s));
        // A delivered fix of the bridge did not work: the owner hears which and where it went.
        const QString failed =
            u"Bridge package 2.2.0 failed (a reason); the agent went back to the built-in bridge and will not try 2.2.0 again."_s;
        Q_EMIT m_fixture->status->bridgePackageFailed(failed);
        QCOMPARE(notified.size(), 4);
        QVERIFY(notified.at(3).at(0).toString().contains(u"update of the WhatsApp connection"_s));
        QCOMPARE(notified.at(3).at(1).toString(), failed);
    }

    void firstRunAsksForTheCloudThenPairing()
    {
        bool asked = false;
        m_desktop->askForCloud(
            [&](const QUrl &, const QString &, std::function<void(Status)> done) {
                asked = true;
                done(Done{});
            });
        PairingWindow *pairing = m_desktop->pairingWindow();
        QVERIFY(pairing->isVisible());
        QCOMPARE(pairing->step(), PairingWindow::Step::Cloud);
        {
            // Closed before the agent runs: there is no tray to come back from, so it stops.
            QSignalSpy quit(m_desktop.get(), &Desktop::quitRequested);
            pairing->close();
            QCOMPARE(quit.size(), 1);
            pairing->show();
        }
        m_fixture->session.setState(SessionState::NeedsPairing);
        attach();
        QVERIFY(pairing->isVisible());
        QCOMPARE(pairing->step(), PairingWindow::Step::WhatsApp);
        QVERIFY(!m_desktop->mainWindow()->isVisible()); // the owner is busy with the phone
        m_fixture->session.setState(SessionState::Connected);
        QCOMPARE(pairing->step(), PairingWindow::Step::Done);
        // Done: without a notification area (here) the WhatsApp window shows, so that the
        // running agent is not out of sight; with one, the tray is enough.
        Q_EMIT pairing->finished();
        QCOMPARE(m_desktop->mainWindow()->isVisible(), !QSystemTrayIcon::isSystemTrayAvailable());
        // Logged out from the phone later: pairing comes back by itself. Closing it now
        // leaves the agent running in the tray.
        QSignalSpy quit(m_desktop.get(), &Desktop::quitRequested);
        pairing->close();
        QCOMPARE(quit.size(), 0);
        Q_EMIT m_fixture->session.loggedOut();
        m_fixture->session.setState(SessionState::NeedsPairing);
        QVERIFY(pairing->isVisible());
        QCOMPARE(pairing->step(), PairingWindow::Step::WhatsApp);
        Q_UNUSED(asked);
    }

    void closingTheWindowKeepsTheAgent()
    {
        attach();
        QSignalSpy quit(m_desktop.get(), &Desktop::quitRequested);
        m_desktop->mainWindow()->show();
        m_desktop->mainWindow()->close();
        if (QSystemTrayIcon::isSystemTrayAvailable()) {
            QVERIFY(!m_desktop->mainWindow()->isVisible());
            QCOMPARE(quit.size(), 0);
        } else {
            // No notification area (as here, offscreen): closing must not leave a hidden agent
            // nobody can reach, so it stops.
            QCOMPARE(quit.size(), 1);
        }
        // A second launch brings the window back.
        m_desktop->mainWindow()->hide();
        m_desktop->raise();
        QVERIFY(m_desktop->mainWindow()->isVisible());
    }

private:
    void attach()
    {
        m_desktop->attach({&m_fixture->session, m_page.get(), m_fixture->pipeline.get(),
                           m_fixture->store.get(), m_fixture->status.get()});
    }

    std::unique_ptr<test::GuiFixture> m_fixture;
    std::unique_ptr<QWebEnginePage> m_page;
    std::unique_ptr<Desktop> m_desktop;
};

SAK_WEBENGINE_TEST_MAIN(TestDesktop, QApplication, false)
#include "tst_desktop.moc"
