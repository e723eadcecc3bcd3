#include "agent/keys/keysource.h"

#include "agent/base/logging.h"
#include "agent/keys/keyfiles.h"

#include <QFile>

#include <qt6keychain/keychain.h>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

const QString kService = u"SAK Desktop Agent"_s;

const QString kWhatToDo = u"On a desktop, log in to a session where GNOME Keyring or KWallet runs. "
                          u"On a machine without one "
                          "(a kiosk), choose a key source explicitly: --key-file PATH (a file only "
                          "the agent's user can read, "
                          "e.g. a systemd credential or removable media) or --passphrase-file PATH "
                          "(or - for standard input). "
                          "See the README, \"Keys, encryption and the WhatsApp session\"."_s;

} // namespace

QString protectionName(KeyProtection protection)
{
    switch (protection) {
    case KeyProtection::Keychain:
        return u"keychain"_s;
    case KeyProtection::KeyFile:
        return u"key-file"_s;
    case KeyProtection::Passphrase:
        return u"passphrase"_s;
    }
    return {};
}

QString protectionDescription(KeyProtection protection)
{
    switch (protection) {
    case KeyProtection::Keychain:
        return u"The data key is kept in the system keychain."_s;
    case KeyProtection::KeyFile:
        return u"WEAKER PROTECTION: the data key is a file on this machine (--key-file); whoever can read that file can read the agent's data."_s;
    case KeyProtection::Passphrase:
        return u"The data key is derived from a passphrase (--passphrase-file); the data is as safe as the passphrase and where it is kept."_s;
    }
    return {};
}

