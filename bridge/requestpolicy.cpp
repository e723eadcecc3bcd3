#include "bridge/requestpolicy.h"

#include "agent/base/logging.h"

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

// WhatsApp Web's page, its static files, media and profile pictures, and its WebSocket.
bool isWhatsAppHost(const QString &host)
{
    for (const auto &domain : {u"whatsapp.com"_s, u"whatsapp.net"_s}) {
        if (host == domain || host.endsWith(u'.' + domain))
            return true;
    }
    return false;
}

// The same server for the page and its WebSocket (ws/wss speak to the http/https origin).
QString webScheme(const QString &scheme)
{
    if (scheme == u"wss"_s)
        return u"https"_s;
    if (scheme == u"ws"_s)
        return u"http"_s;
    return scheme;
}

int defaultPort(const QString &scheme)
{
    return scheme == u"https"_s ? 443 : 80;
}

} // namespace

RequestPolicy::RequestPolicy(const QUrl &whatsAppUrl, QObject *parent)
    : QWebEngineUrlRequestInterceptor(parent)
    , m_origin(whatsAppUrl.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment |
                                    QUrl::RemoveUserInfo))
{}

bool RequestPolicy::allows(const QUrl &url) const
{
    const QString scheme = url.scheme();
    // Not a request to any server: the page's own data.
    if (scheme == u"data"_s || scheme == u"blob"_s || scheme == u"about"_s ||
        scheme == u"filesystem"_s)
        return true;
    const QString web = webScheme(scheme);
    if (web != u"https"_s && web != u"http"_s)
        return false;
    if (web == u"https"_s && isWhatsAppHost(url.host()))
        return true;
    return web == m_origin.scheme() && url.host() == m_origin.host() &&
           url.port(defaultPort(web)) == m_origin.port(defaultPort(web));
}

bool isOpenableLink(const QUrl &url)
{
    return url.isValid() && (url.scheme() == u"https"_s || url.scheme() == u"http"_s) &&
           !url.host().isEmpty();
}

void RequestPolicy::interceptRequest(QWebEngineUrlRequestInfo &info)
{
    const QUrl url = info.requestUrl();
    if (allows(url))
        return;
    info.block(true);
    ++m_blocked;
    // The host only: a query can carry what the page wanted to send.
    const QString host = url.host().isEmpty() ? url.scheme() + u':' : url.host();
    if (!m_reportedHosts.contains(host) && m_reportedHosts.size() < 256) {
        m_reportedHosts.insert(host);
        qCWarning(lcBridge).noquote()
            << "Blocked a request from the WhatsApp page to" << host
            << "(only WhatsApp's own servers may be reached; further requests to it are counted "
               "in the metrics)";
    } else {
        qCDebug(lcBridge).noquote() << "Blocked a request to" << host;
    }
    Q_EMIT blocked(url);
}

} // namespace sak
