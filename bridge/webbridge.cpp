#include "bridge/webbridge.h"

#include "agent/base/logging.h"
#include "agent/protocol/bridgeprotocol.h"
#include "bridge/bridgefacade.h"
#include "bridge/pagescripts.h"
#include "bridge/requestpolicy.h"
#include "bridge/whatsapppage.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QWebChannel>
#include <QWebEngineLoadingInfo>
#include <QWebEngineProfile>
#include <QWebEngineScript>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

constexpr auto kSendConfirmTimeout = std::chrono::seconds(60);
constexpr auto kReloadAfterFailure = std::chrono::seconds(15);
constexpr auto kLoadWatchdog = std::chrono::seconds(90);
constexpr auto kRetryStuckPage = std::chrono::minutes(5);
constexpr auto kNotReadyLead = std::chrono::seconds(10);

} // namespace

WebBridge::WebBridge(QWebEngineProfile *profile, const QUrl &url, QObject *parent)
    : WhatsAppSession(parent)
    , m_url(url)
    , m_profile(profile)
    , m_requests(new RequestPolicy(url, this))
    , m_page(new WhatsAppPage(
          profile, {url.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment)},
          this))
    , m_channel(new QWebChannel(this))
    , m_facade(new BridgeFacade([this](const QByteArray &json) { handleEvent(json); }, this))
{
    m_library = u"wa-js "_s + QStringLiteral(SAK_WAJS_VERSION);
    // On the profile, not the page: WhatsApp's service worker makes requests of its own.
    profile->setUrlRequestInterceptor(m_requests);
    connect(m_requests, &RequestPolicy::blocked, this,
            [this](const QUrl &blocked) { Q_EMIT requestBlocked(blocked.host()); });
    m_channel->registerObject(u"sakBridge"_s, m_facade);
    // ApplicationWorld: the page's own scripts run in the main world and cannot reach it.
    m_page->setWebChannel(m_channel, QWebEngineScript::ApplicationWorld);

    m_reloadTimer.setSingleShot(true);
    connect(&m_reloadTimer, &QTimer::timeout, this, [this] {
        ++m_reloads[m_reloadTimerReason];
        m_page->load(m_url);
    });
    // The page half threw as it loaded (a broken build of it, or a page it cannot run on):
    // said at once, with what it said, rather than when the watchdog gives up on the page.
    connect(
        m_page, &WhatsAppPage::injectedScriptFailed, this,
        [this](const QString &where, const QString &message) {
            // wa-js throws in its callbacks when WhatsApp moved something; the page agent's
            // self-test says what, better. After the page agent attached, its handlers
            // report what they cannot do.
            if (m_pageReady || where.startsWith(u"sak-wa-js"_s))
                return;
            const QString problem =
                u"The agent's part in the WhatsApp page (%1) failed as it loaded: %2 (%3)."_s.arg(
                    m_code.builtIn() ? m_library : u"bridge package "_s + m_code.version, message,
                    where);
            qCCritical(lcBridge).noquote() << problem;
            m_sendingProblem = problem; // nothing works
            setState(SessionState::Unhealthy);
            Q_EMIT healthProblem(problem);
        });
    // The renderer's process id changes when it crashes and the page reloads: asked each time.
    m_memory = new MemoryWatchdog([this] { return m_page->renderProcessPid(); }, this);
    connect(m_memory, &MemoryWatchdog::reloadWanted, this, &WhatsAppSession::reloadWanted);
    connect(m_memory, &MemoryWatchdog::problemChanged, this, &WhatsAppSession::pageMemoryChanged);
    m_watchdog.setSingleShot(true);
    m_watchdog.setInterval(kLoadWatchdog);
    connect(&m_watchdog, &QTimer::timeout, this, &WebBridge::onWatchdog);
    // After the watchdog's interval, which the page agent is told.
    pagescripts::install(m_page->scripts(), pageSettings());

    connect(m_page, &QWebEnginePage::loadingChanged, this, [this](const QWebEngineLoadingInfo &info) {
        // A navigation the page refused (a link off WhatsApp) starts and fails a load of its
        // own; the page that is showing is untouched by it.
        if (!m_page->isAllowed(info.url()))
            return;
        switch (info.status()) {
        case QWebEngineLoadingInfo::LoadStartedStatus:
            // WhatsApp reloads itself after updates and logouts: the bridge starts over, and the
            // engine injects the scripts again. The page has until the watchdog fires to get
            // ready.
            setState(SessionState::Starting);
            m_sendingProblem.clear();
            m_pageReady = false;
            m_pageLoaded = false;
            m_watchdog.start();
            break;
        case QWebEngineLoadingInfo::LoadSucceededStatus:
            m_pageLoaded = true;
            qCInfo(lcBridge).noquote() << "WhatsApp Web loaded from" << info.url().host();
            break;
        case QWebEngineLoadingInfo::LoadFailedStatus: {
            const QString where = info.url().toDisplayString(QUrl::RemoveQuery);
            const QString retry = QString::number(kReloadAfterFailure.count());
            const QString problem =
                info.errorDomain() == QWebEngineLoadingInfo::CertificateErrorDomain
                    ? u"WhatsApp Web at %1 presented a certificate that is not trusted (%2), so it was not opened; retrying in %3 s."_s
                          .arg(where, info.errorString(), retry)
                    : u"WhatsApp Web could not be loaded from %1 (%2); retrying in %3 s."_s.arg(
                          where, info.errorString(), retry);
            qCWarning(lcBridge).noquote() << problem;
            setState(SessionState::Unhealthy);
            Q_EMIT healthProblem(problem);
            m_reloadTimerReason = u"load-failed"_s;
            m_reloadTimer.start(kReloadAfterFailure);
            break;
        }
        case QWebEngineLoadingInfo::LoadStoppedStatus:
            break;
        }
    });
}

