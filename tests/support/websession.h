#pragma once

#include "bridge/profilemanager.h"
#include "bridge/webbridge.h"
#include "bridge/whatsapppage.h"
#include "cloud-stub/stubserver.h"
#include "cloud-stub/whatsappsimulator.h"
#include "tests/support/pagescript.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QUrlQuery>

#include <memory>

namespace sak::test {

// The messages of one chat a spy on messageReceived saw: a new session is also handed what
// earlier tests' sessions left undelivered, as WhatsApp hands a new device its backlog.
inline QList<InboundMessage> messagesIn(const QSignalSpy &received, const QString &chatId)
{
    QList<InboundMessage> messages;
    for (const auto &args : received) {
        if (const auto m = args.at(0).value<InboundMessage>(); m.chatId == chatId)
            messages.append(m);
    }
    return messages;
}

// The simulator's WhatsApp Web on the stub, with query options (?omit=, ?rename=, ...).
inline QUrl simulatorUrl(const stub::StubServer &stub,
                         const QList<std::pair<QString, QString>> &query = {})
{
    QUrl url(QStringLiteral("https://127.0.0.1:%1/wa/").arg(stub.httpsPort()));
    QUrlQuery q;
    for (const auto &[key, value] : query)
        q.addQueryItem(key, value);
    url.setQuery(q);
    return url;
}

// One WhatsApp Web session of its own (profile, page, bridge) for a test, as each shop PC has.
struct WebSession
{
    QTemporaryDir dir;
    std::unique_ptr<ProfileManager> profiles = std::make_unique<ProfileManager>(QString());
    std::unique_ptr<WebBridge> bridge;

    WebSession(const QUrl &url, const QString &name)
    {
        bridge = std::make_unique<WebBridge>(profiles->profile(name, dir.path()), url);
    }
    ~WebSession()
    {
        bridge.reset();
        profiles.reset();
    }

    // What the page's own scripts see (the main world), e.g. WhatsApp's Socket.state.
    QString evaluate(const QString &script) { return test::evaluate(bridge->page(), script); }

    // Opens the page, scans its QR code with the simulated phone, and waits until connected.
    // `shown`: the page is visible, as in the desktop's window and on the kiosk.
    bool pair(stub::StubServer &stub, bool shown = false)
    {
        bridge->start();
        if (shown)
            bridge->page()->setVisible(true); // after the load starts: a load resets it
        return QTest::qWaitFor([&] { return bridge->state() == SessionState::NeedsPairing; },
                               20000) &&
               stub.simulator().scan() &&
               QTest::qWaitFor([&] { return bridge->state() == SessionState::Connected; }, 15000);
    }
};

} // namespace sak::test
