#include "app/application.h"

#include "agent/base/logging.h"
#include "agent/cloud/cloudclient.h"
#include "agent/cloud/jobchannel.h"
#include "agent/delivery/relaypipeline.h"
#include "agent/keys/keysource.h"
#include "agent/platform/qrcode.h"
#include "agent/status/agentstatus.h"
#include "agent/status/statusendpoint.h"
#include "agent/store/store.h"
#include "agent/vault/sessionvault.h"
#include "bridge/profilemanager.h"
#include "bridge/webbridge.h"
#include "bridge/whatsapppage.h"

#ifdef SAK_WITH_WIDGETS
#include "ui/desktop.h"
#include <QDesktopServices>
#endif

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QSaveFile>
#include <QSysInfo>
#include <QTimer>

#include <cstdio>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {
const QString kCredentialsSetting = u"cloud-credentials"_s;
} // namespace

Application::Application(AgentConfig config, RunOptions options, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_options(options)
{
    KeySourceOptions keys;
    keys.protection = m_config.keyProtection;
    // One key per agent installation, named after its data directory.
    keys.entry = u"data-key:"_s + QDir(m_config.dataDir).absolutePath();
    keys.keyFile = m_config.keyFile;
    keys.passphraseFile = m_config.passphraseFile;
    keys.kdfParamsFile = m_config.dataDir + u"/key-params.json"_s;
    m_keys = std::make_unique<KeySource>(keys);

    m_sealTimer.setSingleShot(true);
    connect(&m_sealTimer, &QTimer::timeout, this, [this] {
        sealNow();
        m_sealTimer.start(std::chrono::seconds(m_config.sealEverySeconds));
    });
    connect(qApp, &QCoreApplication::aboutToQuit, this, &Application::shutDown);
}

Application::~Application()
{
    shutDown();
}

void Application::fail(const Error &error)
{
    std::fprintf(stderr, "sak-agent: %s\n", qPrintable(error.message));
    QCoreApplication::exit(2);
}

void Application::openStore(std::function<void()> next)
{
    if (!QDir().mkpath(m_config.dataDir)) {
        fail({u"data-dir"_s,
              u"The data directory %1 cannot be created; choose another with --data-dir."_s.arg(
                  m_config.dataDir)});
        return;
    }
    QFile::setPermissions(m_config.dataDir,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    // A database that exists needs its own key: a new one would not open it.
    const bool firstRun = !QFileInfo::exists(m_config.storePath());
    m_keys->load(
        [this, next = std::move(next)](Result<QByteArray> key) {
            if (!key) {
                fail(key.error());
                return;
            }
            auto store =
                Store::open({m_config.storePath(), key.value(), m_options.resetCorruptStore});
            if (store) {
                m_store = std::move(store).value();
                next();
                return;
            }
            if (store.error().code != u"store-wrong-key"_s) {
                fail(store.error());
                return;
            }
            // A key rotation may have been cut short after the database was re-keyed: the key
            // set aside as "next" then opens it, and becomes the current one.
            const Error original = store.error();
            m_keys->loadNext([this, next, original](Result<QByteArray> pending) {
                auto retried = pending ? Store::open({m_config.storePath(), pending.value(),
                                                      m_options.resetCorruptStore})
                                       : Result<std::unique_ptr<Store>>(original);
                if (!retried) {
                    fail(original);
                    return;
                }
                qCWarning(lcAgent) << "Finishing a key rotation that was interrupted";
                m_store = std::move(retried).value();
                m_keys->commitNext([this, next](Status committed) {
                    if (!committed) {
                        fail(committed.error());
                        return;
                    }
                    next();
                });
            });
        },
        firstRun);
}

void Application::start()
{
    QTimer::singleShot(0, this, [this] {
        openStore([this] {
            const QString protection = protectionDescription(m_keys->protection());
            if (m_keys->protection() == KeyProtection::Keychain)
                qCInfo(lcAgent).noquote() << "Protection:" << protection;
            else
                qCWarning(lcAgent).noquote() << "Protection:" << protection;
#ifdef SAK_WITH_WIDGETS
            if (!m_options.headless) {
                m_desktop = std::make_unique<Desktop>(m_config, m_options.iniPath);
                connect(m_desktop.get(), &Desktop::quitRequested, this, &Application::stop);
                connect(m_desktop.get(), &Desktop::settingsSaved, this,
                        [this](const AgentConfig &saved) {
                            // Followed at once; the cloud URL and the rest at the next start.
                            m_config.pacing = saved.pacing;
                            m_config.allowedGroups = saved.allowedGroups;
                            if (m_pipeline) {
                                m_pipeline->setPacing(saved.pacing);
                                m_pipeline->setAllowedGroups(saved.allowedGroups);
                                m_bridge->setAllowedGroups(saved.allowedGroups);
                            }
                        });
                // First run: the owner pairs with the cloud in the window, then it starts.
                const auto credentials = storedCredentials();
                if (m_config.cloudUrl.isEmpty() ||
                    (!credentials && credentials.error().code == u"not-paired"_s)) {
                    m_desktop->askForCloud([this](const QUrl &server, const QString &code,
                                                  std::function<void(Status)> done) {
                        pairFromWindow(server, code, std::move(done));
                    });
                    return;
                }
            }
#endif
            if (Status started = startSession(); !started)
                fail(started.error());
        });
    });
}

Result<cloud::Credentials> Application::storedCredentials()
{
    const auto stored = m_store->setting(kCredentialsSetting);
    if (!stored)
        return stored.error();
    if (!stored.value())
        return Error{
            u"not-paired"_s,
            u"This agent is not paired with the cloud yet: create a pairing code in the cloud dashboard and run sak-agent --pair CODE (with the same --cloud-url and --data-dir)."_s};
    auto credentials = cloud::decodeCredentials(*stored.value());
    if (!credentials)
        return Error{
            u"not-paired"_s,
            u"The stored cloud credentials are damaged; pair the agent again with sak-agent --pair CODE."_s};
    const auto &c = credentials.value();
    if ((!m_config.tenantId.isEmpty() && m_config.tenantId != c.tenantId) ||
        (!m_config.agentId.isEmpty() && m_config.agentId != c.agentId))
        return Error{
            u"config"_s,
            u"This agent is paired as %1 of tenant %2, but the configuration says %3 of tenant %4. Remove the ids from the configuration, or pair again."_s
                .arg(c.agentId, c.tenantId, m_config.agentId, m_config.tenantId)};
    return credentials;
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
    auto credentials = storedCredentials();
    if (!credentials)
        return credentials.error();
    if (Status configured = makeCloudClient(); !configured)
        return configured;
    m_cloud->setCredentials(credentials.value());
    m_config.tenantId = credentials.value().tenantId;
    m_config.agentId = credentials.value().agentId;

    QString profileDir;
    if (m_config.persistentProfile) {
        profileDir = m_config.dataDir + u"/profiles/"_s + m_config.account;
        qCWarning(lcAgent).noquote()
            << "Protection: WEAKER: the WhatsApp profile is kept unencrypted on disk in"
            << profileDir << "([whatsapp] profile-storage=persistent)";
    } else {
        auto root = SessionVault::runtimeRoot();
        if (!root)
            return root.error();
        profileDir = u"%1/%2/%3"_s.arg(root.value(), m_config.agentId, m_config.account);
        m_vault = std::make_unique<SessionVault>(*m_store, m_config.account, profileDir);
        if (auto restored = m_vault->restore(); !restored)
            qCWarning(lcAgent).noquote() << restored.error().message;
        else if (restored.value() == SessionVault::Restored::CrashCopy)
            sealNow(); // a surviving copy is newer than the last seal
    }

    m_profiles = std::make_unique<ProfileManager>(m_config.userAgent);
    m_bridge = std::make_unique<WebBridge>(m_profiles->profile(m_config.account, profileDir),
                                           m_config.whatsAppUrl);
    m_pipeline =
        std::make_unique<RelayPipeline>(m_bridge.get(), m_cloud.get(), m_store.get(), &m_clock);
    m_pipeline->setPacing(m_config.pacing);
    m_pipeline->setAllowedGroups(m_config.allowedGroups);
    m_bridge->setAutoTakeover(m_config.takeover);
    m_bridge->setMediaLimit(m_config.mediaMaxBytes);
    m_bridge->setAllowedGroups(m_config.allowedGroups);
    m_bridge->setLoadWatchdog(std::chrono::seconds(m_config.loadTimeoutSeconds));
    connect(m_pipeline.get(), &RelayPipeline::backlogChanged, this, [this](const Backlog &b) {
        if (b.outboundUnknown > 0 && b.outboundUnknown != m_reportedUnknown)
            qCWarning(lcAgent) << b.outboundUnknown
                               << "outbox item(s) are 'unknown': they were being sent when the "
                                  "agent stopped; check the chats, then retry or cancel them "
                                  "(sak-agent --outbox)";
        m_reportedUnknown = b.outboundUnknown;
    });
    m_status = std::make_unique<AgentStatus>(m_bridge.get(), m_pipeline.get());
    m_status->setProtection(
        protectionName(m_keys->protection()), protectionDescription(m_keys->protection()),
        m_keys->protection() == KeyProtection::KeyFile || m_config.persistentProfile);
    m_status->setIdentity(m_config.agentId, m_config.tenantId, QStringLiteral(SAK_VERSION));
    // After m_status's own connections: the heartbeat carries the new health.
    connect(m_pipeline.get(), &RelayPipeline::sendingProblemChanged, this,
            &Application::sendHeartbeat);

    // Outbound work pushed by the cloud: queued durably (with the WhatsApp id it will be sent
    // under) before it is acknowledged, then sent in turn.
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

    connect(m_bridge.get(), &WhatsAppSession::healthProblem, this, &Application::sendHeartbeat);
    startStatusEndpoint();
    m_heartbeatTimer.setInterval(std::chrono::seconds(60));
    connect(&m_heartbeatTimer, &QTimer::timeout, this, &Application::sendHeartbeat);
    m_heartbeatTimer.start();

    connect(m_bridge.get(), &WhatsAppSession::stateChanged, this, &Application::onSessionState);
    connect(m_bridge.get(), &WhatsAppSession::qrCodeChanged, this, [this](const QString &qr) {
        if (m_options.headless)
            showPairingQr(qr);
    });
    if (m_options.headless && !m_config.linkPhone.isEmpty()) {
        connect(m_bridge.get(), &WhatsAppSession::pairingCodeReceived, this,
                &Application::showLinkCode);
        m_linkCodeTimer.setSingleShot(true);
        m_linkCodeTimer.setInterval(std::chrono::minutes(3));
        connect(&m_linkCodeTimer, &QTimer::timeout, this, &Application::requestLinkCode);
    }
    connect(m_bridge.get(), &WhatsAppSession::loggedOut, this, [] {
        qCWarning(lcAgent) << "WhatsApp logged this computer out (from the phone): pair it again "
                              "by scanning the new QR code";
    });
    connect(m_bridge->page(), &WhatsAppPage::externalLinkRequested, this, [this](const QUrl &url) {
#ifdef SAK_WITH_WIDGETS
        if (!m_options.headless) {
            QDesktopServices::openUrl(url);
            return;
        }
#endif
        qCInfo(lcAgent).noquote() << "Not opening" << url.host() << "(headless: links stay closed)";
    });

#ifdef SAK_WITH_WIDGETS
    if (m_desktop)
        m_desktop->attach(
            {m_bridge.get(), m_bridge->page(), m_pipeline.get(), m_store.get(), m_status.get()});
#endif
    if (m_options.headless) {
        // A page without a view counts as hidden, and Chromium slows a hidden page's timers to
        // once a second: the kiosk's page must keep WhatsApp's own pace.
        m_bridge->page()->setVisible(true);
    }

    qCInfo(lcAgent).noquote() << "Agent" << m_config.agentId << "of tenant" << m_config.tenantId
                              << "relaying to" << m_config.cloudUrl.toDisplayString()
                              << (m_options.headless ? "(headless)" : "");
    m_bridge->start();
    return Done{};
}

QString Application::pairingQrPath() const
{
    return m_config.dataDir + u"/pairing-qr.png"_s;
}

// Headless: no window to show the QR in. It goes to the terminal and into a PNG (for a box
// reached over SSH: copy it off and scan it from a screen), each time it rotates.
void Application::showPairingQr(const QString &qr)
{
    const auto code = QrCode::encode(qr);
    if (!code) {
        qCWarning(lcAgent).noquote() << code.error().message;
        return;
    }
    std::printf("\nWhatsApp needs pairing: on the shop's phone open WhatsApp > Linked devices > "
                "Link a device, and scan this code (it changes every 20 s):\n\n%s\n",
                qPrintable(code.value().toTerminal()));
    std::fflush(stdout);
    constexpr int kScale = 8;
    constexpr int kBorder = 4;
    const int side = (code.value().size() + 2 * kBorder) * kScale;
    QImage image(side, side, QImage::Format_Mono);
    image.fill(1);
    for (int y = 0; y < code.value().size(); ++y) {
        for (int x = 0; x < code.value().size(); ++x) {
            if (!code.value().dark(x, y))
                continue;
            for (int dy = 0; dy < kScale; ++dy) {
                for (int dx = 0; dx < kScale; ++dx)
                    image.setPixel((x + kBorder) * kScale + dx, (y + kBorder) * kScale + dy, 0);
            }
        }
    }
    // The QR links a device to the shop's WhatsApp: readable by the owner only.
    QSaveFile file(pairingQrPath());
    if (!file.open(QIODevice::WriteOnly) || !image.save(&file, "PNG") || !file.commit()) {
        qCWarning(lcAgent).noquote() << "Could not write the pairing QR to" << pairingQrPath();
        return;
    }
    QFile::setPermissions(pairingQrPath(), QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    qCInfo(lcAgent).noquote() << "Pairing QR code written to" << pairingQrPath();
}

void Application::requestLinkCode()
{
    if (!m_bridge || m_bridge->state() != SessionState::NeedsPairing)
        return;
    qCInfo(lcAgent) << "Asking WhatsApp for a pairing code for the shop's phone number";
    m_bridge->requestPairingCode(m_config.linkPhone);
}

void Application::showLinkCode(const QString &code, const QString &error)
{
    if (code.isEmpty()) {
        qCWarning(lcAgent).noquote()
            << "WhatsApp gave no pairing code for [whatsapp] link-phone:" << error
            << "- scan the QR code instead, or check the number";
        return;
    }
    // Like the QR code, it goes to the terminal only: it links a device to the shop's WhatsApp.
    std::printf("\nWhatsApp pairing code for +%s: %s\nOn the shop's phone open WhatsApp > "
                "Linked devices > Link a device > Link with phone number instead, and type "
                "it (a new one follows in 3 minutes).\n\n",
                qPrintable(m_config.linkPhone), qPrintable(code));
    std::fflush(stdout);
    qCInfo(lcAgent) << "Pairing code for the shop's phone shown in the terminal";
    m_linkCodeTimer.start();
}

void Application::onSessionState(SessionState state)
{
    if (state != SessionState::NeedsPairing && QFile::exists(pairingQrPath()))
        QFile::remove(pairingQrPath()); // a stale code must not be scanned later
    if (m_options.headless && !m_config.linkPhone.isEmpty()) {
        if (state == SessionState::NeedsPairing && !m_linkCodeTimer.isActive())
            requestLinkCode();
        else if (state != SessionState::NeedsPairing)
            m_linkCodeTimer.stop();
    }
    sendHeartbeat();
    if (!m_vault)
        return;
    // Sealed once the session has been connected for a while (a fresh pairing is still being
    // written), then periodically; a session that drops stops the clock.
    if (state == SessionState::Connected) {
        if (!m_sealTimer.isActive())
            m_sealTimer.start(std::chrono::seconds(m_config.sealAfterSeconds));
    } else {
        m_sealTimer.stop();
    }
}

void Application::sendHeartbeat()
{
    if (!m_cloud || !m_bridge || !m_pipeline || !m_status)
        return;
    cloud::Heartbeat heartbeat;
    heartbeat.session = sessionStateName(m_bridge->state());
    heartbeat.health = m_status->health().isEmpty() ? u"ok"_s : m_status->health();
    heartbeat.protection = protectionName(m_keys->protection());
    heartbeat.inboundBacklog = m_pipeline->backlog().inboundPending;
    heartbeat.outboundBacklog = m_pipeline->backlog().outboundQueued;
    heartbeat.agentVersion = QStringLiteral(SAK_VERSION);
    heartbeat.whatsAppVersion = m_bridge->whatsAppVersion();
    m_cloud->postHeartbeat(heartbeat, [this](Status sent) {
        if (m_status)
            m_status->setCloudResult(sent);
        if (!sent)
            qCWarning(lcCloud).noquote() << "Heartbeat not delivered:" << sent.error().message;
    });
}

void Application::sealNow()
{
    if (!m_vault || !m_store)
        return;
    if (Status sealed = m_vault->seal(); !sealed)
        qCWarning(lcAgent).noquote()
            << "Sealing the WhatsApp session failed:" << sealed.error().message;
}

void Application::shutDown()
{
    if (m_shutDown)
        return;
    m_shutDown = true;
    m_sealTimer.stop();
    m_heartbeatTimer.stop();
    if (m_bridge)
        disconnect(m_bridge.get(), nullptr, this, nullptr); // it reports its own teardown
        // The browser writes the session's last changes when its profile goes away (on the next
        // turns of the event loop); only then is it sealed, and the RAM copy removed.
#ifdef SAK_WITH_WIDGETS
    m_desktop.reset();
#endif
    m_endpoint.reset();
    m_jobs.reset();
    m_status.reset();
    m_pipeline.reset();
    m_bridge.reset();
    m_profiles.reset();
    if (m_vault) {
        m_vault->settle();
        sealNow();
        if (Status wiped = m_vault->wipe(); !wiped)
            qCWarning(lcAgent).noquote() << wiped.error().message;
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
#ifdef SAK_WITH_WIDGETS
    if (m_desktop) {
        m_desktop->raise();
        return;
    }
#endif
    qCInfo(lcAgent) << "Another start of the agent was refused: this one runs already";
}

void Application::pairFromWindow(const QUrl &server, const QString &code,
                                 std::function<void(Status)> done)
{
    m_config.cloudUrl = server;
    if (Status configured = makeCloudClient(); !configured) {
        done(configured);
        return;
    }
    m_cloud->pair(
        code, QSysInfo::machineHostName(),
        [this, server, done = std::move(done)](Result<cloud::Credentials> credentials) {
            if (Status kept = keepCredentials(credentials); !kept) {
                done(kept);
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

void Application::startStatusEndpoint()
{
    if (m_config.statusPort < 0)
        return;
    m_endpoint = std::make_unique<StatusEndpoint>(m_status.get(), m_pipeline.get(), m_store.get());
    // Monitoring is not worth stopping the shop's messages for: a port in use is a warning.
    if (Status listening = m_endpoint->listen(quint16(m_config.statusPort), m_config.dataDir);
        !listening) {
        qCWarning(lcAgent).noquote() << listening.error().message;
        m_endpoint.reset();
    }
}

void Application::askRunningAgent(const QString &what)
{
    QTimer::singleShot(0, this, [this, what] {
        StatusEndpoint::ask(m_config.dataDir, what, this, [this](Result<QByteArray> answer) {
            if (!answer) {
                fail(answer.error());
                return;
            }
            std::printf("%s", answer.value().constData());
            std::fflush(stdout);
            QCoreApplication::exit(0);
        });
    });
}

Status Application::keepCredentials(const Result<cloud::Credentials> &credentials)
{
    if (!credentials)
        return credentials.error();
    return m_store->setSetting(kCredentialsSetting, cloud::encode(credentials.value()));
}

void Application::runCommand(std::function<void()> command)
{
    QTimer::singleShot(0, this, [this, command = std::move(command)] {
        openStore([this, command] {
            if (Status configured = makeCloudClient(); !configured) {
                fail(configured.error());
                return;
            }
            command();
        });
    });
}

void Application::runPairedCommand(std::function<void()> command)
{
    runCommand([this, command = std::move(command)] {
        auto credentials = storedCredentials();
        if (!credentials) {
            fail(credentials.error());
            return;
        }
        m_cloud->setCredentials(credentials.value());
        command();
    });
}

void Application::pair(const QString &code)
{
    runCommand([this, code] {
        m_cloud->pair(code, QSysInfo::machineHostName(),
                      [this](Result<cloud::Credentials> credentials) {
                          if (Status kept = keepCredentials(credentials); !kept) {
                              fail(kept.error());
                              return;
                          }
                          std::printf("sak-agent: paired with %s as %s of tenant %s.\n",
                                      qPrintable(m_config.cloudUrl.host()),
                                      qPrintable(credentials.value().agentId),
                                      qPrintable(credentials.value().tenantId));
                          QCoreApplication::exit(0);
                      });
    });
}

void Application::unpair()
{
    runPairedCommand([this] {
        m_cloud->unpair([this](Status done) {
            // Forgotten locally even when the cloud cannot be told: the shop asked for it.
            if (Status removed = m_store->removeSetting(kCredentialsSetting); !removed) {
                fail(removed.error());
                return;
            }
            if (!done)
                std::printf("sak-agent: unpaired here; the cloud could not be told (%s). Remove "
                            "the agent in the dashboard too.\n",
                            qPrintable(done.error().message));
            else
                std::printf("sak-agent: unpaired; the cloud forgot this agent.\n");
            QCoreApplication::exit(0);
        });
    });
}

void Application::rotateCredentials()
{
    runPairedCommand([this] {
        m_cloud->rotateCredentials([this](Result<cloud::Credentials> rotated) {
            if (Status kept = keepCredentials(rotated); !kept) {
                fail(kept.error());
                return;
            }
            std::printf("sak-agent: the signing secret was rotated.\n");
            QCoreApplication::exit(0);
        });
    });
}

void Application::storeCommand(const QString &command, const QString &argument)
{
    QTimer::singleShot(0, this, [this, command, argument] {
        openStore([this, command, argument] {
            const qint64 now = m_clock.nowMs();
            Status done = Done{};
            if (command == u"check-store"_s) {
                done = m_store->integrityCheck();
                if (done)
                    std::printf("sak-agent: the store is intact (schema %d, SQLCipher %s)\n",
                                m_store->schemaVersion(), qPrintable(m_store->cipherVersion()));
            } else if (command == u"outbox"_s) {
                const auto items = m_store->outboxItems({}, 100000);
                if (!items) {
                    fail(items.error());
                    return;
                }
                std::printf("%-10s %-36s %-24s %8s  %s\n", "STATE", "ID", "CHAT", "ATTEMPTS",
                            "LAST ERROR");
                for (const OutboxItem &item : items.value())
                    std::printf("%-10s %-36s %-24s %8d  %s\n", qPrintable(item.state),
                                qPrintable(item.text.clientId), qPrintable(item.text.chatId),
                                item.attempts, qPrintable(item.lastError));
                if (const auto b = m_store->backlog())
                    std::printf(
                        "inbound: %lld waiting, %lld dead letter(s); outbound: %lld "
                        "waiting, %lld unknown, %lld failed\n",
                        qlonglong(b.value().inboundPending), qlonglong(b.value().inboundDead),
                        qlonglong(b.value().outboundQueued), qlonglong(b.value().outboundUnknown),
                        qlonglong(b.value().outboundFailed));
            } else if (command == u"retry"_s) {
                done = m_store->retryOutbound(argument, now);
            } else if (command == u"cancel"_s) {
                done = m_store->cancelOutbound(argument, now);
            } else if (command == u"pause-sending"_s || command == u"resume-sending"_s) {
                done = m_store->setNumberSetting(RelayPipeline::kPausedSetting,
                                                 command == u"pause-sending"_s ? 1 : 0);
            } else if (command == u"requeue-dead"_s) {
                const auto requeued = m_store->requeueDeadInbound({});
                if (requeued)
                    std::printf("sak-agent: %d dead letter(s) will be relayed again\n",
                                requeued.value());
                done = requeued ? Status(Done{}) : Status(requeued.error());
            }
            if (!done) {
                fail(done.error());
                return;
            }
            if (command != u"check-store"_s && command != u"outbox"_s &&
                command != u"requeue-dead"_s)
                std::printf("sak-agent: done (%s %s)\n", qPrintable(command), qPrintable(argument));
            QCoreApplication::exit(0);
        });
    });
}

void Application::rotateKey()
{
    QTimer::singleShot(0, this, [this] {
        openStore([this] {
            m_keys->prepareNext([this](Result<QByteArray> next) {
                if (!next) {
                    fail(next.error());
                    return;
                }
                if (Status rekeyed = m_store->rekey(next.value()); !rekeyed) {
                    fail(rekeyed.error());
                    return;
                }
                m_keys->commitNext([this](Status committed) {
                    if (!committed) {
                        fail(committed.error());
                        return;
                    }
                    std::printf("sak-agent: the data key was rotated (%s); the database is "
                                "encrypted with the new key.\n",
                                qPrintable(protectionName(m_keys->protection())));
                    QCoreApplication::exit(0);
                });
            });
        });
    });
}

} // namespace sak
