#pragma once

#include <QSet>
#include <QUrl>
#include <QWebEngineUrlRequestInterceptor>

namespace sak {

// What the WhatsApp profile may reach: WhatsApp's own hosts and the configured WhatsApp URL's
// origin (the simulator in tests), nothing else. wa-js is configured not to report anywhere,
// but the page runs code that is not ours, WhatsApp's included: this is the guarantee beneath
// that configuration that nothing of the shop's reaches a third party. Installed on the
// profile, so that the service worker's requests are policed too.
class RequestPolicy : public QWebEngineUrlRequestInterceptor
{
    Q_OBJECT
public:
    explicit RequestPolicy(const QUrl &whatsAppUrl, QObject *parent = nullptr);

    bool allows(const QUrl &url) const;
    quint64 blockedCount() const { return m_blocked; }

    void interceptRequest(QWebEngineUrlRequestInfo &info) override;

Q_SIGNALS:
    // A request the page made to a host that is not WhatsApp's was blocked.
    void blocked(const QUrl &url);

private:
    QUrl m_origin;
    quint64 m_blocked = 0;
    QSet<QString> m_reportedHosts; // logged once each at warning level
};

// Whether a link from the page may be handed to the system to open (the desktop's browser):
// only http and https to a host. Any other scheme would start whatever program the system
// has for it with what a customer wrote: file: and smb: open local or remote files, a mailto:
// can ask some mail programs to attach a local file, custom schemes start other apps.
bool isOpenableLink(const QUrl &url);

} // namespace sak
