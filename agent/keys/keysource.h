#pragma once

#include "agent/base/result.h"

#include <QByteArray>
#include <QObject>
#include <QString>

#include <functional>

namespace sak {

// Where the database key comes from: the OS keychain by default; a key file or a passphrase
// only when the operator chose one explicitly (a kiosk without a secret service).
enum class KeyProtection
{
    Keychain,
    KeyFile,
    Passphrase
};

QString protectionName(KeyProtection protection);        // "keychain", "key-file", "passphrase"
QString protectionDescription(KeyProtection protection); // a sentence for the log and status

struct KeySourceOptions
{
    KeyProtection protection = KeyProtection::Keychain;
    QString entry;          // the keychain entry (one per agent)
    QString keyFile;        // for KeyFile
    QString passphraseFile; // for Passphrase: a file, or "-" for standard input
    QString kdfParamsFile;  // for Passphrase: where the salt and iteration count are kept
};

// Gets the 32-byte data key (creating it on first use) and replaces it for rotation. Keychain
// access is asynchronous, so both operations finish with a callback on this object's thread.
class KeySource : public QObject
{
    Q_OBJECT
public:
    using KeyCallback = std::function<void(Result<QByteArray>)>;
    using StatusCallback = std::function<void(Status)>;

    explicit KeySource(KeySourceOptions options, QObject *parent = nullptr);

    KeyProtection protection() const { return m_options.protection; }

    // The current key. When there is none yet it is created and stored, if allowed: never
    // for a database that exists already (a new key could not open it).
    void load(KeyCallback done, bool createIfMissing = true);
    // The key to rotate to, kept aside as "next" before the database is re-keyed, so that a
    // crash in between loses nothing: load() falls back to it (loadNext()).
    void prepareNext(KeyCallback done);
    void loadNext(KeyCallback done);
    // Makes the next key the current one, after the database was re-keyed.
    void commitNext(StatusCallback done);

private:
    void keychainRead(const QString &entry,
                      std::function<void(Result<QByteArray>, bool missing)> done);
    void keychainWrite(const QString &entry, const QByteArray &key, StatusCallback done);
    void keychainDelete(const QString &entry, StatusCallback done);

    // Read once: standard input can be read only once, and rotation needs it twice.
    Result<QByteArray> passphrase();

    KeySourceOptions m_options;
    QByteArray m_passphrase;
};

} // namespace sak

Q_DECLARE_METATYPE(sak::KeyProtection)
