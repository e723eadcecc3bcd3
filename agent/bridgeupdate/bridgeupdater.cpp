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
// A package still on trial at this many starts stopped the agent each time: it failed.
constexpr qint64 kMaxTrialStarts = 3;
// A switch the pipeline could not take yet (another reload on its way) is tried again.
constexpr auto kRetrySwitch = std::chrono::seconds(2);

// nullopt when the store could not be read: then nothing is decided on it.
std::optional<QString> settingOf(Store &store, const char *key)
{
    const auto value = store.setting(QString::fromLatin1(key));
    if (!value)
        return std::nullopt;
    return value.value() ? QString::fromUtf8(*value.value()) : QString();
}

QString nameOf(const QString &version)
{
    return version.isEmpty() ? u"the built-in bridge"_s : u"bridge package %1"_s.arg(version);
}

Status setSettings(Store &store, const QString &active, const QString &previous)
{
    if (Status s =
            store.setSetting(QString::fromLatin1(BridgeUpdater::kActiveSetting), active.toUtf8());
        !s)
        return s;
    return store.setSetting(QString::fromLatin1(BridgeUpdater::kPreviousSetting),
                            previous.toUtf8());
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
        if (!m_session->pageLoaded()) {
            // The network, not the page half: the trial waits for a page that loads.
            qCWarning(lcBridge).noquote() << "WhatsApp Web did not load during the trial of"
                                          << nameOf(m_trial->version) << "; the trial goes on";
            m_trialTimer.start(m_settings.trialTimeout);
            return;
        }
        fail(
            !m_trial->problem.isEmpty()
                ? m_trial->problem
                : u"WhatsApp did not connect (nor show its pairing code) within %1 s with it"_s.arg(
                      std::chrono::duration_cast<std::chrono::seconds>(m_settings.trialTimeout)
                          .count()));
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
        if (pageHalfIsJudged())
            fail(problem); // the self-test (or the page) found something missing
        else if (m_trial && m_trial->loading)
            m_trial->problem = problem; // the page half, or the network: the timeout tells
    });
    m_watchTimer.setInterval(m_settings.watchEvery);
    connect(&m_watchTimer, &QTimer::timeout, this, &BridgeUpdater::watchStore);
}

bool BridgeUpdater::pageHalfIsJudged() const
{
    return m_trial && m_trial->loading && m_session->pageLoaded();
}

std::optional<QString> BridgeUpdater::activeSetting() const
{
    return settingOf(*m_store, kActiveSetting);
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
    return BridgeCode{m.versionText, m.waJsVersion, m.library,
                      m.pageAgent,   m.relay,       verified.value().keyId};
}

void BridgeUpdater::setRunning(const BridgeCode &code)
{
    m_runningVersion = code.version;
    m_state.running = code.builtIn() ? kBuiltIn : code.version;
    m_state.waJsVersion = code.builtIn() ? m_settings.builtInWaJs : code.waJsVersion;
    m_state.keyId.clear();
    m_state.keyName.clear();
    m_state.testKey = false;
    for (const auto &key : std::as_const(m_settings.keys)) {
        if (!code.keyId.isEmpty() && key.keyId == code.keyId) {
            m_state.keyId = key.keyId;
            m_state.keyName = key.name;
            m_state.testKey = key.test;
        }
    }
    Q_EMIT stateChanged();
}

void BridgeUpdater::setFailure(const QString &version, const QString &why)
{
    m_state.failed = version;
    m_state.failure = why;
    Q_EMIT stateChanged();
}