WebBridge::~WebBridge()
{
    // The page must go before the profile it uses; the profile belongs to the ProfileManager.
    delete m_page;
    m_profile->setUrlRequestInterceptor(nullptr);
}

quint64 WebBridge::blockedRequests() const
{
    return m_requests->blockedCount();
}

void WebBridge::setAllowedGroups(const QStringList &groups)
{
    m_allowedGroups = groups;
    settingsChanged();
}

void WebBridge::configurePage()
{
    m_facade->sendCommand(
        bridge::configureCommand(m_mediaMaxBytes, m_allowedGroups, m_appearOnline, m_rejectCalls));
}

QJsonObject WebBridge::pageSettings() const
{
    // The adapter reports what wa-js could not find shortly before the watchdog reloads.
    const auto watchdog = std::chrono::milliseconds(m_watchdog.interval());
    const auto notReady =
        std::max(watchdog - std::chrono::milliseconds(kNotReadyLead), watchdog / 2);
    return QJsonObject{{u"mediaMaxBytes"_s, m_mediaMaxBytes},
                       {u"allowedGroups"_s, QJsonArray::fromStringList(m_allowedGroups)},
                       {u"notReadyMs"_s, qint64(notReady.count())},
                       {u"appearOnline"_s, m_appearOnline},
                       {u"rejectCalls"_s, m_rejectCalls},
                       {u"unavailableAfterMs"_s, qint64(m_unavailableAfter.count())}};
}

void WebBridge::installPageAgent()
{
    pagescripts::reinstallPageAgent(m_page->scripts(), pageSettings(), m_code);
}

bool WebBridge::switchBridge(const BridgeCode &code)
{
    m_code = code;
    pagescripts::install(m_page->scripts(), pageSettings(), m_code);
    // Until the page says which wa-js it runs.
    m_library =
        u"wa-js "_s + (code.builtIn() ? QStringLiteral(SAK_WAJS_VERSION) : code.waJsVersion);
    if (!m_started)
        return true; // the first load runs it
    qCWarning(lcBridge).noquote() << "Reloading WhatsApp Web with"
                                  << (code.builtIn() ? u"the built-in bridge"_s
                                                     : u"bridge package "_s + code.version);
    // The page's sends were answered for (the pipeline waited for quiet); a load of its own,
    // so that a watchdog strike does not count against the new page half.
    m_watchdogStrikes = 0;
    ++m_reloads[u"bridge"_s];
    m_page->load(m_url);
    return true;
}

