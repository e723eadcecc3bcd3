#pragma once

#include "whatsappsession.h"

#include <QHash>
#include <QTimer>
#include <QUrl>

#include <chrono>

class QWebChannel;
class QWebEngineProfile;

namespace sak {

class BridgeFacade;
class WhatsAppPage;

// WhatsApp through WhatsApp Web in QtWebEngine. It injects the two halves of the bridge on
// every navigation (bridge/js: the page agent into the main world, the relay with the
// QWebChannel into ApplicationWorld), turns the page's events into the session's signals and
// carries send commands the other way.
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

    // WhatsApp open in another browser: take the session back at once ([whatsapp] takeover).
    void setAutoTakeover(bool on) { m_autoTakeover = on; }
    // Media larger than this is relayed without its bytes (and says so).
    void setMediaLimit(qint64 bytes) { m_mediaMaxBytes = bytes; }
    // A page that does not become ready within this time is reloaded, then reloaded bypassing
    // the cache, then reported unhealthy.
    void setLoadWatchdog(std::chrono::milliseconds timeout) { m_watchdog.setInterval(timeout); }

    QString whatsAppVersion() const { return m_version; }

    // The scripts as injected; exposed for tests of the injection itself.
    static QString pageAgentSource();
    static QString relaySource();

private:
    void handleEvent(const QByteArray &json);
    void setState(SessionState state);
    void installScripts();
    void finishSend(const QString &waMessageId, bool ok, const QString &error);
    void onHealth(const QString &version, const QStringList &missing,
                  const QStringList &unavailable, const QStringList &relocated);
    void onWatchdog();

    QUrl m_url;
    WhatsAppPage *m_page;
    QWebChannel *m_channel;
    BridgeFacade *m_facade;
    SessionState m_state = SessionState::Starting;
    QString m_version;
    QString m_lastQr;
    QHash<QString, QTimer *> m_pendingSends; // by WhatsApp message id
    QTimer m_reloadTimer;
    QTimer m_watchdog;
    int m_watchdogStrikes = 0;
    bool m_autoTakeover = false;
    qint64 m_mediaMaxBytes = 16 * 1024 * 1024;
    QString m_sendingProblem;
};

} // namespace sak
