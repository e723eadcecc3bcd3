#pragma once

#include <QList>
#include <QUrl>
#include <QWebEnginePage>

namespace sak {

// The WhatsApp Web page with the agent's policies: it navigates only to allowed origins,
// denies every permission request, rejects certificate errors and reloads after a renderer
// crash. Links elsewhere are handed out through externalLinkRequested(), http and https
// only (isOpenableLink()).
class WhatsAppPage : public QWebEnginePage
{
    Q_OBJECT
public:
    WhatsAppPage(QWebEngineProfile *profile, const QList<QUrl> &allowedOrigins,
                 QObject *parent = nullptr);

    bool isAllowed(const QUrl &url) const;

Q_SIGNALS:
    void externalLinkRequested(const QUrl &url);
    // A script the bridge injected (sak-*) threw and nothing caught it: where, and what.
    void injectedScriptFailed(const QString &where, const QString &message);

protected:
    bool acceptNavigationRequest(const QUrl &url, NavigationType type, bool isMainFrame) override;
    void javaScriptConsoleMessage(JavaScriptConsoleMessageLevel level, const QString &message,
                                  int lineNumber, const QString &sourceId) override;

private:
    // Both ways out (a link clicked in the page, a new window) pass here.
    void offerExternalLink(const QUrl &url);

    QList<QUrl> m_allowedOrigins;
    int m_crashReloads = 0;
};

} // namespace sak