void WebBridge::setAppearOnline(bool online)
{
    m_appearOnline = online;
    settingsChanged();
}

void WebBridge::setRejectCalls(bool reject)
{
    m_rejectCalls = reject;
    settingsChanged();
}

void WebBridge::setUnavailableAfter(std::chrono::milliseconds after)
{
    m_unavailableAfter = after;
    installPageAgent();
}

void WebBridge::setMediaLimit(qint64 bytes)
{
    m_mediaMaxBytes = bytes;
    settingsChanged();
}

void WebBridge::setLoadWatchdog(std::chrono::milliseconds timeout)
{
    m_watchdog.setInterval(timeout);
    installPageAgent();
}

void WebBridge::setMemoryWatch(const MemoryWatchdog::Settings &settings)
{
    m_memory->setSettings(settings);
}

PageMemory WebBridge::pageMemory() const
{
    return {m_memory->lastBytes(), m_memory->settings().ceilingBytes, m_memory->problem()};
}

bool WebBridge::reloadPage(const QString &reason)
{
    // Asked by the pipeline once the page holds no send: the new page resolves nothing.
    qCWarning(lcBridge).noquote() << "Reloading WhatsApp Web:" << reason;
    m_memory->reloaded();
    reload(QWebEnginePage::Reload, u"memory"_s);
    return true;
}

void WebBridge::reload(QWebEnginePage::WebAction action, const QString &reason)
{
    ++m_reloads[reason];
    m_page->triggerAction(action);
}

void WebBridge::settingsChanged()
{
    installPageAgent(); // for the next navigation
    if (m_pageReady)
        configurePage(); // for the page that is showing
}

void WebBridge::start()
{
    qCInfo(lcBridge).noquote() << "Opening WhatsApp Web at" << m_url.toDisplayString();
    m_started = true;
    m_page->load(m_url);
    m_memory->start();
}

void WebBridge::setState(SessionState state)
{
    if (state == m_state)
        return;
    qCInfo(lcBridge).noquote() << "WhatsApp session:" << sessionStateName(m_state) << "->"
                               << sessionStateName(state);
    if (state == SessionState::Connected)
        m_reloadedForUpdate = false; // the update, if one was asked for, is done
    m_state = state;
    Q_EMIT stateChanged(state);
}

void WebBridge::sendText(const OutboundText &text)
{
    if (m_state != SessionState::Connected) {
        const QString id = text.waMessageId;
        QMetaObject::invokeMethod(
            this, [this, id] { Q_EMIT sendFinished(id, false, u"WhatsApp is not connected."_s); },
            Qt::QueuedConnection);
        return;
    }
    auto *timer = new QTimer(this);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [this, id = text.waMessageId] {
        finishSend(id, false,
                   u"The WhatsApp page did not confirm the send within %1 s."_s.arg(
                       std::chrono::seconds(kSendConfirmTimeout).count()));
    });
    timer->start(kSendConfirmTimeout);
    m_pendingSends.insert(text.waMessageId, timer);
    m_facade->sendCommand(bridge::sendTextCommand(text.waMessageId, text));
}

void WebBridge::markSeen(const QString &chatId)
{
    if (m_state == SessionState::Connected)
        m_facade->sendCommand(bridge::markSeenCommand(chatId));
}

void WebBridge::setTyping(const QString &chatId, bool typing)
{
    if (m_state == SessionState::Connected)
        m_facade->sendCommand(bridge::typingCommand(chatId, typing));
}

void WebBridge::catchUp(qint64 since)
{
    if (m_state == SessionState::Connected)
        m_facade->sendCommand(bridge::catchUpCommand(since));
}

void WebBridge::refreshQr()
{
    if (m_state == SessionState::NeedsPairing)
        m_facade->sendCommand(bridge::refreshQrCommand());
}

