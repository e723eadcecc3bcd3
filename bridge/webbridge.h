#pragma once

#include "agent/delivery/whatsappsession.h"
#include "agent/protocol/bridgeprotocol.h"
#include "bridge/memorywatchdog.h"

#include <QHash>
#include <QJsonObject>
#include <QTimer>
#include <QUrl>
#include <QWebEnginePage>

#include <chrono>

class QWebChannel;
class QWebEngineProfile;

namespace sak {

class BridgeFacade;
class RequestPolicy;
class WhatsAppPage;

// WhatsApp through WhatsApp Web in QtWebEngine. It injects the two halves of the bridge on
// every navigation (bridge/js: wa-js with our settings and the page agent, a thin adapter over
// wa-js, into the main world; the relay with the QWebChannel into ApplicationWorld), turns the
// page's events into the session's signals and carries send commands the other way. The
// profile's requests are policed (RequestPolicy): the page reaches WhatsApp and nothing else.
class WebBridge : public WhatsAppSession
{
    Q_OBJECT
public:
    WebBridge(QWebEngineProfile *profile, const QUrl &url, QObject *parent = nullptr);
    ~WebBridge() override;

    WhatsAppPage *page() const { return m_page; }
    void start();

    SessionState state() const override { return m_state; }
    void sendText(const OutboundText &text) override;
    void markSeen(const QString &chatId) override;
    void setTyping(const QString &chatId, bool typing) override;
    void catchUp(qint64 since) override;
    void refreshQr() override;
    void requestPairingCode(const QString &phoneDigits) override;
    void takeOver() override;
    QString sendingProblem() const override { return m_sendingProblem; }
    PageMemory pageMemory() const override;
    bool reloadPage(const QString &reason) override;
    QMap<QString, quint64> pageReloads() const override { return m_reloads; }
    bool switchBridge(const BridgeCode &code) override;
    bool pageLoaded() const override { return m_pageLoaded; }

    // WhatsApp open in another browser: take the session back at once ([whatsapp] takeover).
    void setAutoTakeover(bool on) { m_autoTakeover = on; }
    // Whether the account may show "online" ([whatsapp] appear-online). Off: the page keeps it
    // unavailable, seen and typing included, so that the owner's phone keeps notifying.
    void setAppearOnline(bool online);
    // Incoming calls are declined in the page ([whatsapp] calls = reject or reject-and-reply);
    // either way each call reaches the agent as a message of type `call`.
    void setRejectCalls(bool reject);
    // A customer's message that has not decrypted within this time is relayed as
    // `unavailable` (its body says why: view-once or not-decrypted); for the next navigation.
    void setUnavailableAfter(std::chrono::milliseconds after);
    // Media larger than this is relayed without its bytes (and says so).
    void setMediaLimit(qint64 bytes);
    // The groups the agent relays: the page fetches media only there (and in customers' chats).
    void setAllowedGroups(const QStringList &groups);
    // A page that does not become ready within this time is reloaded, then reloaded bypassing
    // the cache, then reported unhealthy.
    void setLoadWatchdog(std::chrono::milliseconds timeout);
    // The renderer's memory is measured this often; above the ceiling (0: never) the page asks
    // to be reloaded (reloadWanted), unless it grew back soon after the last such reload.
    void setMemoryWatch(const MemoryWatchdog::Settings &settings);

    QString whatsAppVersion() const { return m_version; }
    // What the page half runs on, e.g. "wa-js 4.6.0" (the version built in before the page says).
    QString libraryVersion() const { return m_library; }
    quint64 blockedRequests() const;

private:
    void handleEvent(const QByteArray &json);
    void setState(SessionState state);
    void finishSend(const QString &waMessageId, bool ok, const QString &error, bool final = false);
    void onHealth(const bridge::HealthEvent &health);
    void configurePage();
    QJsonObject pageSettings() const;
    void installPageAgent();
    void settingsChanged();
    void onWatchdog();
    void reload(QWebEnginePage::WebAction action, const QString &reason);

    QUrl m_url;
    QWebEngineProfile *m_profile;
    RequestPolicy *m_requests;
    WhatsAppPage *m_page;
    QWebChannel *m_channel;
    BridgeFacade *m_facade;
    SessionState m_state = SessionState::Starting;
    QString m_version;
    QString m_library;
    QStringList m_allowedGroups;
    bool m_pageReady = false;
    bool m_reloadedForUpdate = false; // once per start: WhatsApp asked to be updated
    QString m_lastQr;
    QHash<QString, QTimer *> m_pendingSends; // by WhatsApp message id
    QTimer m_reloadTimer;
    QString m_reloadTimerReason; // what m_reloadTimer's reload is counted as
    MemoryWatchdog *m_memory = nullptr;
    QMap<QString, quint64> m_reloads; // by reason
    QTimer m_watchdog;
    int m_watchdogStrikes = 0;
    bool m_autoTakeover = false;
    bool m_appearOnline = false;
    bool m_rejectCalls = false;
    std::chrono::milliseconds m_unavailableAfter{60000};
    qint64 m_mediaMaxBytes = 16 * 1024 * 1024;
    QString m_sendingProblem;
    BridgeCode m_code; // the page half injected: built in, or a delivered package's
    bool m_started = false;
    bool m_pageLoaded = false;
};

} // namespace sak
