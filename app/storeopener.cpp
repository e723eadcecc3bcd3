#include "app/storeopener.h"

#include "agent/base/logging.h"
#include "agent/keys/keysource.h"
#include "agent/store/store.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

using namespace Qt::Literals::StringLiterals;

namespace sak {

StoreOpener::StoreOpener(const AgentConfig &config, bool resetCorruptStore)
    : m_dataDir(config.dataDir)
    , m_storePath(config.storePath())
    , m_resetCorruptStore(resetCorruptStore)
{
    KeySourceOptions keys;
    keys.protection = config.keyProtection;
    // One key per agent installation, named after its data directory.
    keys.entry = u"data-key:"_s + QDir(config.dataDir).absolutePath();
    keys.keyFile = config.keyFile;
    keys.passphraseFile = config.passphraseFile;
    keys.kdfParamsFile = config.dataDir + u"/key-params.json"_s;
    m_keys = std::make_unique<KeySource>(keys);
}

StoreOpener::~StoreOpener() = default;

void StoreOpener::open(Opened done)
{
    if (!QDir().mkpath(m_dataDir)) {
        done(
            Error{u"data-dir"_s,
                  u"The data directory %1 cannot be created; choose another with --data-dir."_s.arg(
                      m_dataDir)});
        return;
    }
    if (!QFile::setPermissions(m_dataDir, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                              QFileDevice::ExeOwner))
        // Its secrets are owner-only files of their own; the directory is the second fence.
        qCWarning(lcAgent).noquote() << "The data directory" << m_dataDir
                                     << "cannot be made owner-only (chmod 700): it must belong to "
                                        "the user the agent runs as";
    // A database that exists needs its own key: a new one would not open it.
    const bool firstRun = !QFileInfo::exists(m_storePath);
    m_keys->load(
        [this, done = std::move(done)](Result<QByteArray> key) {
            if (!key) {
                done(key.error());
                return;
            }
            auto store = Store::open({m_storePath, key.value(), m_resetCorruptStore});
            if (!store && store.error().code == u"store-wrong-key"_s) {
                openWithNextKey(store.error(), done);
                return;
            }
            done(std::move(store));
        },
        firstRun);
}

// A key rotation may have been cut short after the database was re-keyed: the key set aside
// as "next" then opens it, and becomes the current one.
void StoreOpener::openWithNextKey(const Error &wrongKey, Opened done)
{
    m_keys->loadNext([this, wrongKey, done = std::move(done)](Result<QByteArray> pending) {
        auto retried = pending ? Store::open({m_storePath, pending.value(), m_resetCorruptStore})
                               : Result<std::unique_ptr<Store>>(wrongKey);
        if (!retried) {
            done(wrongKey);
            return;
        }
        qCWarning(lcAgent) << "Finishing a key rotation that was interrupted";
        auto store = std::make_shared<std::unique_ptr<Store>>(std::move(retried).value());
        m_keys->commitNext([store, done](Status committed) {
            if (!committed) {
                done(committed.error());
                return;
            }
            done(std::move(*store));
        });
    });
}

} // namespace sak