void WebBridge::requestPairingCode(const QString &phoneDigits)
{
    QString digits = phoneDigits;
    digits.remove(QRegularExpression(u"[\\s+()-]"_s));
    static const QRegularExpression valid(u"^[0-9]{8,15}$"_s);
    QString error;
    if (!valid.match(digits).hasMatch())
        error =
            u"\"%1\" is not a phone number: give the shop's WhatsApp number with its country code, e.g. 491701234567."_s
                .arg(phoneDigits.left(40));
    else if (m_state != SessionState::NeedsPairing)
        error = u"WhatsApp Web is not waiting to be paired (it is %1)."_s.arg(
            sessionStateName(m_state));
    if (!error.isEmpty()) {
        QMetaObject::invokeMethod(
            this, [this, error] { Q_EMIT pairingCodeReceived({}, error); }, Qt::QueuedConnection);
        return;
    }
    m_facade->sendCommand(bridge::pairingCodeCommand(digits));
}

void WebBridge::takeOver()
{
    if (m_state == SessionState::Conflict)
        m_facade->sendCommand(bridge::takeoverCommand());
}

void WebBridge::onWatchdog()
{
    const auto waited = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::milliseconds(m_watchdog.interval()));
    switch (++m_watchdogStrikes) {
    case 1:
        qCWarning(lcBridge) << "WhatsApp Web did not get ready in" << waited.count()
                            << "s; reloading it";
        reload(QWebEnginePage::Reload, u"not-ready"_s);
        break;
    case 2:
        qCWarning(lcBridge) << "WhatsApp Web did not get ready after a reload; reloading it "
                               "without its cache";
        reload(QWebEnginePage::ReloadAndBypassCache, u"not-ready"_s);
        break;
    default: {
        const QString problem =
            u"WhatsApp Web did not finish loading, even after two reloads (the last one without its cache). Check the internet connection; the agent tries again in %1 minutes."_s
                .arg(std::chrono::duration_cast<std::chrono::minutes>(kRetryStuckPage).count());
        qCCritical(lcBridge).noquote() << problem;
        setState(SessionState::Unhealthy);
        Q_EMIT healthProblem(problem);
        m_watchdogStrikes = 0;
        m_watchdog.stop();
        m_reloadTimerReason = u"not-ready"_s;
        m_reloadTimer.start(kRetryStuckPage);
        break;
    }
    }
}

void WebBridge::onHealth(const bridge::HealthEvent &health)
{
    if (!health.library.isEmpty())
        m_library = health.library;
    if (health.missing.isEmpty()) {
        m_sendingProblem.clear();
        return;
    }
    const QStringList &unavailable = health.unavailable;
    const bool nothingWorks = unavailable.contains(u"everything"_s);
    const QString what =
        nothingWorks ? u"the agent cannot work with this page"_s
                     : u"%1 %2 unavailable"_s.arg(unavailable.join(u", "_s),
                                                  unavailable.size() == 1 ? u"is"_s : u"are"_s);
    // What wa-js could not find, by its names: what its maintainers (and ours) need to know.
    const QString problem =
        u"WhatsApp Web %1 changed: %2 (%3 cannot find %4). An update of SAK is needed."_s.arg(
            health.version, what, m_library, health.missing.join(u", "_s));
    qCCritical(lcBridge).noquote() << problem;
    // Only a report with nothing missing clears it (a report of something else leaves it be).
    if (nothingWorks || unavailable.contains(u"sending"_s))
        m_sendingProblem = problem;
    if (nothingWorks)
        setState(SessionState::Unhealthy);
    Q_EMIT healthProblem(problem);
}

void WebBridge::finishSend(const QString &waMessageId, bool ok, const QString &error, bool final)
{
    QTimer *timer = m_pendingSends.take(waMessageId);
    if (!timer)
        return;
    timer->deleteLater();
    Q_EMIT sendFinished(waMessageId, ok, error, final);
}

