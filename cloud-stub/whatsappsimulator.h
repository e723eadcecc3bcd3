#pragma once

#include "agent/base/result.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>

#include <optional>

namespace sak::stub {

// The server side of the WhatsApp Web simulator: the "phone network" the simulated page talks
// to. It holds the chats of one business number, pairs pages ("scanning" their QR code),
// delivers customers' messages to paired pages and moves the acks of what the business sends.
// The page itself (web/wa/) implements WhatsApp Web's internal module surface.
class WhatsAppSimulator : public QObject
{
    Q_OBJECT
public:
    explicit WhatsAppSimulator(const QString &businessNumber, QObject *parent = nullptr);

    // Page API (HTTPS, /wa/api/...), used only by the simulated page.
    // A paired page's hello also hands it what was held for it, as an offline burst: the
    // answer's "offline" counts the messages, their events carry "offline": true, and an
    // "offline-end" event follows the last one.
    QJsonObject hello(const QJsonObject &request);
    // The page's events after `ack`, the sequence number of the last one it processed: events
    // are kept (and sent again) until the page acknowledges them, so a lost answer loses
    // nothing.
    QJsonObject poll(const QString &pageId, qint64 ack);
    Result<QJsonObject> send(const QJsonObject &request);
    // What the business did in a chat besides sending: seen, composing, paused.
    Result<QJsonObject> activity(const QJsonObject &request);
    // The account's presence as a linked device sets it ("available" shows the account online
    // to every contact, and the owner's phone stops notifying while it is).
    Result<QJsonObject> presence(const QJsonObject &request);
    // The linked device declined a ringing call.
    Result<QJsonObject> rejectCall(const QJsonObject &request);
    // WhatsApp open elsewhere: the page that takes over gets its messages again.
    // A file the business sends, stored before the message that carries it.
    Result<QJsonObject> upload(const QJsonObject &request);
    Result<QJsonObject> takeover(const QJsonObject &request);
    // Linking by phone number: a code for the page to show, to be typed on the phone.
    Result<QJsonObject> pairingCode(const QJsonObject &request);
    // usync: whether a number (or LID) is on WhatsApp, and the LID and number behind it.
    Result<QJsonObject> lookup(const QJsonObject &request);
    // The page logs this device out ("Log out" on the computer): the session is gone.
    Result<QJsonObject> logoutPage(const QJsonObject &request);

    // Control API (loopback HTTP, /control/...), used by tests, the demo and the customer panel.
    Result<QJsonObject> inject(const QJsonObject &request);
    Result<QJsonObject> scan();
    // The shop owner typed a page's pairing code on the phone.
    Result<QJsonObject> linkWithCode(const QString &code);
    // The servers lost every page's connection (a network blip): each page says hello again
    // at its next poll and gets what was held for it meanwhile as an offline burst.
    Result<QJsonObject> dropConnections();
    // WhatsApp was opened in another browser: paired pages step back (CONFLICT).
    Result<QJsonObject> conflict();
    // WhatsApp refuses the account: TOS_BLOCK, SMB_TOS_BLOCK or PROXYBLOCK on paired pages.
    Result<QJsonObject> block(const QString &state);
    // The customer edited or deleted ("revoked") a message they sent.
    Result<QJsonObject> edit(const QString &id, const QString &body);
    Result<QJsonObject> revoke(const QString &id);
    // WhatsApp failed a message of the business: ack is WhatsApp's failure level, -7..-1.
    Result<QJsonObject> fail(const QString &id, int ack);
    // The business sent a poll (from its phone): {chatId, name, options: [text]}; a customer
    // votes on it: {pollId, options: [index]}.
    Result<QJsonObject> poll(const QJsonObject &request);
    Result<QJsonObject> vote(const QJsonObject &request);
    // A number that is not on WhatsApp (…@c.us): lookups of it find no one.
    Result<QJsonObject> unregister(const QString &phone);
    // A customer calls the business ({from, video}); it rings on the paired pages.
    Result<QJsonObject> call(const QJsonObject &request);
    // A call as it stands: {id, from, video, t, state: ringing or rejected}; empty if unknown.
    QJsonObject callState(const QString &id) const { return m_calls.value(id); }
    // A media file, as WhatsApp's media servers hand it to the page (counted).
    std::optional<std::pair<QByteArray, QString>> mediaFile(const QString &id);
    int mediaDownloads(const QString &id) const { return m_downloads.value(id); }
    Result<QJsonObject> markRead(const QString &chatId);
    Result<QJsonObject> logout();
    // A newer WhatsApp Web is out: paired pages show "update available" (Stream.needsUpdate).
    Result<QJsonObject> announceUpdate();
    // The page keeps memory it never frees, as WhatsApp Web's grows over days, so that the
    // agent's memory watchdog has something real to find: {"mb": N} makes every paired page
    // allocate N MB (filled, so that the pages are committed) once; {"mbPerPoll": N} makes
    // every paired page, reloaded ones too, allocate N MB at each poll (0 stops it). A page
    // holds 2048 MB at most.
    Result<QJsonObject> leak(const QJsonObject &request);
    int leakPerPoll() const { return m_leakPerPoll; }
    QJsonObject state() const;
    QJsonArray chat(const QString &chatId) const;
    QJsonArray sentByBusiness() const;
    // Everything the business did in a chat, with server times in ms (sends included).
    QJsonArray activityIn(const QString &chatId) const;
    // Every presence the linked devices sent, oldest first: {available, tMs}.
    QJsonArray presenceLog() const { return m_presence; }