KeySource::KeySource(KeySourceOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{}

void KeySource::load(KeyCallback done, bool createIfMissing)
{
    switch (m_options.protection) {
    case KeyProtection::KeyFile:
        if (!createIfMissing && !QFile::exists(m_options.keyFile)) {
            done(Error{
                u"key-missing"_s,
                u"The key file %1 is missing, and the agent's database exists: put the key file back (a new key could not open the database)."_s
                    .arg(m_options.keyFile)});
            return;
        }
        done(readOrCreateKeyFile(m_options.keyFile));
        return;
    case KeyProtection::Passphrase: {
        auto passphrase = this->passphrase();
        done(passphrase
                 ? deriveKeyFromPassphrase(passphrase.value(), m_options.kdfParamsFile, false)
                 : Result<QByteArray>(passphrase.error()));
        return;
    }
    case KeyProtection::Keychain:
        keychainRead(m_options.entry, [this, createIfMissing, done = std::move(done)](
                                          Result<QByteArray> key, bool missing) {
            if (!missing) {
                done(key ? decodeKey(key.value(), u"the keychain entry '%1'"_s.arg(m_options.entry))
                         : key);
                return;
            }
            if (!createIfMissing) {
                done(Error{
                    u"key-missing"_s,
                    u"The keychain has no key for this agent's existing database (entry '%1'). Restore the keychain, or move the data directory away to start afresh."_s
                        .arg(m_options.entry)});
                return;
            }
            // First run: a new random key, stored before anyone uses it.
            const QByteArray fresh = newDataKey();
            keychainWrite(m_options.entry, fresh, [done, fresh](Status written) {
                if (!written)
                    done(written.error());
                else
                    done(fresh);
            });
        });
        return;
    }
}

void KeySource::prepareNext(KeyCallback done)
{
    switch (m_options.protection) {
    case KeyProtection::KeyFile: {
        const QByteArray next = newDataKey();
        const Status written = writeKeyFile(m_options.keyFile + u".next"_s, next);
        done(written ? Result<QByteArray>(next) : Result<QByteArray>(written.error()));
        return;
    }
    case KeyProtection::Passphrase: {
        auto passphrase = this->passphrase();
        done(passphrase ? deriveKeyFromPassphrase(passphrase.value(),
                                                  m_options.kdfParamsFile + u".next"_s, true)
                        : Result<QByteArray>(passphrase.error()));
        return;
    }
    case KeyProtection::Keychain: {
        const QByteArray next = newDataKey();
        keychainWrite(m_options.entry + u".next"_s, next,
                      [done = std::move(done), next](Status written) {
                          if (!written)
                              done(written.error());
                          else
                              done(next);
                      });
        return;
    }
    }
}

void KeySource::loadNext(KeyCallback done)
{
    switch (m_options.protection) {
    case KeyProtection::KeyFile: {
        QFile file(m_options.keyFile + u".next"_s);
        if (!file.open(QIODevice::ReadOnly)) {
            done(Error{u"key-missing"_s, u"No pending key."_s});
            return;
        }
        done(decodeKey(file.readAll(), file.fileName()));
        return;
    }
    case KeyProtection::Passphrase: {
        if (!QFile::exists(m_options.kdfParamsFile + u".next"_s)) {
            done(Error{u"key-missing"_s, u"No pending key."_s});
            return;
        }
        auto passphrase = this->passphrase();
        done(passphrase ? deriveKeyFromPassphrase(passphrase.value(),
                                                  m_options.kdfParamsFile + u".next"_s, false)
                        : Result<QByteArray>(passphrase.error()));
        return;
    }
    case KeyProtection::Keychain:
        keychainRead(m_options.entry + u".next"_s,
                     [done = std::move(done)](Result<QByteArray> key, bool missing) {
                         if (missing)
                             done(Error{u"key-missing"_s, u"No pending key."_s});
                         else
                             done(key);
                     });
        return;
    }
}

void KeySource::commitNext(StatusCallback done)
{
    switch (m_options.protection) {
    case KeyProtection::KeyFile:
    case KeyProtection::Passphrase: {
        const QString current = m_options.protection == KeyProtection::KeyFile
                                    ? m_options.keyFile
                                    : m_options.kdfParamsFile;
        QFile::remove(current);
        if (!QFile::rename(current + u".next"_s, current))
            done(Error{
                u"key-rotate"_s,
                u"%1.next could not replace %1; rename it by hand, the database uses it already."_s
                    .arg(current)});
        else
            done(Done{});
        return;
    }
    case KeyProtection::Keychain:
        loadNext([this, done = std::move(done)](Result<QByteArray> next) {
            if (!next) {
                done(next.error());
                return;
            }
            keychainWrite(m_options.entry, next.value(), [this, done](Status written) {
                if (!written) {
                    done(written.error());
                    return;
                }
                keychainDelete(m_options.entry + u".next"_s, done);
            });
        });
        return;
    }
}

Result<QByteArray> KeySource::passphrase()
{
    if (m_passphrase.isEmpty()) {
        auto read = readPassphrase(m_options.passphraseFile);
        if (!read)
            return read.error();
        m_passphrase = read.value();
    }
    return m_passphrase;
}

void KeySource::keychainRead(const QString &entry,
                             std::function<void(Result<QByteArray>, bool)> done)
{
    auto *job = new QKeychain::ReadPasswordJob(kService, this);
    job->setAutoDelete(true);
    job->setKey(entry);
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done)](QKeychain::Job *finished) {
        auto *read = static_cast<QKeychain::ReadPasswordJob *>(finished);
        switch (read->error()) {
        case QKeychain::NoError:
            done(read->binaryData(), false);
            return;
        case QKeychain::EntryNotFound:
            done(QByteArray(), true);
            return;
        case QKeychain::AccessDeniedByUser:
        case QKeychain::AccessDenied:
            done(
                Error{
                    u"keychain-denied"_s,
                    u"The keychain refused access to the agent's key (%1). Unlock the keychain and allow the agent, then start it again."_s
                        .arg(read->errorString())},
                false);
            return;
        default:
            done(Error{u"keychain-unavailable"_s,
                       u"No keychain is available (%1). %2"_s.arg(read->errorString(), kWhatToDo)},
                 false);
            return;
        }
    });
    job->start();
}

void KeySource::keychainWrite(const QString &entry, const QByteArray &key, StatusCallback done)
{
    auto *job = new QKeychain::WritePasswordJob(kService, this);
    job->setAutoDelete(true);
    job->setKey(entry);
    job->setBinaryData(key);
    connect(job, &QKeychain::Job::finished, this,
            [done = std::move(done)](QKeychain::Job *finished) {
                if (finished->error() == QKeychain::NoError)
                    done(Done{});
                else
                    done(Error{u"keychain-unavailable"_s,
                               u"The key could not be stored in the keychain (%1). %2"_s.arg(
                                   finished->errorString(), kWhatToDo)});
            });
    job->start();
}

void KeySource::keychainDelete(const QString &entry, StatusCallback done)
{
    auto *job = new QKeychain::DeletePasswordJob(kService, this);
    job->setAutoDelete(true);
    job->setKey(entry);
    connect(job, &QKeychain::Job::finished, this,
            [done = std::move(done)](QKeychain::Job *finished) {
                if (finished->error() == QKeychain::NoError ||
                    finished->error() == QKeychain::EntryNotFound)
                    done(Done{});
                else
                    done(Error{u"keychain"_s,
                               u"The old keychain entry could not be removed (%1)."_s.arg(
                                   finished->errorString())});
            });
    job->start();
}

} // namespace sak
