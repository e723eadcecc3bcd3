#include "agent/bridgeupdate/bridgeupdater.h"

#include "agent/base/clock.h"
#include "agent/base/logging.h"
#include "agent/cloud/cloudclient.h"
#include "agent/delivery/relaypipeline.h"
#include "agent/store/store.h"

#include <QCryptographicHash>
#include <QPointer>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

const QString kBuiltIn = u"builtin"_s;

QString settingText(Store &store, const char *key)
{
    const auto value = store.setting(QString::fromLatin1(key));
    return value && value.value() ? QString::fromUtf8(*value.value()) : QString();
}

QString nameOf(const QString &version)
{
    return version.isEmpty() ? u"the built-in bridge"_s : u"bridge package %1"_s.arg(version);
}

} // namespace

BridgeUpdater::BridgeUpdater(Store *store, WhatsAppSession *session, RelayPipeline *pipeline,
                             CloudClient *cloud, const Clock *clock, Settings settings,
                             QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_session(session)
    , m_pipeline(pipeline)
    , m_cloud(cloud)
    , m_clock(clock)
    , m_settings(std::move(settings))
{
    m_state.running = kBuiltIn;
    m_state.waJsVersion = m_settings.builtInWaJs;
    m_state.refusesDelivered = !m_settings.acceptDelivered;
    m_trialTimer.setSingleShot(true);
    connect(&m_trialTimer, &QTimer::timeout, this, [this] {
        const auto seconds =
            std::chrono::duration_cast<std::chrono::seconds>(m_settings.trialTimeout).count();
        fail(m_trial && m_trial->pairingWillDo
                 ? u"WhatsApp Web did not show its pairing code within %1 s with it"_s.arg(seconds)
                 : u"the WhatsApp session did not reach connected within %1 s with it"_s.arg(
                       seconds));
    });
    m_settleTimer.setSingleShot(true);
    connect(&m_settleTimer, &QTimer::timeout, this, [this] {
        const QString problem = m_session->sendingProblem();
        if (problem.isEmpty())
            pass();
        else
            fail(problem);
    });
    connect(m_session, &WhatsAppSession::stateChanged, this, &BridgeUpdater::onSessionState);
    connect(m_session, &WhatsAppSession::healthProblem, this, [this](const QString &problem) {
        if (m_trial && m_trial->loading)
            fail(problem); // the self-test (or the page) found something missing
    });
    connect(m_session, &WhatsAppSession::qrCodeChanged, this, [this] {
        if (m_trial && m_trial->pairingWillDo && !m_settleTimer.isActive())
            m_settleTimer.start(m_settings.settle);
    });
    m_watchTimer.setInterval(m_settings.watchEvery);
    connect(&m_watchTimer, &QTimer::timeout, this, &BridgeUpdater::watchStore);
}

std::optional<BridgeCode> BridgeUpdater::codeOf(const QString &version, Error *why)
{
    const auto record = m_store->bridgePackage(version);
    if (!record || !record.value() || record.value()->document.isEmpty()) {
        *why = record ? Error{u"bridge-package-missing"_s,
                              u"%1 is not in the store"_s.arg(nameOf(version))}
                      : record.error();
        return std::nullopt;
    }
    const auto verified =
        bridgepackage::verify(record.value()->document, m_settings.keys, m_settings.agentVersion);
    if (!verified) {
        *why = verified.error();
        return std::nullopt;
    }
    const bridgepackage::Manifest &m = verified.value().manifest;
    return BridgeCode{m.versionText, m.waJsVersion, m.library, m.pageAgent, m.relay};
}

void BridgeUpdater::setRunning(const BridgeCode &code, const QString &keyId)
{
    m_runningVersion = code.version;
    m_state.running = code.builtIn() ? kBuiltIn : code.version;
    m_state.waJsVersion = code.builtIn() ? m_settings.builtInWaJs : code.waJsVersion;
    m_state.keyId.clear();
    m_state.keyName.clear();
    m_state.testKey = false;
    for (const auto &key : std::as_const(m_settings.keys)) {
        if (!keyId.isEmpty() && key.keyId == keyId) {
            m_state.keyId = key.keyId;
            m_state.keyName = key.name;
            m_state.testKey = key.test;
        }
    }
    Q_EMIT stateChanged();
}

void BridgeUpdater::restore()
{
    m_watchTimer.start();
    const QString active = settingText(*m_store, kActiveSetting);
    if (active.isEmpty())
        return; // the built-in one
    if (!m_settings.acceptDelivered) {
        qCWarning(lcBridge).noquote()
            << "Delivered bridge packages are refused ([bridge] accept-delivered = false):"
            << "running the built-in bridge instead of package" << active;
        return;
    }
    Error why;
    const auto code = codeOf(active, &why);
    if (!code) {
        // Not the package's fault when this build trusts other keys or is a newer agent:
        // it is set aside, not marked failed.
        qCWarning(lcBridge).noquote() << "Bridge package" << active << "cannot run:" << why.message
                                      << "Running the built-in bridge.";
        m_store->removeSetting(QString::fromLatin1(kActiveSetting));
        m_store->removeSetting(QString::fromLatin1(kPreviousSetting));
        return;
    }
    const auto record = m_store->bridgePackage(active);
    const QString keyId =
        bridgepackage::read(record.value()->document).value().keyId; // verified above
    m_session->switchBridge(*code);
    setRunning(*code, keyId);
    qCInfo(lcBridge).noquote() << "Running bridge package" << active << "(wa-js"
                               << code->waJsVersion << ", signed by key" << keyId << ")";
    if (record.value()->state == u"trying"_s || record.value()->state == u"stored"_s) {
        // The agent stopped during its trial: it gets a whole one now.
        m_trial = Trial{active, settingText(*m_store, kPreviousSetting), false, true};
        m_state.trying = active;
        m_trialTimer.start(m_settings.trialTimeout);
    }
}

QVersionNumber BridgeUpdater::runningVersion() const
{
    return m_runningVersion.isEmpty() ? QVersionNumber(0)
                                      : QVersionNumber::fromString(m_runningVersion);
}

void BridgeUpdater::offer(const cloud::BridgeAnnouncement &announcement)
{
    const QString &version = announcement.version;
    if (!m_settings.acceptDelivered) {
        if (std::exchange(m_lastRefusedOffer, version) != version)
            qCInfo(lcBridge).noquote()
                << "The cloud offers bridge package" << version
                << "; delivered packages are refused here ([bridge] accept-delivered = false)";
        return;
    }
    if (m_downloading || m_pending || m_trial)
        return; // one at a time: the next heartbeat offers it again
    const QVersionNumber offered = bridgepackage::parseVersion(version).value_or(QVersionNumber());
    if (offered.isNull() || offered <= runningVersion()) {
        // Never an older one (the operator's rollback is the way back).
        if (version != m_runningVersion && std::exchange(m_lastRefusedOffer, version) != version)
            qCInfo(lcBridge).noquote()
                << "The cloud offers bridge package" << version << ", older than the running"
                << m_runningVersion << ": not taken (sak-agent --bridge-rollback goes back)";
        return;
    }
    const auto known = m_store->bridgePackage(version);
    if (!known)
        return;
    if (known.value()) {
        if (known.value()->state == u"failed"_s)
            return; // failed or refused here once: never again
        Error why;
        if (auto code = codeOf(version, &why)) {
            m_pending = code; // stored, but the switch did not happen (the agent stopped)
            switchWhenQuiet();
        }
        return;
    }
    if (announcement.size > bridgepackage::kMaxBytes) {
        refuse(
            version,
            {u"bridge-package-too-large"_s,
             u"The cloud announces bridge package %1 with %2 bytes, more than the %3 a package may have."_s
                 .arg(version)
                 .arg(announcement.size)
                 .arg(bridgepackage::kMaxBytes)});
        return;
    }
    download(announcement);
}

void BridgeUpdater::download(const cloud::BridgeAnnouncement &announcement)
{
    m_downloading = true;
    qCInfo(lcBridge).noquote() << "Downloading bridge package" << announcement.version << "("
                               << announcement.size << "bytes)";
    // One byte more than announced is read, so that a longer answer is told apart.
    m_cloud->fetchBridgePackage(
        announcement.version, std::min(announcement.size + 1, bridgepackage::kMaxBytes + 1),
        [self = QPointer(this), announcement](Result<QByteArray> answer) {
            if (!self)
                return;
            self->m_downloading = false;
            if (!answer) {
                // The network or the cloud: tried again at the next heartbeat.
                qCWarning(lcBridge).noquote()
                    << "Bridge package" << announcement.version
                    << "could not be downloaded:" << answer.error().message;
                return;
            }
            const QByteArray &bytes = answer.value();
            if (bytes.size() != announcement.size ||
                QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex() !=
                    announcement.sha256) {
                self->refuse(
                    announcement.version,
                    {u"bridge-package-mismatch"_s,
                     u"Bridge package %1 came with %2 bytes that are not the %3 announced (cut short or changed on the way); it was refused."_s
                         .arg(announcement.version)
                         .arg(bytes.size())
                         .arg(announcement.size)});
                return;
            }
            const auto verified =
                bridgepackage::verify(bytes, self->m_settings.keys, self->m_settings.agentVersion);
            if (!verified) {
                self->refuse(announcement.version, verified.error());
                return;
            }
            const bridgepackage::Manifest &m = verified.value().manifest;
            if (m.versionText != announcement.version) {
                self->refuse(
                    announcement.version,
                    {u"bridge-package-mismatch"_s,
                     u"The cloud announced bridge package %1 but sent %2; it was refused."_s.arg(
                         announcement.version, m.versionText)});
                return;
            }
            const auto stored =
                self->m_store->storeBridgePackage(m.versionText, bytes, self->m_clock->nowMs());
            if (!stored) {
                qCWarning(lcBridge).noquote() << "Bridge package" << m.versionText
                                              << "could not be stored:" << stored.error().message;
                return;
            }
            qCInfo(lcBridge).noquote()
                << "Bridge package" << m.versionText << "(wa-js" << m.waJsVersion
                << ") is genuine, signed by key" << verified.value().keyId
                << "; switching to it once nothing is being sent";
            self->m_pending =
                BridgeCode{m.versionText, m.waJsVersion, m.library, m.pageAgent, m.relay};
            self->switchWhenQuiet();
        });
}

void BridgeUpdater::refuse(const QString &version, const Error &error)
{
    // Remembered as failed (before it is said), so that it is not fetched again at every
    // heartbeat.
    const auto stored = m_store->storeBridgePackage(version, {}, m_clock->nowMs());
    const Status remembered =
        stored ? remember(version, u"failed"_s, error.message) : Status(stored.error());
    if (!remembered)
        qCWarning(lcBridge).noquote()
            << "The refusal could not be stored:" << remembered.error().message;
    qCCritical(lcBridge).noquote() << error.message;
    m_state.failed = version;
    m_state.failure = error.message;
    Q_EMIT stateChanged();
    Q_EMIT packageFailed(error.message);
}

void BridgeUpdater::switchWhenQuiet()
{
    if (!m_pending || m_trial)
        return;
    // Not while a page is on its way somewhere: its state would be judged as the new one's.
    const SessionState state = m_session->state();
    if (state == SessionState::Starting || state == SessionState::Connecting ||
        state == SessionState::Pairing)
        return; // onSessionState tries again
    const BridgeCode code = *m_pending;
    const QString previous = m_runningVersion;
    m_pipeline->reloadWhenQuiet(u"bridge package %1"_s.arg(code.version),
                                [this, code, previous] { return switchNow(code, previous); });
}

bool BridgeUpdater::switchNow(const BridgeCode &code, const QString &previous)
{
    if (!m_pending || m_pending->version != code.version || m_trial)
        return false;
    m_pending.reset();
    const bool pairing = m_session->state() == SessionState::NeedsPairing;
    const QString keyId =
        bridgepackage::read(m_store->bridgePackage(code.version).value()->document).value().keyId;
    const Status stored = m_store->inTransaction([&]() -> Status {
        if (Status s =
                m_store->setSetting(QString::fromLatin1(kActiveSetting), code.version.toUtf8());
            !s)
            return s;
        if (Status s =
                m_store->setSetting(QString::fromLatin1(kPreviousSetting), previous.toUtf8());
            !s)
            return s;
        return remember(code.version, u"trying"_s, {});
    });
    if (!stored) {
        qCWarning(lcBridge).noquote()
            << "Not switching to bridge package" << code.version << ":" << stored.error().message;
        return false;
    }
    qCWarning(lcBridge).noquote() << "Switching the WhatsApp page to bridge package" << code.version
                                  << "(wa-js" << code.waJsVersion << ")";
    setRunning(code, keyId);
    m_trial = Trial{code.version, previous, pairing};
    m_state.trying = code.version;
    m_trialTimer.start(m_settings.trialTimeout);
    return m_session->switchBridge(code);
}

void BridgeUpdater::onSessionState(SessionState state)
{
    if (!m_trial) {
        if (m_pending)
            switchWhenQuiet();
        return;
    }
    if (state == SessionState::Starting)
        m_trial->loading = true;
    const bool arrived = state == SessionState::Connected ||
                         (m_trial->pairingWillDo && state == SessionState::NeedsPairing);
    if (arrived) {
        if (!m_settleTimer.isActive())
            m_settleTimer.start(m_settings.settle);
        return;
    }
    m_settleTimer.stop();
    if (state == SessionState::Unhealthy && m_trial->loading)
        fail(m_session->sendingProblem().isEmpty() ? u"the WhatsApp session became unhealthy"_s
                                                   : m_session->sendingProblem());
}

void BridgeUpdater::pass()
{
    if (!m_trial)
        return;
    const Trial trial = *std::exchange(m_trial, std::nullopt);
    m_trialTimer.stop();
    m_state.trying.clear();
    if (!trial.version.isEmpty()) {
        if (Status s = remember(trial.version, u"good"_s, {}); !s)
            qCWarning(lcBridge).noquote() << s.error().message;
        m_store->pruneBridgePackages({trial.version, trial.previous});
    }
    qCInfo(lcBridge).noquote() << nameOf(trial.version) << "works: the session is"
                               << sessionStateName(m_session->state());
    Q_EMIT stateChanged();
}

void BridgeUpdater::fail(const QString &why)
{
    if (!m_trial)
        return;
    const Trial trial = *std::exchange(m_trial, std::nullopt);
    m_trialTimer.stop();
    m_settleTimer.stop();
    m_state.trying.clear();
    if (Status s = remember(trial.version, u"failed"_s, why); !s)
        qCWarning(lcBridge).noquote() << s.error().message;
    m_state.failed = trial.version;
    m_state.failure = why;
    const QString message =
        u"Bridge package %1 failed (%2); the agent went back to %3 and will not try %1 again."_s
            .arg(trial.version, why, nameOf(trial.previous));
    qCCritical(lcBridge).noquote() << message;
    Q_EMIT packageFailed(message);
    // Not from inside the page's report that failed it: the rest of that report (and what
    // else the old page still sends) must not reach the next trial.
    QMetaObject::invokeMethod(
        this, [this, previous = trial.previous] { goBackTo(previous); }, Qt::QueuedConnection);
}

void BridgeUpdater::goBackTo(const QString &version)
{
    Error why;
    std::optional<BridgeCode> code;
    if (!version.isEmpty()) {
        code = codeOf(version, &why);
        if (!code)
            qCWarning(lcBridge).noquote() << "Cannot go back to bridge package" << version << ":"
                                          << why.message << "Going back to the built-in bridge.";
    }
    const BridgeCode target = code.value_or(BridgeCode{});
    const Status stored = m_store->inTransaction([&]() -> Status {
        if (Status s =
                m_store->setSetting(QString::fromLatin1(kActiveSetting), target.version.toUtf8());
            !s)
            return s;
        return m_store->setSetting(QString::fromLatin1(kPreviousSetting), QByteArray());
    });
    if (!stored)
        qCWarning(lcBridge).noquote() << stored.error().message;
    const QString keyId =
        target.builtIn()
            ? QString()
            : bridgepackage::read(m_store->bridgePackage(target.version).value()->document)
                  .value()
                  .keyId;
    setRunning(target, keyId);
    // The package it goes back to is tried as well: if it fails too, the built-in one runs.
    if (!target.builtIn()) {
        m_trial = Trial{target.version, QString(), false};
        m_state.trying = target.version;
        m_trialTimer.start(m_settings.trialTimeout);
    }
    // Nothing is being sent: sending is held from a switch until the page connects. Should a
    // memory reload be waiting for quiet, its held sends are resolved by id on the next page.
    const auto reload = [this, target] {
        return m_session->switchBridge(target);
    };
    if (!m_pipeline->reloadWhenQuiet(u"going back to %1"_s.arg(nameOf(target.version)), reload))
        reload();
}

void BridgeUpdater::watchStore()
{
    // An operator's --bridge-rollback names another package (or none) than the one running.
    if (m_trial || !m_settings.acceptDelivered)
        return;
    const QString active = settingText(*m_store, kActiveSetting);
    if (active == m_runningVersion)
        return;
    qCWarning(lcBridge).noquote() << "The operator rolled the bridge back to" << nameOf(active);
    const auto record = m_runningVersion.isEmpty()
                            ? Result<std::optional<BridgePackageRecord>>(std::nullopt)
                            : m_store->bridgePackage(m_runningVersion);
    if (record && record.value() && record.value()->state == u"failed"_s) {
        m_state.failed = m_runningVersion;
        m_state.failure = record.value()->failure;
    }
    m_pending.reset();
    goBackTo(active);
}

Status BridgeUpdater::remember(const QString &version, const QString &state, const QString &failure)
{
    return m_store->setBridgePackageState(version, state, failure, m_clock->nowMs());
}

Result<QString> BridgeUpdater::rollBack(Store &store, qint64 nowMs)
{
    const QString active = settingText(store, kActiveSetting);
    if (active.isEmpty())
        return Error{u"bridge-builtin"_s,
                     u"The built-in bridge runs already: there is nothing to roll back."_s};
    QString previous = settingText(store, kPreviousSetting);
    if (!previous.isEmpty()) {
        const auto record = store.bridgePackage(previous);
        if (!record || !record.value() || record.value()->state == u"failed"_s ||
            record.value()->document.isEmpty())
            previous.clear();
    }
    const Status done = store.inTransaction([&]() -> Status {
        if (Status s = store.setBridgePackageState(active, u"failed"_s,
                                                   u"rolled back by the operator"_s, nowMs);
            !s)
            return s;
        if (Status s = store.setSetting(QString::fromLatin1(kActiveSetting), previous.toUtf8()); !s)
            return s;
        return store.setSetting(QString::fromLatin1(kPreviousSetting), QByteArray());
    });
    if (!done)
        return done.error();
    return u"Rolled back from bridge package %1 to %2 (%1 will not be taken again; a running agent switches within seconds)."_s
        .arg(active, nameOf(previous));
}

} // namespace sak
