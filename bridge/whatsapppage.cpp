#include "bridge/whatsapppage.h"

#include "agent/base/logging.h"
#include "bridge/requestpolicy.h"

#include <QRegularExpression>
#include <QTimer>
#include <QWebEngineCertificateError>
#include <QWebEngineNewWindowRequest>
#include <QWebEngineSettings>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {
constexpr int kMaxCrashReloads = 5;

bool sameOrigin(const QUrl &a, const QUrl &b)
{
    return a.scheme() == b.scheme() && a.host() == b.host() &&
           a.port(a.scheme() == u"https"_s ? 443 : 80) ==
               b.port(b.scheme() == u"https"_s ? 443 : 80);
}
} // namespace

WhatsAppPage::WhatsAppPage(QWebEngineProfile *profile, const QList<QUrl> &allowedOrigins,
                           QObject *parent)
    : QWebEnginePage(profile, parent)
    , m_allowedOrigins(allowedOrigins)
{
    connect(this, &QWebEnginePage::featurePermissionRequested, this,
            [this](const QUrl &origin, Feature feature) {
                qCInfo(lcBridge) << "Denied permission" << feature << "requested by"
                                 << origin.host();
                setFeaturePermission(origin, feature, PermissionDeniedByUser);
            });
    connect(this, &QWebEnginePage::certificateError, this,
            [](const QWebEngineCertificateError &error) {
                // Never accepted: a certificate the engine does not trust means someone may be in
                // between.
                auto copy = error;
                qCWarning(lcBridge).noquote() << "Rejected the certificate of" << error.url().host()
                                              << "-" << error.description();
                copy.rejectCertificate();
            });
    // A link to a scheme Chromium does not handle itself is never given to the system by
    // QtWebEngine (by default it would be, after a click); links go out only through
    // offerExternalLink().
    settings()->setUnknownUrlSchemePolicy(QWebEngineSettings::DisallowUnknownUrlSchemes);
    connect(
        this, &QWebEnginePage::newWindowRequested, this,
        [this](QWebEngineNewWindowRequest &request) { offerExternalLink(request.requestedUrl()); });
    connect(this, &QWebEnginePage::renderProcessTerminated, this,
            [this](RenderProcessTerminationStatus status, int exitCode) {
                if (status == NormalTerminationStatus)
                    return;
                if (++m_crashReloads > kMaxCrashReloads) {
                    qCCritical(lcBridge) << "The WhatsApp page crashed" << m_crashReloads
                                         << "times; not reloading again";
                    return;
                }
                qCWarning(lcBridge) << "The WhatsApp page's renderer died (status" << status
                                    << "code" << exitCode << "); reloading";
                QTimer::singleShot(1000, this, [this] { triggerAction(Reload); });
            });
    connect(this, &QWebEnginePage::loadFinished, this, [this](bool ok) {
        if (ok)
            m_crashReloads = 0;
    });
}

bool WhatsAppPage::isAllowed(const QUrl &url) const
{
    if (url.scheme() == u"about"_s && url.path() == u"blank"_s)
        return true;
    for (const QUrl &origin : m_allowedOrigins) {
        if (sameOrigin(url, origin))
            return true;
    }
    return false;
}

bool WhatsAppPage::acceptNavigationRequest(const QUrl &url, NavigationType type, bool isMainFrame)
{
    if (isAllowed(url))
        return true;
    qCInfo(lcBridge).noquote() << "Refused navigation"
                               << (isMainFrame ? "of the page" : "of a frame") << "to"
                               << url.toDisplayString(QUrl::RemoveQuery | QUrl::RemoveFragment);
    if (isMainFrame && type == NavigationTypeLinkClicked)
        offerExternalLink(url);
    return false;
}

void WhatsAppPage::offerExternalLink(const QUrl &url)
{
    if (isOpenableLink(url)) {
        Q_EMIT externalLinkRequested(url);
        return;
    }
    // The scheme only: the rest is what a customer wrote.
    qCInfo(lcBridge).noquote() << "Not opening a link with the scheme"
                               << (url.scheme().isEmpty() ? u"(none)"_s : url.scheme())
                               << "(only http and https links are opened)";
}

void WhatsAppPage::javaScriptConsoleMessage(JavaScriptConsoleMessageLevel level,
                                            const QString &message, int lineNumber,
                                            const QString &sourceId)
{
    // The page's console can carry message text: below warning level it stays at debug.
    const QString where = u"%1:%2"_s.arg(QUrl(sourceId).fileName()).arg(lineNumber);
    // wa-js looks for every part of WhatsApp it knows and says so for each it does not find;
    // the page agent's self-test reports the parts the agent uses, with what stops working.
    static const QRegularExpression waJsMiss(
        u"^(Module \\S+ was not found|Property .* was not found|\\S+ module was not found|func is not a function)"_s);
    if (where.startsWith(u"sak-wa-js:"_s) && waJsMiss.match(message).hasMatch()) {
        qCDebug(lcPage).noquote() << where << message;
        return;
    }
    switch (level) {
    case ErrorMessageLevel:
        qCWarning(lcPage).noquote() << where << message;
        // Thrown, not a promise left rejected: the script stopped there.
        if (where.startsWith(u"sak-"_s) && message.startsWith(u"Uncaught"_s) &&
            !message.startsWith(u"Uncaught (in promise)"_s))
            Q_EMIT injectedScriptFailed(where, message.left(300));
        break;
    case WarningMessageLevel:
        qCInfo(lcPage).noquote() << where << message;
        break;
    default:
        qCDebug(lcPage).noquote() << where << message;
        break;
    }
}

} // namespace sak