void BridgeUpdater::restore()
{
    m_watchTimer.start();
    // The last failure is still news after a restart (the heartbeat, --status, the tray).
    if (const auto packages = m_store->bridgePackages(); packages) {
        const BridgePackageRecord *last = nullptr;
        for (const BridgePackageRecord &p : packages.value()) {
            if (p.state == u"failed"_s && (!last || p.changedAt > last->changedAt))
                last = &p;
        }
        if (last) {
            m_state.failed = last->version;
            m_state.failure = last->failure;
        }
    }
    const auto active = activeSetting();
    if (!active || active->isEmpty())
        return; // the built-in one
    if (!m_settings.acceptDelivered) {
        qCWarning(lcBridge).noquote()
            << "Delivered bridge packages are refused ([bridge] accept-delivered = false):"
            << "running the built-in bridge instead of package" << *active;
        return;
    }
    Error why;
    const auto code = codeOf(*active, &why);
    if (!code) {
        // Not the package's fault when this build trusts other keys or is a newer agent:
        // it is set aside, not marked failed.
        qCWarning(lcBridge).noquote() << "Bridge package" << *active << "cannot run:" << why.message
                                      << "Running the built-in bridge.";
        if (Status cleared = setSettings(*m_store, {}, {}); !cleared)
            qCWarning(lcBridge).noquote() << cleared.error().message;
        return;
    }
    const auto record = m_store->bridgePackage(*active);
    const bool onTrial =
        record && record.value() &&
        (record.value()->state == u"trying"_s || record.value()->state == u"stored"_s);
    const QString previous = settingOf(*m_store, kPreviousSetting).value_or(QString());
    if (onTrial) {
        // The agent stopped during its trial. Once or twice may be a power cut; every time
        // is the package.
        const auto starts = m_store->numberSetting(QString::fromLatin1(kTrialStartsSetting));
        const qint64 count = (starts && starts.value() ? *starts.value() : 0) + 1;
        m_store->setNumberSetting(QString::fromLatin1(kTrialStartsSetting), count);
        if (count >= kMaxTrialStarts) {
            const QString failure = u"the agent stopped %1 times during its trial"_s.arg(count - 1);
            Error ignored;
            const auto back = previous.isEmpty() ? std::nullopt : codeOf(previous, &ignored);
            const QString target = back ? previous : QString();
            const Status stored = m_store->inTransaction([&]() -> Status {
                if (Status s = remember(*active, u"failed"_s, failure); !s)
                    return s;
                return setSettings(*m_store, target, {});
            });
            if (!stored)
                qCWarning(lcBridge).noquote() << stored.error().message;
            setFailure(*active, failure);
            qCCritical(lcBridge).noquote()
                << u"Bridge package %1 failed (%2); the agent runs %3 and will not try %1 again."_s
                       .arg(*active, failure, nameOf(target));
            if (back) {
                m_session->switchBridge(*back);
                setRunning(*back);
            }
            return;
        }
    }
    m_session->switchBridge(*code);
    setRunning(*code);
    qCInfo(lcBridge).noquote() << "Running bridge package" << *active << "(wa-js"
                               << code->waJsVersion << ", signed by key" << code->keyId << ")";
    if (onTrial)
        beginTrial(Trial{*active, previous, false, true, {}}); // the first page load is its own
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
    if (m_downloading || m_pending || m_trial || m_refused.contains(version))
        return; // one at a time (the next heartbeat offers it again), and a refusal stands
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
            return; // failed here once: never again
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
             u"The cloud announces bridge package %1 with %2 bytes, more than the %3 a package may have; it was refused."_s
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
    m_cloud->fetchBridgePackage(
        announcement.version, announcement.size,
        [self = QPointer(this), announcement](Result<QByteArray> answer) {
            if (!self)
                return;
            self->m_downloading = false;
            if (!answer && answer.error().code == u"too-large"_s) {
                self->refuse(
                    announcement.version,
                    {u"bridge-package-mismatch"_s,
                     u"Bridge package %1 came larger than the %2 bytes announced; it was refused."_s
                         .arg(announcement.version)
                         .arg(announcement.size)});
                return;
            }
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
            self->m_pending = BridgeCode{m.versionText, m.waJsVersion, m.library,
                                         m.pageAgent,   m.relay,       verified.value().keyId};
            self->switchWhenQuiet();
        });
}

void BridgeUpdater::refuse(const QString &version, const Error &error)
{
    // In this run only: the cloud cannot sign, so what it sends under a version must not
    // keep a genuine package of that version out for good.
    m_refused.insert(version, error.message);
    qCCritical(lcBridge).noquote() << error.message;
    setFailure(version, error.message);
    Q_EMIT packageFailed(error.message);
}

