#pragma once

#include "agent/base/result.h"
#include "agent/protocol/messagetypes.h"
#include "agent/store/records.h"

#include <QByteArray>
#include <QString>

#include <functional>
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
    static constexpr int kLatestVersion = 10;
    static constexpr qsizetype kKeySize = 32;

    ~Store();

    static Result<std::unique_ptr<Store>> open(const StoreOptions &options);

    int schemaVersion();
    QString cipherVersion() const { return m_cipherVersion; }
    const QString &path() const { return m_path; }

    // Re-encrypts the whole database with a new key; the key check follows.
    Status rekey(const QByteArray &newKey);
    // Runs `work` (other Store calls) as one transaction: one sync to disk for all of it, and
    // all of it or nothing. The calls inside nest as savepoints, so one of them failing undoes
    // only its own part.
    Status inTransaction(const std::function<Status()> &work);
    Status integrityCheck();

    // Small values kept encrypted (e.g. the cloud credentials); nullopt when absent.
    Status setSetting(const QString &key, const QByteArray &value);
    Result<std::optional<QByteArray>> setting(const QString &key);
    Status removeSetting(const QString &key);

    Status saveSeal(const QString &account, const QByteArray &data);
    Result<std::optional<QByteArray>> loadSeal(const QString &account);

    // --- Inbound journal (storejournal.cpp) ---
    // Records a captured message; false when its id is known already (a duplicate capture).
    Result<bool> journalInbound(const InboundMessage &message);
    Result<qsizetype> journalSize();
    // The oldest pending message of every chat whose next attempt is due, oldest chats first.
    Result<QList<JournalEntry>> dueInbound(qint64 nowMs, int limit);
    // The cloud answered: the message is relayed and its replies are queued, in one transaction
    // (a crash leaves either both or neither).
    Status inboundRelayed(const QString &messageId, const QList<OutboxItem> &replies, qint64 nowMs);
    // The cloud did not answer: tried again at `nextAttemptAt`, or a dead letter.
    Status inboundFailed(const QString &messageId, const QString &error, qint64 nextAttemptAt,
                         bool dead);
    // An operator's requeue of dead letters (all of them for an empty id); how many.
    Result<int> requeueDeadInbound(const QString &messageId);
    // The earliest time a chat's oldest pending message becomes due, if any waits.
    Result<std::optional<qint64>> nextInboundDue();
    // The newest capture time (unix seconds) in the journal, 0 when empty.
    Result<qint64> newestInboundTime();

    // --- Outbox (storeoutbox.cpp; what the viewer reads, storeoutboxview.cpp) ---
    // Queues an item (and its "queued" report); false when its client id is known already.
    Result<bool> enqueueOutbound(const OutboxItem &item, qint64 nowMs);
    Result<bool> enqueueOutbound(const OutboundText &text); // a job, queued now
    // Every queued item that heads its chat (nothing earlier in the chat waits or is being
    // sent) and is due, highest priority first, then oldest.
    Result<QList<OutboxItem>> dueOutbound(qint64 nowMs, int limit);
    // The earliest time a queued item becomes due, if any waits.
    Result<std::optional<qint64>> nextOutboundDue();
    Result<std::optional<OutboxItem>> outboundItem(const QString &clientId);
    Result<std::optional<OutboxItem>> outboundByWaId(const QString &waMessageId);
    // Moves an item and owes the cloud a report of it, in one transaction. A move the state
    // machine does not allow is refused with an error (and changes nothing).
    Status setOutboundState(const QString &clientId, const QString &state,
                            const QString &detail = {}, qint64 nowMs = 0);
    // What WhatsApp told of who a sent message went to (the chat it really used, the number,
    // the LID): fills what was not known, for the outbox viewer and the next status reports.
    Status setOutboundRecipient(const QString &waMessageId, const Recipient &recipient);
    // A send that did not happen: back to queued, tried again at `nextAttemptAt`.
    Status retryOutboundLater(const QString &clientId, const QString &error, qint64 nextAttemptAt,
                              qint64 nowMs);
    // Queued items whose expiry passed become expired; how many.
    Result<int> expireOutbound(qint64 nowMs);
    // The outbox items in a state, oldest first.
    Result<QList<OutboundText>> outboundInState(const QString &state);
    Result<QList<OutboxItem>> outboxItems(const QString &state, int limit);
    // Operator actions: a failed, expired or unknown item goes out again (attempts reset);
    // a queued one is cancelled.
    Status retryOutbound(const QString &clientId, qint64 nowMs);
    Status cancelOutbound(const QString &clientId, qint64 nowMs);
    // Browsing (the outbox viewer): newest first, a page of items queued before `beforeRowid`
    // (0: from the newest); how many pass a filter; the chats that have items; and the items
    // changed after `changeSeq` (oldest change first) with whether each passes the filter now.
    Result<QList<OutboxRow>> outboxPage(const OutboxFilter &filter, qint64 beforeRowid, int limit);
    Result<qint64> outboxCount(const OutboxFilter &filter);
    Result<QStringList> outboxChats(int limit);
    Result<QList<OutboxRow>> outboxChangedSince(const OutboxFilter &filter, qint64 changeSeq,
                                                int limit);
    // The newest change's number (0 when the outbox is empty).
    Result<qint64> outboxChangeSeq();
    Result<Backlog> backlog();

    // --- Status reports owed to the cloud, oldest first (storeoutbox.cpp) ---
    Result<QList<StatusRecord>> pendingStatusReports(int limit);
    // The cloud has these (ids of pendingStatusReports): one transaction for all of them.
    Status statusReported(const QList<qint64> &ids);

    // --- Send log, for the pacing caps across restarts (storesendlog.cpp) ---
    Status logSend(const QString &chatId, const QString &kind, qint64 nowMs);
    // Sends since a time, of one kind (all kinds for an empty one).
    Result<int> sendsSince(qint64 sinceMs, const QString &kind = {});
    // Forgets sends older than a time.
    Status pruneSendLog(qint64 beforeMs);

    // --- Delivered bridge packages (storebridge.cpp) ---
    // Keeps a verified package document (state "stored"); false when the version is known.
    Result<bool> storeBridgePackage(const QString &version, const QByteArray &document,
                                    qint64 nowMs);
    Result<std::optional<BridgePackageRecord>> bridgePackage(const QString &version);
    // Every package known here, newest first, without their documents.
    Result<QList<BridgePackageRecord>> bridgePackages();
    // "trying", "good" or "failed" (with why); a failed package's document is dropped: it is
    // never run again, only remembered.
    Status setBridgePackageState(const QString &version, const QString &state,
                                 const QString &failure, qint64 nowMs);
    // Drops the documents of packages that are neither `keep` nor failed (their rows too).
    Status pruneBridgePackages(const QStringList &keep);

    // Settings as numbers (e.g. when the account was first connected, for the warm-up).
    Result<std::optional<qint64>> numberSetting(const QString &key);
    Status setNumberSetting(const QString &key, qint64 value);

    // The key check kept next to the database: an HMAC of a constant under the key, so that
    // a wrong key can be told from a damaged file without revealing anything of the key.
    static QByteArray keyCheck(const QByteArray &key);
    static QString keyCheckPath(const QString &databasePath);

private:
    Store(std::unique_ptr<Database> database, QString path, QString cipherVersion);
    Status queueStatus(const OutboxItem &item, const QString &state, const QString &detail,
                       qint64 nowMs);
    Status insertOutbound(const OutboxItem &item, qint64 nowMs, bool *inserted);
    // `column` is one of ours (client_id, wa_message_id), never input.
    Result<std::optional<OutboxItem>> outboundWhere(const QString &column, const QString &value);
    Status migrate(int targetVersion);

    std::unique_ptr<Database> m_database;
    QString m_path;
    QString m_cipherVersion;
};

} // namespace sak
