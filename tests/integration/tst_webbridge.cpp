#include "bridge/profilemanager.h"
#include "bridge/webbridge.h"
#include "bridge/whatsapppage.h"
#include "tests/support/testenv.h"
#include "tests/support/webenginetestmain.h"
#include "tests/support/websession.h"

#include <QDateTime>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebEngineProfile>
#include <QWebEngineScript>
#include <QWebEngineSettings>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

// The real bridge in the real engine against the WhatsApp Web simulator, all in one process.
// The test functions build on each other (pair, receive, send), as a session does.
class TestWebBridge : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_stub = test::startStub();
        QVERIFY(m_stub);
        QVERIFY(m_dir.isValid());
        m_profiles = std::make_unique<ProfileManager>(QString());
        m_bridge =
            std::make_unique<WebBridge>(m_profiles->profile(u"test"_s, m_dir.path()), waUrl());
    }

    void cleanupTestCase()
    {
        m_bridge.reset();
        m_profiles.reset();
    }

    void userAgentHasNoQtToken()
    {
        const QString ua = m_profiles->profile(u"test"_s, m_dir.path())->httpUserAgent();
        QVERIFY(!ua.contains(u"QtWebEngine"_s));
        QVERIFY(ua.contains(u"Chrome/"_s));
        QCOMPARE(
            ProfileManager::desktopUserAgent(
                u"Mozilla/5.0 (X11) AppleWebKit/537.36 QtWebEngine/6.4.2 Chrome/102.0 Safari/537.36"_s),
            u"Mozilla/5.0 (X11) AppleWebKit/537.36 Chrome/102.0 Safari/537.36"_s);
    }

    void showsAQrUntilScanned()
    {
        QSignalSpy qr(m_bridge.get(), &WhatsAppSession::qrCodeChanged);
        m_bridge->start();
        QVERIFY(qr.wait(30000));
        const QStringList parts = qr.at(0).at(0).toString().split(u',');
        QCOMPARE(parts.size(), 4); // ref, static key, identity key, adv secret (as wa-js builds it)
        QVERIFY(parts.at(0).startsWith(u"2@"_s));
        QCOMPARE(m_bridge->state(), SessionState::NeedsPairing);
        QVERIFY(m_bridge->whatsAppVersion().startsWith(u"2.3000."_s));

        QVERIFY(m_stub->simulator().scan());
        QTRY_COMPARE_WITH_TIMEOUT(m_bridge->state(), SessionState::Connected, 15000);
    }

    void bridgeIsInvisibleToThePagesOwnScripts()
    {
        const QString probe =
            u"JSON.stringify([typeof qt, typeof QWebChannel, typeof sakBridge])"_s;
        QCOMPARE(evaluate(probe, QWebEngineScript::MainWorld),
                 uR"(["undefined","undefined","undefined"])"_s);
        // The same probe sees the channel in the bridge's own world: the check above can fail.
        QCOMPARE(evaluate(u"JSON.stringify([typeof qt, typeof QWebChannel])"_s,
                          QWebEngineScript::ApplicationWorld),
                 uR"(["object","function"])"_s);
        // WhatsApp's modules, on the other hand, are only in the main world.
        QCOMPARE(evaluate(u"typeof window.require"_s, QWebEngineScript::MainWorld), u"function"_s);
        QCOMPARE(evaluate(u"typeof window.require"_s, QWebEngineScript::ApplicationWorld),
                 u"undefined"_s);
    }

    void capturesACustomersMessage()
    {
        QSignalSpy received(m_bridge.get(), &WhatsAppSession::messageReceived);
        const auto injected = m_stub->simulator().inject({{u"chatId"_s, u"491701234567@c.us"_s},
                                                          {u"body"_s, u"¿Hola, abren hoy? 👋"_s},
                                                          {u"senderName"_s, u"Ana"_s}});
        QVERIFY(injected);
        QVERIFY(received.wait(10000));
        const auto message = received.at(0).at(0).value<InboundMessage>();
        QCOMPARE(message.id, injected.value()[u"serialized"_s].toString());
        QCOMPARE(message.chatId, u"491701234567@c.us"_s);
        QCOMPARE(message.body, u"¿Hola, abren hoy? 👋"_s);
        QCOMPARE(message.type, u"chat"_s);
        QCOMPARE(message.senderName, u"Ana"_s);
    }

    void ciphertextFirstMessageIsCapturedOnceDecrypted()
    {
        QSignalSpy received(m_bridge.get(), &WhatsAppSession::messageReceived);
        const auto injected = m_stub->simulator().inject({{u"chatId"_s, u"491709999999@c.us"_s},
                                                          {u"body"_s, u"espresso?"_s},
                                                          {u"ciphertextFirst"_s, true}});
        QVERIFY(injected);
        QVERIFY(received.wait(10000));
        QCOMPARE(received.at(0).at(0).value<InboundMessage>().body, u"espresso?"_s);
        QCOMPARE(received.at(0).at(0).value<InboundMessage>().type, u"chat"_s);
        QTest::qWait(1500); // a second emission would come within this
        QCOMPARE(received.size(), 1);
    }

    void sendsWithTheChosenIdAndFollowsAcks()
    {
        QSignalSpy finished(m_bridge.get(), &WhatsAppSession::sendFinished);
        QSignalSpy acks(m_bridge.get(), &WhatsAppSession::ackChanged);
        const OutboundText text{u"r-1"_s, u"491701234567@c.us"_s, u"Sí, hasta las 19:00."_s,
                                newWhatsAppMessageId()};
        m_bridge->sendText(text);
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.at(0).at(0).toString(), text.waMessageId);
        QVERIFY2(finished.at(0).at(1).toBool(), qPrintable(finished.at(0).at(2).toString()));

        const QJsonArray sent = m_stub->simulator().sentByBusiness();
        QCOMPARE(sent.size(), 1);
        QCOMPARE(sent.at(0)[u"id"_s].toString(), text.waMessageId);
        QCOMPARE(sent.at(0)[u"body"_s].toString(), text.body);
        QCOMPARE(sent.at(0)[u"chatId"_s].toString(), text.chatId);

        auto hasAck = [&](int level) {
            return std::any_of(acks.cbegin(), acks.cend(), [&](const QList<QVariant> &a) {
                return a.at(0).toString() == text.waMessageId && a.at(1).toInt() == level;
            });
        };
        QTRY_VERIFY_WITH_TIMEOUT(hasAck(1) && hasAck(2), 10000);
        QVERIFY(m_stub->simulator().markRead(text.chatId));
        QTRY_VERIFY_WITH_TIMEOUT(hasAck(3), 10000);

        // The same id again (a retry after a crash, say) finds the message and does not send;
        // how far it got is told again (the agent may have missed it).
        finished.clear();
        acks.clear();
        m_bridge->sendText(text);
        QVERIFY(finished.wait(10000));
        QVERIFY(finished.at(0).at(1).toBool());
        QCOMPARE(m_stub->simulator().sentByBusiness().at(0)[u"sendCount"_s].toInt(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(hasAck(3), 10000);
    }

    void sendToAnInvalidChatFailsWithAReason()
    {
        QSignalSpy finished(m_bridge.get(), &WhatsAppSession::sendFinished);
        m_bridge->sendText(OutboundText{u"r-2"_s, u"not a chat"_s, u"x"_s, newWhatsAppMessageId()});
        QVERIFY(finished.wait(10000));
        QVERIFY(!finished.at(0).at(1).toBool());
        QVERIFY2(finished.at(0).at(2).toString().contains(u"invalid wid"_s, Qt::CaseInsensitive),
                 qPrintable(finished.at(0).at(2).toString()));
    }

    void navigationStaysOnWhatsApp_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("allowed");
        QTest::newRow("simulator") << waUrl().toString() << true;
        QTest::newRow("same origin, other path")
            << waUrl().resolved(QUrl(u"/elsewhere"_s)).toString() << true;
        QTest::newRow("other host") << u"https://example.org/"_s << false;
        QTest::newRow("other port") << u"https://127.0.0.1:1/wa/"_s << false;
        QTest::newRow("plain http")
            << u"http://127.0.0.1:%1/wa/"_s.arg(m_stub->httpsPort()) << false;
        QTest::newRow("file") << u"file:///etc/passwd"_s << false;
        QTest::newRow("blank") << u"about:blank"_s << true;
    }
    void navigationStaysOnWhatsApp()
    {
        QFETCH(QString, url);
        QFETCH(bool, allowed);
        QCOMPARE(m_bridge->page()->isAllowed(QUrl(url)), allowed);
    }

    void pageCannotNavigateAway()
    {
        QSignalSpy external(m_bridge->page(), &WhatsAppPage::externalLinkRequested);
        evaluate(u"location.href = 'https://example.org/'; 'ok'"_s, QWebEngineScript::MainWorld);
        QTest::qWait(1000);
        QCOMPARE(m_bridge->page()->url().host(), u"127.0.0.1"_s);
        QCOMPARE(m_bridge->state(), SessionState::Connected);
    }

    // Links leave the page for the system (the desktop's browser) only as http and https, by
    // either way out: a link clicked in the page, and a new window. QtWebEngine would hand any
    // other scheme to the page after a user's click; the page says no to that, and it also
    // refuses such links when they are put to it without a click (as here).
    void onlyWebLinksLeaveThePage()
    {
        WhatsAppPage *page = m_bridge->page();
        QCOMPARE(page->settings()->unknownUrlSchemePolicy(),
                 QWebEngineSettings::DisallowUnknownUrlSchemes);
        page->settings()->setUnknownUrlSchemePolicy(QWebEngineSettings::AllowAllUnknownUrlSchemes);
        QSignalSpy external(page, &WhatsAppPage::externalLinkRequested);
        const auto click = [this](const QString &href) {
            evaluate(
                u"(() => { const a = document.createElement('a'); a.href = '%1';"
                u" document.body.appendChild(a); a.click(); a.remove(); return 'ok'; })()"_s.arg(
                    href),
                QWebEngineScript::MainWorld);
        };
        const auto open = [this](const QString &href) {
            evaluate(u"window.open('%1'); 'ok'"_s.arg(href), QWebEngineScript::MainWorld);
        };
        for (const QString &href :
             {u"mailto:shop@example.org?attach=/etc/passwd"_s, u"smb://192.0.2.1/share/x.exe"_s,
              u"tel:+491701234567"_s, u"file:///etc/passwd"_s, u"sak-test-app:run"_s}) {
            click(href);
            open(href);
        }
        // Last, so that the refused ones above had their turn when these arrive.
        click(u"https://example.org/clicked"_s);
        open(u"https://example.org/opened"_s);
        QTRY_COMPARE_WITH_TIMEOUT(external.size(), 2, 10000);
        page->settings()->setUnknownUrlSchemePolicy(QWebEngineSettings::DisallowUnknownUrlSchemes);
        QSet<QString> opened;
        for (const auto &args : external)
            opened.insert(args.at(0).toUrl().toString());
        QCOMPARE(opened, QSet<QString>(
                             {u"https://example.org/clicked"_s, u"https://example.org/opened"_s}));
        QCOMPARE(page->url().host(), u"127.0.0.1"_s);
        QCOMPARE(m_bridge->state(), SessionState::Connected);
    }

    // The page's own scripts reach out to other hosts: each request is blocked before it
    // leaves, counted and reported; the page still reaches its own origin.
    void requestsToOtherHostsAreBlocked()
    {
        QSignalSpy blocked(m_bridge.get(), &WhatsAppSession::requestBlocked);
        const quint64 before = m_bridge->blockedRequests();
        evaluate(
            u"fetch('https://analytics.google.com/g/collect?v=2').catch(() => 0);"
            u"new Image().src = 'https://wajsapi.titanchat.com.br/v1/link-preview/fetch-data.png';"
            u"navigator.sendBeacon('https://tracker.example.net/b', 'the shop'); 0"_s,
            QWebEngineScript::MainWorld);
        QTRY_COMPARE_WITH_TIMEOUT(blocked.size(), 3, 10000);
        QSet<QString> hosts;
        for (const auto &args : blocked)
            hosts.insert(args.at(0).toString());
        QCOMPARE(hosts, QSet<QString>({u"analytics.google.com"_s, u"wajsapi.titanchat.com.br"_s,
                                       u"tracker.example.net"_s}));
        QCOMPARE(m_bridge->blockedRequests(), before + 3);
        evaluate(u"fetch('/wa/').then((r) => { window.__own = r.status; }); 0"_s,
                 QWebEngineScript::MainWorld);
        QTRY_COMPARE_WITH_TIMEOUT(evaluate(u"String(window.__own)"_s, QWebEngineScript::MainWorld),
                                  u"200"_s, 10000);
        QCOMPARE(blocked.size(), 3);
    }

    // The connection drops while customers write: at the reconnect WhatsApp delivers what it
    // held as its offline burst, and the catch-up the agent asks for at the connect waits for
    // the burst's end, so that caughtUp follows the whole backlog, each chat's in order.
    void catchUpWaitsForTheOfflineBurst()
    {
        QSignalSpy received(m_bridge.get(), &WhatsAppSession::messageReceived);
        QSignalSpy caughtUp(m_bridge.get(), &WhatsAppSession::caughtUp);
        QHash<QString, QStringList> written; // chat -> ids, in order
        int receivedAtCaughtUp = -1;
        const auto held = [&] {
            int count = 0;
            for (auto it = written.cbegin(); it != written.cend(); ++it)
                count += int(test::messagesIn(received, it.key()).size());
            return count;
        };
        QObject scope; // the connections below end with this test
        connect(m_bridge.get(), &WhatsAppSession::caughtUp, &scope, [&] {
            if (receivedAtCaughtUp < 0)
                receivedAtCaughtUp = held();
        });
        // As the agent does at every connect.
        const qint64 since = QDateTime::currentSecsSinceEpoch() - 300;
        bool askedOnce = false;
        connect(m_bridge.get(), &WhatsAppSession::stateChanged, &scope, [&](SessionState state) {
            if (state == SessionState::Connected && !askedOnce) {
                askedOnce = true;
                m_bridge->catchUp(since);
            }
        });

        QVERIFY(m_stub->simulator().dropConnections());
        constexpr int kHeld = 120;
        for (int i = 0; i < kHeld; ++i) {
            const QString chat = u"49170125000%1@c.us"_s.arg(i % 3);
            const auto injected = m_stub->simulator().inject(
                {{u"chatId"_s, chat}, {u"body"_s, u"while away %1"_s.arg(i)}});
            QVERIFY(injected);
            written[chat].append(injected.value()[u"serialized"_s].toString());
        }
        QVERIFY(caughtUp.wait(20000));
        QVERIFY(askedOnce);
        QCOMPARE(receivedAtCaughtUp, kHeld);
        QTest::qWait(500); // nothing more, nothing twice
        for (auto it = written.cbegin(); it != written.cend(); ++it) {
            QStringList ids;
            for (const InboundMessage &m : test::messagesIn(received, it.key()))
                ids.append(m.id);
            QCOMPARE(ids, it.value());
        }
    }

    void sessionSurvivesAReload()
    {
        QSignalSpy states(m_bridge.get(), &WhatsAppSession::stateChanged);
        m_bridge->page()->triggerAction(QWebEnginePage::Reload);
        QVERIFY(states.wait(10000));
        QTRY_COMPARE_WITH_TIMEOUT(m_bridge->state(), SessionState::Connected, 15000);
        // Reconnected from the stored session, never asking for a QR again.
        for (const auto &s : states)
            QVERIFY(s.at(0).value<SessionState>() != SessionState::NeedsPairing);
    }

private:
    QUrl waUrl() const { return QUrl(u"https://127.0.0.1:%1/wa/"_s.arg(m_stub->httpsPort())); }

    QString evaluate(const QString &script, quint32 world)
    {
        std::optional<QString> result;
        m_bridge->page()->runJavaScript(script, world,
                                        [&](const QVariant &v) { result = v.toString(); });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 10000))
            return u"<no answer>"_s;
        return *result;
    }

    std::unique_ptr<stub::StubServer> m_stub;
    QTemporaryDir m_dir;
    std::unique_ptr<ProfileManager> m_profiles;
    std::unique_ptr<WebBridge> m_bridge;
};

SAK_WEBENGINE_TEST_MAIN(TestWebBridge, QGuiApplication, true)
#include "tst_webbridge.moc"
