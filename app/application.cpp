#include "application.h"

#include "cloudclient.h"
#include "keysource.h"
#include "logging.h"
#include "profilemanager.h"
#include "relaypipeline.h"
#include "sessionvault.h"
#include "store.h"
#include "webbridge.h"
#include "whatsapppage.h"

#ifdef SAK_WITH_WIDGETS
#include "mainwindow.h"
#include <QDesktopServices>
#endif

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTimer>

#include <cstdio>

using namespace Qt::Literals::StringLiterals;

namespace sak {

Application::Application(AgentConfig config, RunOptions options, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_options(options)
{
    KeySourceOptions keys;
    keys.protection = m_config.keyProtection;
    keys.entry = u"data-key/%1/%2"_s.arg(m_config.tenantId, m_config.agentId);
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
    m_keys->load([this, next = std::move(next)](Result<QByteArray> key) {
        if (!key) {
            fail(key.error());
            return;
        }
        auto store = Store::open({m_config.storePath(), key.value(), m_options.resetCorruptStore});
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
    });
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
            if (Status started = startSession(); !started)
                fail(started.error());
        });
    });
}

Status Application::startSession()
{
    m_cloud = std::make_unique<CloudClient>();
    if (Status configured = m_cloud->configure(
            {m_config.cloudUrl, m_config.caFile, m_config.tenantId, m_config.agentId});
        !configured)
        return configured;

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
    m_pipeline = std::make_unique<RelayPipeline>(m_bridge.get(), m_cloud.get());

    connect(m_bridge.get(), &WhatsAppSession::stateChanged, this, &Application::onSessionState);
    connect(m_bridge.get(), &WhatsAppSession::qrCodeChanged, this, [this](const QString &) {
        if (m_options.headless)
            qCInfo(lcAgent) << "WhatsApp needs pairing: scan the QR code with the shop's phone "
                               "(Linked devices)";
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
    if (!m_options.headless) {
        m_window = std::make_unique<MainWindow>(m_bridge->page(), m_bridge.get());
        m_window->setCloudState(tr("Cloud: %1").arg(m_config.cloudUrl.host()));
        const bool weaker =
            m_keys->protection() == KeyProtection::KeyFile || m_config.persistentProfile;
        m_window->setProtection(protectionDescription(m_keys->protection()), weaker);
        connect(m_pipeline.get(), &RelayPipeline::inboundFailed, m_window.get(),
                [this](const QString &, const Error &error) {
                    m_window->setCloudState(error.message);
                });
        m_window->show();
    }
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

void Application::onSessionState(SessionState state)
{
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
    // The browser writes the session's last changes when its profile goes away (on the next
    // turns of the event loop); only then is it sealed, and the RAM copy removed.
#ifdef SAK_WITH_WIDGETS
    m_window.reset();
#endif
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