    QString businessWid() const { return m_business + QStringLiteral("@c.us"); }
    // The business's LID: most one-to-one chats are addressed by LID since 2025-2026.
    QString businessLid() const;

    // The "phone network" survives a restart of the stub: chats and paired sessions. Pages are
    // not kept; they say hello again.
    QJsonObject snapshot() const;
    void restore(const QJsonObject &snapshot);

Q_SIGNALS:
    // Some page has new events to poll (emitted in the middle of the simulator's work).
    void eventsPosted();

private:
    struct Message
    {
        QString id; // the key's id part; with fromMe and chatId it forms the serialized id
        QString chatId;
        bool fromMe = false;
        QString body;
        qint64 t = 0;
        int ack = 0;
        int sendCount = 0;     // how often the page sent this id (more than 1 is a double send)
        qint64 receivedMs = 0; // when the network took a message of the business
        QString senderName;
        QString author; // who wrote it, in a group chat
        // What a message other than a text carries, as the page's model holds it: type,
        // caption, mimetype, filename, size, directPath, lat, lng, quotedId.
        QJsonObject extra;
        QByteArray media;       // the file behind directPath
        bool delivered = false; // reached a paired page
    };
    struct Page
    {
        QString token;
        qint64 lastSeenMs = 0;
        QJsonArray events; // not acknowledged yet, each with its "seq"
        qint64 seq = 0;    // of the newest event
        qint64 acked = 0;  // the newest event the page acknowledged
        bool paired = false;
        bool conflicted = false; // another browser has the session; events after
        qint64 conflictSeq = 0;  // the conflict's own wait until it takes over
        QString linkCode;        // the pairing code it shows, if any
        QString deviceName;      // what the phone lists this linked device as
        bool dropped = false;    // its connection was lost: it must say hello again
    };
    static constexpr qint64 kPageAliveMs = 10000; // a page that polled this recently can be paired
    static constexpr qint64 kPageForgetMs = 120000; // a page silent this long is gone
    static constexpr int kDeliveredAfterMs = 300;
    static qint64 nowMs();
    static QString randomHex(int words);
    static Error invalid(const QString &message);
    // The paired page a page API request comes from; null when there is none (notPaired()).
    Page *pairedPage(const QJsonObject &request);
    static Error notPaired();
    // A stable LID for a number: the LID is WhatsApp's, the number behind it is private.
    static QString lidOf(const QString &digits);

    // Queues an event for the page (eventsPosted() tells the page's connection).
    void post(Page &page, QJsonObject event);

    QJsonObject toJson(const Message &m, bool forPage) const;
    // A message of the business, taken by the network just now.
    static Message businessMessage(const QString &id, const QString &chatId, const QString &body);
    void record(const Message &m);
    void remember(const QString &lid, const QString &phone);
    void toPairedPages(const QJsonObject &event);
    void setAck(const QString &id, int ack);
    void prunePages();
    void pair(const QString &pageId);

    QString m_business;
    QHash<QString, Page> m_pages; // by page id
    QSet<QString> m_tokens;       // device tokens of paired pages (their "session")
    QList<Message> m_messages;
    QHash<QString, QJsonArray> m_activity; // by chat
    QJsonArray m_presence;
    QHash<QString, QJsonObject> m_calls; // by call id
    QSet<QString> m_unregistered;        // numbers not on WhatsApp
    QHash<QString, qsizetype> m_byId;
    QHash<QString, QByteArray> m_uploads; // by directPath, until a sent message takes it
    QHash<QString, int> m_downloads;      // how often each message's media was fetched
    // The LID behind a phone number (both as wids), as WhatsApp's servers know it.
    QHash<QString, QString> m_lidByPhone;
    QHash<QString, QString> m_phoneByLid;
    int m_leakPerPoll = 0; // MB each paired page allocates at each poll
};

} // namespace sak::stub
