#pragma once

#include "agent/base/result.h"
#include "agent/delivery/whatsappsession.h"
#include "agent/protocol/bridgepackage.h"
#include "agent/protocol/cloudprotocol.h"

#include <QHash>
#include <QObject>
#include <QTimer>
#include <QVersionNumber>

#include <chrono>
#include <optional>

namespace sak {

class Clock;
class CloudClient;
class RelayPipeline;
class Store;

// What page half runs and what failed, for the heartbeat, the status endpoint, the tray and
// sak-agent --bridge.
struct BridgeState
{
    QString running; // "builtin", or the delivered version
    QString waJsVersion;
    QString keyId; // who signed the running package (empty: built in)
    QString keyName;
    bool testKey = false;
    QString trying;                // the version on trial, if one is
    QString failed;                // the last package that failed or was refused here
    QString failure;               // why, in a sentence
    bool refusesDelivered = false; // [bridge] accept-delivered = false
};

// Bridge packages (docs/protocol.md, "Bridge packages"): takes a package the cloud announces
// only if it is genuine (signed by a key compiled into the binary, for this agent, newer than
// what runs, never failed here), keeps it in the encrypted store, switches to it once nothing
// is being sent, and keeps it only if it works: the self-test passes and the session reaches
// connected within the trial time. Otherwise it goes back to the package it ran before and,
// if that fails too, to the one built into the binary; the failed version is never tried
// again. Sending is held from the switch until the new page connects (RelayPipeline's reload
// when quiet), so nothing is sent twice and nothing queued is lost.
class BridgeUpdater : public QObject
{
    Q_OBJECT
public:
    // What is in the store: which delivered version runs (absent: the built-in one), and which
    // one ran before it (where a rollback goes; absent: the built-in one).
    static constexpr char kActiveSetting[] = "bridge/active";
    static constexpr char kPreviousSetting[] = "bridge/previous";
    // How often the agent started with a package still on trial (it stopped during it).
    static constexpr char kTrialStartsSetting[] = "bridge/trial-starts";

    struct Settings
    {
        bool acceptDelivered = true;
        QVersionNumber agentVersion;
        QList<bridgepackage::TrustedKey> keys;
        QString builtInWaJs; // the bundle compiled in
        // How long a new page half has to reach connected (the load timeout), and how long
        // it must then stay without a health problem.
        std::chrono::milliseconds trialTimeout{std::chrono::seconds(90)};
        std::chrono::milliseconds settle{std::chrono::seconds(3)};
        // How often the store is looked at for an operator's --bridge-rollback.
        std::chrono::milliseconds watchEvery{std::chrono::seconds(5)};
    };

    BridgeUpdater(Store *store, WhatsAppSession *session, RelayPipeline *pipeline,
                  CloudClient *cloud, const Clock *clock, Settings settings,
                  QObject *parent = nullptr);

    // Before the session starts: the page half the store names (checked again: this build
    // may trust other keys than the one that stored it), else the built-in one. A package
    // whose trial a crash cut short is tried again.
    void restore();
    // The cloud offers a package (the heartbeat's answer).
    void offer(const cloud::BridgeAnnouncement &announcement);

    const BridgeState &state() const { return m_state; }

    // sak-agent --bridge-rollback, on the store (a running agent follows within seconds): the
    // running delivered package is marked failed and the one before it (or the built-in one)
    // runs. What was done, in a sentence.
    static Result<QString> rollBack(Store &store, qint64 nowMs);

Q_SIGNALS:
    void stateChanged();
    // A package failed here and the agent went back: what the owner should know.
    void packageFailed(const QString &message);

private:
    struct Trial
    {
        QString version;
        QString previous; // where a failure goes back to ("": built in)
        // Going back to a package that worked before: failing it goes to the built-in
        // bridge, without blaming the package (what failed was the other one).
        bool fallback = false;
        // The new page began to load: what the old one still reports is not held against it.
        bool loading = false;
        // What the new page reported before it had loaded: the reason, should it fail.
        QString problem;
    };

    std::optional<BridgeCode> codeOf(const QString &version, Error *why);
    std::optional<QString> activeSetting() const;
    void download(const cloud::BridgeAnnouncement &announcement);
    void refuse(const QString &version, const Error &error);
    void switchWhenQuiet();
    bool switchNow(const BridgeCode &code, const QString &previous);
    // Reloads with `code` once nothing is being sent, its trial (if `trial`) starting then.
    void reloadWith(const BridgeCode &code, std::optional<Trial> trial, const QString &why);
    void beginTrial(const Trial &trial);
    void onSessionState(SessionState state);
    // Whether what the page reports now is the page half's doing (the page loaded).
    bool pageHalfIsJudged() const;
    void pass();
    void fail(const QString &why);
    void watchStore();
    void setRunning(const BridgeCode &code);
    void setFailure(const QString &version, const QString &why);
    Status remember(const QString &version, const QString &state, const QString &failure);
    QVersionNumber runningVersion() const;

    Store *m_store;
    WhatsAppSession *m_session;
    RelayPipeline *m_pipeline;
    CloudClient *m_cloud;
    const Clock *m_clock;
    Settings m_settings;
    BridgeState m_state;
    QString m_runningVersion; // "" : built in
    bool m_downloading = false;
    std::optional<BridgeCode> m_pending; // verified and stored, waiting for a quiet moment
    std::optional<Trial> m_trial;
    quint64 m_generation = 0; // of reloads asked for: an older one's callback does nothing
    QTimer m_trialTimer;
    QTimer m_settleTimer;
    QTimer m_watchTimer;
    // Offers refused in this run, not in the store: what the cloud says about a version it
    // cannot sign must not keep the genuine one out later (an agent update, a fixed upload).
    QHash<QString, QString> m_refused; // version -> why
    QString m_lastRefusedOffer;        // logged once
};

} // namespace sak
