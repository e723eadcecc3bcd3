#pragma once

#include "messagetypes.h"
#include "result.h"

#include <QByteArray>
#include <QString>

#include <memory>
#include <optional>

namespace sak {

class Database;

struct StoreOptions
{
    QString path;                // the database file; its directory is made owner-only
    QByteArray key;              // the raw 32-byte data key
    bool resetIfCorrupt = false; // the user agreed: move a damaged file aside, start empty
    int targetVersion = -1;      // schema version to migrate to; -1: the latest (tests use older)
};

// The agent's encrypted database (SQLCipher): the sealed WhatsApp sessions, the inbound
// journal and the outbox. It refuses to run unless encryption is really active, tells a wrong
// key apart from a damaged file, and never deletes a file it cannot read.
class Store
{
public:
    static constexpr int kLatestVersion = 2;
    static constexpr qsizetype kKeySize = 32;

    ~Store();

    static Result<std::unique_ptr<Store>> open(const StoreOptions &options);

    int schemaVersion();
    QString cipherVersion() const { return m_cipherVersion; }
    const QString &path() const { return m_path; }

    // Re-encrypts the whole database with a new key; the key check follows.
    Status rekey(const QByteArray &newKey);
    Status integrityCheck();

    // Small values kept encrypted (e.g. the cloud credentials); nullopt when absent.
    Status setSetting(const QString &key, const QByteArray &value);
    Result<std::optional<QByteArray>> setting(const QString &key);
    Status removeSetting(const QString &key);

    Status saveSeal(const QString &account, const QByteArray &data);
    Result<std::optional<QByteArray>> loadSeal(const QString &account);

    // Records a captured message; false when its id is known already (a duplicate capture).
    Result<bool> journalInbound(const InboundMessage &message);
    Result<qsizetype> journalSize();
    // Queues an outbound text; false when its client id is queued already.
    Result<bool> enqueueOutbound(const OutboundText &text);
    // Moves an outbox item to a state (queued, sending, sent, delivered, read, failed, unknown);
    // unknown client ids are ignored.
    Status setOutboundState(const QString &clientId, const QString &state);
    // The outbox items in a state, oldest first.
    Result<QList<OutboundText>> outboundInState(const QString &state);

    // The key check kept next to the database: an HMAC of a constant under the key, so that
    // a wrong key can be told from a damaged file without revealing anything of the key.
    static QByteArray keyCheck(const QByteArray &key);
    static QString keyCheckPath(const QString &databasePath);

private:
    Store(std::unique_ptr<Database> database, QString path, QString cipherVersion);
    Status migrate(int targetVersion);

    std::unique_ptr<Database> m_database;
    QString m_path;
    QString m_cipherVersion;
};

} // namespace sak