void BridgeUpdater::switchWhenQuiet()
{
    if (!m_pending || m_trial)
        return;
    // From a page that settled (connected, waiting to be paired, or broken), never while one
    // is on its way somewhere or WhatsApp refuses the account: its state would be judged as
    // the new page half's.
    const SessionState state = m_session->state();
    if (state != SessionState::Connected && state != SessionState::NeedsPairing &&
        state != SessionState::Unhealthy)
        return; // onSessionState and watchStore try again
    const BridgeCode code = *m_pending;
    const QString previous = m_runningVersion;
    // Counted only when taken: a refused request must not void the one that waits.
    const quint64 generation = m_generation + 1;
    if (m_pipeline->reloadWhenQuiet(
            u"bridge package %1"_s.arg(code.version), [this, code, previous, generation] {
                return generation == m_generation && switchNow(code, previous);
            }))
        m_generation = generation;
}

bool BridgeUpdater::switchNow(const BridgeCode &code, const QString &previous)
{
    if (!m_pending || m_pending->version != code.version || m_trial)
        return false;
    m_pending.reset();
    const Status stored = m_store->inTransaction([&]() -> Status {
        if (Status s = setSettings(*m_store, code.version, previous); !s)
            return s;
        if (Status s = m_store->setNumberSetting(QString::fromLatin1(kTrialStartsSetting), 0); !s)
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
    setRunning(code);
    beginTrial(Trial{code.version, previous, false, false, {}});
    return m_session->switchBridge(code);
}

void BridgeUpdater::reloadWith(const BridgeCode &code, std::optional<Trial> trial,
                               const QString &why)
{
    const quint64 generation = ++m_generation;
    setRunning(code); // what runs from now on, as far as anyone asks
    const auto reload = [this, code, trial, generation] {
        if (generation != m_generation)
            return false; // overtaken by a later switch
        if (trial)
            beginTrial(*trial);
        return m_session->switchBridge(code);
    };
    if (m_pipeline->reloadWhenQuiet(why, reload))
        return;
    if (m_pipeline->isReloading()) {
        reload(); // the page is between loads: nothing is being sent
        return;
    }
    // A reload waits for the page's sends (the memory watchdog's): after it, ours.
    QTimer::singleShot(kRetrySwitch, this, [this, code, trial, why, generation] {
        if (generation == m_generation)
            reloadWith(code, trial, why);
    });
}

void BridgeUpdater::beginTrial(const Trial &trial)
{
    m_trial = trial;
    // A page that never got past loading is replaced at once, without a state to leave: the
    // next one is judged from here.
    if (m_session->state() == SessionState::Starting)
        m_trial->loading = true;
    m_state.trying = trial.version;
    m_settleTimer.stop();
    m_trialTimer.start(m_settings.trialTimeout);
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
    if (!m_trial->loading)
        return; // the old page still
    // Connected, or waiting for its QR code to be scanned: the page half does its work.
    if (state == SessionState::Connected || state == SessionState::NeedsPairing) {
        if (!m_settleTimer.isActive())
            m_settleTimer.start(m_settings.settle);
        return;
    }
    m_settleTimer.stop();
    if (state == SessionState::Unhealthy && pageHalfIsJudged())
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
    const auto record = m_store->bridgePackage(trial.version);
    // An operator's rollback during the trial stands (watchStore() follows it).
    const bool rolledBack = record && record.value() && record.value()->state == u"failed"_s;
    if (!rolledBack) {
        if (Status s = remember(trial.version, u"good"_s, {}); !s)
            qCWarning(lcBridge).noquote() << s.error().message;
        QStringList keep{trial.version, trial.previous};
        if (m_pending)
            keep.append(m_pending->version);
        m_store->pruneBridgePackages(keep);
        // A newer package that works is what the owner needs to know now.
        const auto failed = bridgepackage::parseVersion(m_state.failed);
        if (failed && *failed < QVersionNumber::fromString(trial.version)) {
            m_state.failed.clear();
            m_state.failure.clear();
        }
    }
    qCInfo(lcBridge).noquote() << nameOf(trial.version) << "works: the session is"
                               << sessionStateName(m_session->state());
    Q_EMIT stateChanged();
    if (m_pending)
        switchWhenQuiet();
}

void BridgeUpdater::fail(const QString &why)
{
    if (!m_trial)
        return;
    const Trial trial = *std::exchange(m_trial, std::nullopt);
    m_trialTimer.stop();
    m_settleTimer.stop();
    m_state.trying.clear();
    // Where it goes: the package before (if this build can still run it), or the built-in one.
    Error cannot;
    const std::optional<BridgeCode> back =
        trial.fallback || trial.previous.isEmpty() ? std::nullopt : codeOf(trial.previous, &cannot);
    if (!trial.fallback && !trial.previous.isEmpty() && !back)
        qCWarning(lcBridge).noquote()
            << "Cannot go back to bridge package" << trial.previous << ":" << cannot.message;
    const BridgeCode target = back.value_or(BridgeCode{});
    // One transaction: a crash after it starts with the target, never with the failed one.
    const Status stored = m_store->inTransaction([&]() -> Status {
        if (!trial.fallback) {
            if (Status s = remember(trial.version, u"failed"_s, why); !s)
                return s;
        }
        return setSettings(*m_store, target.version, {});
    });
    if (!stored)
        qCWarning(lcBridge).noquote() << stored.error().message;
    QString message;
    if (trial.fallback) {
        // Not blamed: it worked before, and the page that failed may fail anything now.
        message =
            u"Going back to bridge package %1 did not work either (%2); the agent runs the built-in bridge."_s
                .arg(trial.version, why);
    } else {
        setFailure(trial.version, why);
        message =
            u"Bridge package %1 failed (%2); the agent went back to %3 and will not try %1 again."_s
                .arg(trial.version, why, nameOf(target.version));
    }
    qCCritical(lcBridge).noquote() << message;
    Q_EMIT packageFailed(message);
    // Not from inside the page's report that failed it: the rest of that report (and what
    // else the old page still sends) must not reach the next trial, which starts with the
    // reload.
    std::optional<Trial> next;
    if (!target.builtIn())
        next = Trial{target.version, QString(), true, false, {}};
    QMetaObject::invokeMethod(
        this,
        [this, target, next] {
            reloadWith(target, next, u"going back to %1"_s.arg(nameOf(target.version)));
        },
        Qt::QueuedConnection);
}

void BridgeUpdater::watchStore()
{
    if (m_pending && !m_trial)
        switchWhenQuiet(); // the pipeline could not take it when it came
    if (!m_settings.acceptDelivered)
        return;
    // An operator's --bridge-rollback names another package (or none) than the one running.
    const auto active = activeSetting();
    if (!active || *active == m_runningVersion)
        return;
    if (m_trial && *active == m_trial->version)
        return;
    qCWarning(lcBridge).noquote() << "The operator rolled the bridge back to" << nameOf(*active);
    if (const auto record = m_store->bridgePackage(m_runningVersion);
        record && record.value() && record.value()->state == u"failed"_s)
        setFailure(m_runningVersion, record.value()->failure);
    // A trial in progress ends: the operator decided.
    m_trial.reset();
    m_trialTimer.stop();
    m_settleTimer.stop();
    m_state.trying.clear();
    m_pending.reset();
    Error cannot;
    const auto code = active->isEmpty() ? std::nullopt : codeOf(*active, &cannot);
    if (!active->isEmpty() && !code)
        qCWarning(lcBridge).noquote() << "Cannot run bridge package" << *active << ":"
                                      << cannot.message << "Running the built-in bridge.";
    const BridgeCode target = code.value_or(BridgeCode{});
    std::optional<Trial> next;
    if (!target.builtIn())
        next = Trial{target.version, QString(), true, false, {}};
    reloadWith(target, next, u"the operator's rollback"_s);
}

Status BridgeUpdater::remember(const QString &version, const QString &state, const QString &failure)
{
    return m_store->setBridgePackageState(version, state, failure, m_clock->nowMs());
}

Result<QString> BridgeUpdater::rollBack(Store &store, qint64 nowMs)
{
    const auto activeValue = settingOf(store, kActiveSetting);
    if (!activeValue)
        return Error{u"store"_s, u"The store could not be read; try again."_s};
    const QString active = *activeValue;
    if (active.isEmpty())
        return Error{u"bridge-builtin"_s,
                     u"The built-in bridge runs already: there is nothing to roll back."_s};
    QString previous = settingOf(store, kPreviousSetting).value_or(QString());
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
        return setSettings(store, previous, {});
    });
    if (!done)
        return done.error();
    return u"Rolled back from bridge package %1 to %2 (%1 will not be taken again; a running agent switches within seconds)."_s
        .arg(active, nameOf(previous));
}

} // namespace sak