void WebBridge::handleEvent(const QByteArray &json)
{
    auto parsed = bridge::parseEvent(json);
    if (!parsed) {
        qCWarning(lcBridge).noquote() << parsed.error().message;
        return;
    }
    std::visit(
        [this](const auto &event) {
            using T = std::decay_t<decltype(event)>;
            if constexpr (std::is_same_v<T, bridge::ReadyEvent>) {
                m_version = event.version;
                if (!event.library.isEmpty())
                    m_library = event.library;
                m_watchdog.stop();
                m_watchdogStrikes = 0;
                m_pageReady = true;
                configurePage();
                qCInfo(lcBridge).noquote()
                    << "Bridge attached to WhatsApp Web" << event.version << "through" << m_library;
            } else if constexpr (std::is_same_v<T, bridge::HealthEvent>) {
                // Reported unhealthy at once; a page that never got ready is still reloaded
                // by the watchdog (a newer WhatsApp build may be served after a reload).
                onHealth(event);
            } else if constexpr (std::is_same_v<T, bridge::StateEvent>) {
                qCDebug(lcBridge) << "Page state" << event.pageState << "synced" << event.hasSynced;
                setState(bridge::mapPageState(event.pageState, event.hasSynced));
                if (m_state == SessionState::Conflict) {
                    qCWarning(lcBridge).noquote()
                        << "WhatsApp is open in another browser"
                        << (m_autoTakeover ? "; taking the session back"
                                           : "; waiting to be told to take it back");
                    if (m_autoTakeover)
                        takeOver();
                }
            } else if constexpr (std::is_same_v<T, bridge::QrEvent>) {
                if (event.qr == m_lastQr)
                    return;
                m_lastQr = event.qr;
                qCInfo(lcBridge) << "New pairing QR code from the page";
                Q_EMIT qrCodeChanged(event.qr);
            } else if constexpr (std::is_same_v<T, bridge::MessageEvent>) {
                if (event.fromMe)
                    return; // the shop's own messages, sent from the phone or by us
                Q_EMIT messageReceived(event.message);
            } else if constexpr (std::is_same_v<T, bridge::AckEvent>) {
                Q_EMIT ackChanged(event.messageId, event.ack);
            } else if constexpr (std::is_same_v<T, bridge::SendResultEvent>) {
                if (event.ok && m_pendingSends.contains(event.requestId) &&
                    event.recipient != Recipient{})
                    Q_EMIT recipientKnown(event.requestId, event.recipient);
                finishSend(event.requestId, event.ok, event.error, event.final);
            } else if constexpr (std::is_same_v<T, bridge::CaughtUpEvent>) {
                Q_EMIT caughtUp();
            } else if constexpr (std::is_same_v<T, bridge::LogoutEvent>) {
                qCWarning(lcBridge).noquote()
                    << "WhatsApp logged this computer out"
                    << (event.reason.isEmpty() ? QString() : u"(%1)"_s.arg(event.reason))
                    << "; it must be paired again";
                Q_EMIT loggedOut();
            } else if constexpr (std::is_same_v<T, bridge::PageProblemEvent>) {
                if (event.problem == u"needs-update"_s && !m_reloadedForUpdate) {
                    // A newer WhatsApp Web is out: a reload without the cache fetches it.
                    m_reloadedForUpdate = true;
                    qCWarning(lcBridge) << "WhatsApp Web asks to be updated; reloading it "
                                           "without its cache";
                    reload(QWebEnginePage::ReloadAndBypassCache, u"needs-update"_s);
                    return;
                }
                m_watchdog.stop(); // reloading shows the same page
                const QString problem =
                    event.problem == u"browser-outdated"_s
                        ? u"WhatsApp Web refuses this browser as outdated (\"update your browser\"). Set [whatsapp] user-agent to a current Chrome's, or update SAK."_s
                    : event.problem == u"needs-update"_s
                        ? u"WhatsApp Web still asks to be updated after a reload without its cache. Restart the agent; if it asks again, update SAK."_s
                    : event.problem == u"bridge-not-loaded"_s
                        ? u"The agent's part in the WhatsApp page (%1) did not start, so the agent cannot work with WhatsApp Web. Reinstall or update SAK."_s
                              .arg(m_library)
                        : u"WhatsApp Web shows a page the agent does not know (%1)."_s.arg(
                              event.problem);
                qCCritical(lcBridge).noquote() << problem;
                setState(SessionState::Unhealthy);
                Q_EMIT healthProblem(problem);
            } else if constexpr (std::is_same_v<T, bridge::PairingCodeEvent>) {
                if (event.error.isEmpty())
                    qCInfo(lcBridge) << "Pairing code from the page";
                else
                    qCWarning(lcBridge).noquote() << "No pairing code:" << event.error;
                Q_EMIT pairingCodeReceived(event.code, event.error);
            }
        },
        parsed.value());
}

} // namespace sak
