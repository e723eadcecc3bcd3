#include "app/application.h"

#include "agent/base/logging.h"
#include "agent/bridgeupdate/bridgeupdater.h"
#include "agent/bridgeupdate/trustedkeys.h"
#include "agent/cloud/cloudclient.h"
#include "agent/cloud/credentials.h"
#include "agent/cloud/jobchannel.h"
#include "agent/delivery/relaypipeline.h"
#include "agent/keys/keysource.h"
#include "agent/status/agentstatus.h"
#include "agent/status/heartbeat.h"
#include "agent/status/statusendpoint.h"
#include "agent/store/store.h"
#include "agent/vault/sealschedule.h"
#include "agent/vault/sessionvault.h"
#include "app/face.h"
#include "app/failure.h"
#include "bridge/profilemanager.h"
#include "bridge/webbridge.h"
#include "bridge/whatsapppage.h"

#include <QCoreApplication>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace sak {

Application::Application(AgentConfig config, RunOptions options, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_options(std::move(options))
    , m_opener(m_config, m_options.resetCorruptStore)
{
    connect(qApp, &QCoreApplication::aboutToQuit, this, &Application::shutDown);
}

Application::~Application()
{
    shutDown();
}

void Application::fail(const Error &error)
{
    exitWithFailure(error);
}

void Application::start()
{
    QTimer::singleShot(0, this, [this] {
        m_opener.open([this](Result<std::unique_ptr<Store>> store) {
            if (!store) {
                fail(store.error());
                return;
            }
            m_store = std::move(store).value();
            const KeyProtection protection = m_opener.keys().protection();
            if (protection == KeyProtection::Keychain)
                qCInfo(lcAgent).noquote() << "Protection:" << protectionDescription(protection);
            else
                qCWarning(lcAgent).noquote() << "Protection:" << protectionDescription(protection);
            showFace();
        });
    });
}

void Application::showFace()
{
    m_face = makeFace(m_config, m_options);
    connect(m_face.get(), &Face::quitRequested, this, &Application::stop);
    connect(m_face.get(), &Face::settingsSaved, this, &Application::followSettings);
    // First run: the owner pairs with the cloud in the window, then the agent starts.
    const auto credentials = loadCredentials(*m_store, m_config);
    const bool unpaired = m_config.cloudUrl.isEmpty() ||
                          (!credentials && credentials.error().code == u"not-paired"_s);
    if (unpaired && m_face->askForCloud([this](const QUrl &server, const QString &code,
                                               std::function<void(Status)> done) {
            pairFromWindow(server, code, std::move(done));
        }))
        return;
    if (Status started = startSession(); !started)
        fail(started.error());
}

void Application::followSettings(const AgentConfig &saved)
{
    // Followed at once; the cloud URL and the rest at the next start.
    m_config.pacing = saved.pacing;
    m_config.allowedGroups = saved.allowedGroups;
    if (m_pipeline) {
        m_pipeline->setPacing(saved.pacing);
        m_pipeline->setAllowedGroups(saved.allowedGroups);
        m_bridge->setAllowedGroups(saved.allowedGroups);
    }
}

Status Application::makeCloudClient()
{
    m_cloud = std::make_unique<CloudClient>();
    return m_cloud->configure({.baseUrl = m_config.cloudUrl,
                               .caFile = m_config.caFile,
                               .spkiPins = m_config.cloudSpkiPins});
}

Status Application::startSession()
{
    auto credentials = loadCredentials(*m_store, m_config);
    if (!credentials)
        return credentials.error();
    if (Status configured = makeCloudClient(); !configured)
        return configured;
    m_cloud->setCredentials(credentials.value());
    m_config.tenantId = credentials.value().tenantId;
    m_config.agentId = credentials.value().agentId;

    const auto profileDir = openProfile();
    if (!profileDir)
        return profileDir.error();
    m_profiles = std::make_unique<ProfileManager>(m_config.userAgent);
    m_bridge = std::make_unique<WebBridge>(
        m_profiles->profile(m_config.account, profileDir.value()), m_config.whatsAppUrl);
    m_pipeline =
        std::make_unique<RelayPipeline>(m_bridge.get(), m_cloud.get(), m_store.get(), &m_clock);
    m_pipeline->setPacing(m_config.pacing);
    m_pipeline->setAllowedGroups(m_config.allowedGroups);
    m_pipeline->setLateAfter(std::chrono::seconds(m_config.lateAfterSeconds));
    m_bridge->setAutoTakeover(m_config.takeover);
    m_bridge->setAppearOnline(m_config.appearOnline);
    m_bridge->setRejectCalls(m_config.calls != AgentConfig::Calls::Ignore);
    m_pipeline->setCallReply(
        m_config.calls == AgentConfig::Calls::RejectAndReply ? m_config.callReply : QString());
    m_bridge->setUnavailableAfter(std::chrono::seconds(m_config.unavailableAfterSeconds));
    m_bridge->setMediaLimit(m_config.mediaMaxBytes);
    m_bridge->setAllowedGroups(m_config.allowedGroups);
    m_bridge->setLoadWatchdog(std::chrono::seconds(m_config.loadTimeoutSeconds));
    m_bridge->setMemoryWatch({.ceilingBytes = qint64(m_config.memoryCeilingMb) * 1024 * 1024,
                              .every = std::chrono::seconds(m_config.memoryCheckSeconds),
                              .regrowWithin = std::chrono::seconds(m_config.memoryRegrowSeconds)});
    connect(m_pipeline.get(), &RelayPipeline::backlogChanged, this, [this](const Backlog &b) {
        if (b.outboundUnknown > 0 && b.outboundUnknown != m_reportedUnknown)
            qCWarning(lcAgent) << b.outboundUnknown
                               << "outbox item(s) are 'unknown': they were being sent when the "
                                  "agent stopped; check the chats, then retry or cancel them "
                                  "(sak-agent --outbox)";
        m_reportedUnknown = b.outboundUnknown;
    });
    m_bridgeUpdates = std::make_unique<BridgeUpdater>(
        m_store.get(), m_bridge.get(), m_pipeline.get(), m_cloud.get(), &m_clock,
        BridgeUpdater::Settings{.acceptDelivered = m_config.acceptDeliveredBridge,
                                .agentVersion =
                                    QVersionNumber::fromString(QStringLiteral(SAK_VERSION)),
                                .keys = trustedBridgeKeys(),
                                .builtInWaJs = QStringLiteral(SAK_WAJS_VERSION),
                                .trialTimeout = std::chrono::seconds(m_config.loadTimeoutSeconds)});
    m_bridgeUpdates->restore(); // before the page first loads
    const KeyProtection protection = m_opener.keys().protection();
    m_status = std::make_unique<AgentStatus>(m_bridge.get(), m_pipeline.get());
    m_status->setBridge(m_bridgeUpdates.get());
    m_status->setProtection(protectionName(protection), protectionDescription(protection),
                            protection == KeyProtection::KeyFile || m_config.persistentProfile);
    m_status->setIdentity(m_config.agentId, m_config.tenantId, QStringLiteral(SAK_VERSION));
    // After m_status, whose connections then run first: the heartbeat carries the new health.
    m_heartbeat = std::make_unique<Heartbeat>(
        Heartbeat::Sources{
            .cloud = m_cloud.get(),
            .session = m_bridge.get(),
            .pipeline = m_pipeline.get(),
            .status = m_status.get(),
            .protection = protectionName(protection),
            .whatsAppVersion = [bridge = m_bridge.get()] { return bridge->whatsAppVersion(); },
            .bridge = m_bridgeUpdates.get()},
        std::chrono::seconds(m_config.heartbeatSeconds));

    startJobs();
    startStatusEndpoint();
    m_heartbeat->start();
    if (m_seals)
        m_seals->follow(m_bridge.get());
    connect(m_bridge.get(), &WhatsAppSession::loggedOut, this, [] {
        qCWarning(lcAgent) << "WhatsApp logged this computer out (from the phone): pair it again "
                              "by scanning the new QR code";
    });
    m_face->attach(
        {m_bridge.get(), m_bridge->page(), m_pipeline.get(), m_store.get(), m_status.get()});

    qCInfo(lcAgent).noquote() << "Agent" << m_config.agentId << "of tenant" << m_config.tenantId
                              << "relaying to" << m_config.cloudUrl.toDisplayString()
                              << (m_options.headless ? "(headless)" : "");
    m_bridge->start();
    return Done{};
}

// Where the WhatsApp profile runs: a private RAM directory the session is restored into from
// the store (and sealed back from), or, when the operator opted in, a directory on disk.
Result<QString> Application::openProfile()
{
    if (m_config.persistentProfile) {
        const QString profileDir = m_config.dataDir + u"/profiles/"_s + m_config.account;
        qCWarning(lcAgent).noquote()
            << "Protection: WEAKER: the WhatsApp profile is kept unencrypted on disk in"
            << profileDir << "([whatsapp] profile-storage=persistent)";
        return profileDir;
    }
    auto root = SessionVault::runtimeRoot();
    if (!root)
        return root.error();
    const QString profileDir = u"%1/%2/%3"_s.arg(root.value(), m_config.agentId, m_config.account);
    m_vault = std::make_unique<SessionVault>(*m_store, m_config.account, profileDir);
    m_seals = std::make_unique<SealSchedule>(m_vault.get(),
                                             std::chrono::seconds(m_config.sealAfterSeconds),
                                             std::chrono::seconds(m_config.sealEverySeconds));
    if (auto restored = m_vault->restore(); !restored)
        qCWarning(lcAgent).noquote() << restored.error().message;
    else if (restored.value() == SessionVault::Restored::CrashCopy)
        m_seals->sealNow(); // a surviving copy is newer than the last seal
    return profileDir;
}

// Outbound work pushed by the cloud: queued durably (with the WhatsApp id it will be sent
// under) before it is acknowledged, then sent in turn.
void Application::startJobs()
{
    m_jobs = std::make_unique<JobChannel>();
    m_jobs->configure(m_config.cloudUrl, m_cloud->tlsConfiguration(), m_cloud->credentials(),
                      m_config.cloudSpkiPins, m_cloud.get());
    m_jobs->setTransport(m_config.jobsTransport == u"poll"_s ? JobChannel::Transport::Poll
                         : m_config.jobsTransport == u"websocket"_s
                             ? JobChannel::Transport::WebSocket
                             : JobChannel::Transport::Auto);
    m_jobs->setJobHandler(
        [this](const cloud::OutboundJob &job) -> Status { return m_pipeline->enqueueJob(job); });
    m_pipeline->start();
    m_jobs->start();
}

void Application::startStatusEndpoint()
{
    if (m_config.statusPort < 0)
        return;
    m_endpoint = std::make_unique<StatusEndpoint>(m_status.get(), m_pipeline.get(), m_store.get());
    m_endpoint->followPairing(m_bridge.get()); // for sak-agent --show-pairing
    // Monitoring is not worth stopping the shop's messages for: a port in use is a warning.
    if (Status listening = m_endpoint->listen(quint16(m_config.statusPort), m_config.dataDir);
        !listening) {
        qCWarning(lcAgent).noquote() << listening.error().message;
        m_endpoint.reset();
    }
}

void Application::pairFromWindow(const QUrl &server, const QString &code,
                                 std::function<void(Status)> done)
{
    m_config.cloudUrl = server;
    if (Status configured = makeCloudClient(); !configured) {
        done(configured);
        return;
    }
    pairAndKeep(
        *m_cloud, *m_store, code,
        [this, server, done = std::move(done)](Result<cloud::Credentials> credentials) {
            if (!credentials) {
                done(credentials.error());
                return;
            }
            // The server goes into the configuration file for the next starts.
            if (!m_options.iniPath.isEmpty()) {
                if (Status written = AgentConfig::saveSettings(
                        m_options.iniPath, {{u"cloud/url"_s, server.toString()}}, m_config.dataDir);
                    !written)
                    qCWarning(lcAgent).noquote()
                        << "The server address was not saved:" << written.error().message;
            }
            qCInfo(lcAgent).noquote()
                << "Paired with" << server.host() << "as" << credentials.value().agentId;
            done(Done{});
            // Not inside the client's own callback: starting replaces the client.
            QTimer::singleShot(0, this, [this] {
                if (Status started = startSession(); !started)
                    fail(started.error());
            });
        });
}

void Application::shutDown()
{
    if (m_shutDown)
        return;
    m_shutDown = true;
    // The parts report their own teardown: nothing of it is sent, scheduled or shown.
    m_heartbeat.reset();
    if (m_seals)
        m_seals->stop();
    if (m_bridge)
        disconnect(m_bridge.get(), nullptr, this, nullptr);
    // The browser writes the session's last changes when its profile goes away (on the next
    // turns of the event loop); only then is it sealed, and the RAM copy removed.
    m_face.reset();
    m_endpoint.reset();
    m_jobs.reset();
    m_status.reset();
    m_bridgeUpdates.reset();
    m_pipeline.reset();
    m_bridge.reset();
    m_profiles.reset();
    if (m_vault) {
        m_vault->settle();
        m_seals->sealNow();
        if (Status wiped = m_vault->wipe(); !wiped)
            qCWarning(lcAgent).noquote() << wiped.error().message;
        m_seals.reset();
        m_vault.reset();
    }
    m_store.reset();
}

void Application::stop()
{
    if (m_stopping)
        return;
    m_stopping = true;
    if (!m_pipeline) {
        QCoreApplication::exit(0);
        return;
    }
    // Nothing new comes in from the cloud; what is queued stays queued for the next start.
    if (m_jobs)
        m_jobs->stop();
    m_pipeline->drain(std::chrono::seconds(10), [] {
        qCInfo(lcAgent) << "Drained: sealing the session and stopping";
        QCoreApplication::exit(0); // aboutToQuit seals the session and closes the store
    });
}

void Application::raise()
{
    if (m_face && m_face->raise())
        return;
    qCInfo(lcAgent) << "Another start of the agent was refused: this one runs already";
}

} // namespace sak
