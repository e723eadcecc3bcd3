#include "cloud-stub/whatsappsimulator.h"

#include "agent/base/logging.h"
#include "agent/protocol/messagetypes.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace sak::stub {
namespace {

constexpr qint64 kPageAliveMs = 10000;   // a page that polled this recently can be paired
constexpr qint64 kPageForgetMs = 120000; // a page silent this long is gone
constexpr int kDeliveredAfterMs = 300;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QString randomHex(int words)
{
    QString hex;
    for (int i = 0; i < words; ++i)
        hex += QString::number(QRandomGenerator::system()->generate(), 16)
                   .rightJustified(8, u'0')
                   .toUpper();
    return hex;
}

Error invalid(const QString &message)
{
    return Error{u"invalid-request"_s, message};
}

// A stable LID for a number: the LID is WhatsApp's, the number behind it is private.
QString lidOf(const QString &digits)
{
    const QByteArray hash = QCryptographicHash::hash(digits.toUtf8(), QCryptographicHash::Sha256);
    QString lid = u"1"_s;
    for (int i = 0; lid.size() < 15; ++i)
        lid += QString::number(quint8(hash.at(i)) % 10);
    return lid + u"@lid"_s;
}

} // namespace

WhatsAppSimulator::WhatsAppSimulator(const QString &businessNumber, QObject *parent)
    : QObject(parent)
    , m_business(businessNumber)
{}

QString WhatsAppSimulator::businessLid() const
{
    return lidOf(m_business);
}

WhatsAppSimulator::Message
WhatsAppSimulator::businessMessage(const QString &id, const QString &chatId, const QString &body)
{
    Message m;
    m.id = id;
    m.chatId = chatId;
    m.fromMe = true;
    m.body = body;
    m.t = nowMs() / 1000;
    m.ack = 1;
    m.sendCount = 1;
    m.receivedMs = nowMs();
    m.delivered = true;
    return m;
}

void WhatsAppSimulator::record(const Message &m)
{
    m_byId.insert(m.id, m_messages.size());
    m_messages.append(m);
}

void WhatsAppSimulator::remember(const QString &lid, const QString &phone)
{
    m_lidByPhone.insert(phone, lid);
    m_phoneByLid.insert(lid, phone);
}

QJsonObject WhatsAppSimulator::toJson(const Message &m, bool forPage) const
{
    QJsonObject o{{u"id"_s, m.id},
                  {u"chatId"_s, m.chatId},
                  {u"fromMe"_s, m.fromMe},
                  {u"body"_s, m.body},
                  {u"t"_s, m.t},
                  {u"ack"_s, m.ack},
                  {u"senderName"_s, m.senderName}};
    if (!m.author.isEmpty())
        o.insert(u"author"_s, m.author);
    if (!m.extra.isEmpty())
        o.insert(u"x"_s, m.extra);
    // WhatsApp tells the page the number behind a LID when it knows it (the sender's "pn").
    if (const QString phone = m_phoneByLid.value(m.chatId); forPage && !phone.isEmpty())
        o.insert(u"senderPn"_s, phone);
    if (!forPage && !m.media.isEmpty())
        o.insert(u"media"_s, QString::fromLatin1(m.media.toBase64()));
    if (!forPage) {
        o.insert(u"sendCount"_s, m.sendCount);
        o.insert(u"receivedMs"_s, m.receivedMs);
    }
    return o;
}

void WhatsAppSimulator::prunePages()
{
    const qint64 now = nowMs();
    for (auto it = m_pages.begin(); it != m_pages.end();) {
        if (now - it->lastSeenMs > kPageForgetMs)
            it = m_pages.erase(it);
        else
            ++it;
    }
}

void WhatsAppSimulator::post(Page &page, QJsonObject event)
{
    event.insert(u"seq"_s, ++page.seq);
    page.events.append(event);
}

void WhatsAppSimulator::toPairedPages(const QJsonObject &event)
{
    for (Page &page : m_pages) {
        if (page.paired)
            post(page, event);
    }
}

QJsonObject WhatsAppSimulator::hello(const QJsonObject &request)
{
    prunePages();
    const QString pageId = request.value(u"pageId"_s).toString().left(64);
    const QString token = request.value(u"token"_s).toString();
    Page &page = m_pages[pageId];
    page.lastSeenMs = nowMs();
    const bool paired = !token.isEmpty() && m_tokens.contains(token);
    // A paired page coming back keeps what is queued for it; any other starts afresh.
    if (!paired || !page.paired || page.token != token) {
        page.events = {};
        page.acked = page.seq;
    }
    page.paired = paired;
    page.token = paired ? token : QString();
    page.deviceName = request.value(u"deviceName"_s).toString().left(64);

    // The page takes the events that follow this number. The phone's address book tells it
    // the numbers behind the LIDs it knows.
    QJsonArray contacts;
    for (auto it = m_phoneByLid.cbegin(); it != m_phoneByLid.cend(); ++it)
        contacts.append(QJsonObject{{u"lid"_s, it.key()}, {u"phone"_s, it.value()}});
    QJsonObject answer{{u"me"_s, businessWid()},
                       {u"meLid"_s, businessLid()},
                       {u"paired"_s, page.paired},
                       {u"seq"_s, page.acked},
                       {u"contacts"_s, contacts}};
    if (page.paired) {
        QSet<QString> queued;
        for (const auto &event : std::as_const(page.events))
            queued.insert(event[u"msg"_s][u"id"_s].toString());
        // History as the phone syncs it; what no page has received yet arrives as new messages.
        QJsonArray history;
        for (const Message &m : std::as_const(m_messages)) {
            if (m.delivered || m.fromMe)
                history.append(toJson(m, true));
            else if (!queued.contains(m.id))
                post(page, QJsonObject{{u"type"_s, u"msg"_s}, {u"msg"_s, toJson(m, true)}});
        }
        answer.insert(u"history"_s, history);
        qCInfo(lcStub).noquote() << "Simulator: paired page" << pageId << "connected";
    } else {
        qCInfo(lcStub).noquote() << "Simulator: page" << pageId << "is showing a QR code";
    }
    return answer;
}

QJsonObject WhatsAppSimulator::poll(const QString &pageId, qint64 ack)
{
    auto it = m_pages.find(pageId);
    if (it == m_pages.end())
        return {{u"events"_s, QJsonArray{QJsonObject{{u"type"_s, u"reset"_s}}}}};
    it->lastSeenMs = nowMs();
    it->acked = std::clamp(ack, it->acked, it->seq);
    ack = it->acked;
    // What the page acknowledged is gone from its queue; a message counts as delivered only
    // then (a restart of the network loses the queue, never a message).
    QJsonArray pending;
    QJsonArray answer; // a page in conflict gets nothing after the conflict until it takes over
    for (const auto &event : std::as_const(it->events)) {
        const QJsonObject e = event.toObject();
        if (e.value(u"seq"_s).toInteger() > ack) {
            pending.append(e);
            if (!it->conflicted || e.value(u"seq"_s).toInteger() <= it->conflictSeq)
                answer.append(e);
            continue;
        }
        if (e.value(u"type"_s).toString() != u"msg"_s)
            continue;
        if (const auto m = m_byId.constFind(e.value(u"msg"_s).toObject().value(u"id"_s).toString());
            m != m_byId.cend())
            m_messages[*m].delivered = true;
    }
    it->events = pending;
    return {{u"events"_s, answer}};
}

Result<QJsonObject> WhatsAppSimulator::send(const QJsonObject &request)
{
    const QString pageId = request.value(u"pageId"_s).toString();
    const auto page = m_pages.constFind(pageId);
    if (page == m_pages.cend() || !page->paired)
        return Error{u"not-paired"_s, u"This page is not paired."_s};
    const QString id = request.value(u"id"_s).toString();
    const QString to = request.value(u"to"_s).toString();
    const QString body = request.value(u"body"_s).toString();
    const QString type = request.value(u"type"_s).toString(u"chat"_s);
    const QString directPath = request.value(u"directPath"_s).toString();
    if (id.isEmpty() || !to.contains(u'@') || (body.isEmpty() && type == u"chat"_s))
        return invalid(u"id, to and body are required."_s);
    if (type != u"chat"_s && !m_uploads.contains(directPath))
        return invalid(u"A %1 needs the directPath of an upload."_s.arg(type));

    if (const auto known = m_byId.constFind(id); known != m_byId.cend()) {
        // The page uploading again a message the network may not have received (its connection
        // dropped) is not a second send; WhatsApp's servers take a message id once.
        if (request.value(u"resend"_s).toBool())
            return QJsonObject{{u"ok"_s, true}, {u"t"_s, m_messages[*known].t}};
        ++m_messages[*known].sendCount;
        qCWarning(lcStub).noquote() << "Simulator: message" << id << "was sent again ("
                                    << m_messages[*known].sendCount << "times)";
        return QJsonObject{{u"ok"_s, true}, {u"t"_s, m_messages[*known].t}};
    }
    Message m = businessMessage(id, to, body);
    if (type != u"chat"_s || request.contains(u"quotedStanzaID"_s)) {
        m.extra =
            QJsonObject{{u"type"_s, type}, {u"quotedId"_s, request.value(u"quotedStanzaID"_s)}};
        if (type != u"chat"_s) {
            m.media = m_uploads.take(directPath);
            m.extra.insert(u"mimetype"_s, request.value(u"mimetype"_s));
            m.extra.insert(u"filename"_s, request.value(u"filename"_s));
            m.extra.insert(u"size"_s, m.media.size());
        }
    }
    record(m);
    qCInfo(lcStub).noquote() << "Simulator: business sent" << id << "to" << to;
    m_activity[to].append(QJsonObject{{u"what"_s, u"send"_s}, {u"id"_s, id}, {u"tMs"_s, nowMs()}});
    QTimer::singleShot(kDeliveredAfterMs, this, [this, id] { setAck(id, 2); });
    return QJsonObject{{u"ok"_s, true}, {u"t"_s, m.t}};
}

Result<QJsonObject> WhatsAppSimulator::upload(const QJsonObject &request)
{
    const auto page = m_pages.constFind(request.value(u"pageId"_s).toString());
    if (page == m_pages.cend() || !page->paired)
        return Error{u"not-paired"_s, u"This page is not paired."_s};
    const auto bytes = QByteArray::fromBase64Encoding(
        request.value(u"data"_s).toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!bytes || (*bytes).isEmpty())
        return invalid(u"data (the file, base64) is required."_s);
    const QString path = u"/wa/media?upload="_s + randomHex(4);
    m_uploads.insert(path, *bytes);
    return QJsonObject{
        {u"directPath"_s, path},
        {u"mediaKey"_s, randomHex(8)},
        {u"filehash"_s,
         QString::fromLatin1(
             QCryptographicHash::hash(*bytes, QCryptographicHash::Sha256).toBase64())}};
}

Result<QJsonObject> WhatsAppSimulator::activity(const QJsonObject &request)
{
    const auto page = m_pages.constFind(request.value(u"pageId"_s).toString());
    if (page == m_pages.cend() || !page->paired)
        return Error{u"not-paired"_s, u"This page is not paired."_s};
    const QString chatId = request.value(u"chatId"_s).toString();
    const QString what = request.value(u"what"_s).toString();
    if (!chatId.contains(u'@') ||
        !QStringList{u"seen"_s, u"composing"_s, u"paused"_s}.contains(what))
        return invalid(u"chatId and what (seen, composing or paused) are required."_s);
    m_activity[chatId].append(QJsonObject{{u"what"_s, what}, {u"tMs"_s, nowMs()}});
    return QJsonObject{{u"ok"_s, true}};
}

Result<QJsonObject> WhatsAppSimulator::takeover(const QJsonObject &request)
{
    const auto page = m_pages.find(request.value(u"pageId"_s).toString());
    if (page == m_pages.end() || !page->paired)
        return Error{u"not-paired"_s, u"This page is not paired."_s};
    page->conflicted = false;
    qCInfo(lcStub) << "Simulator: a page took the session over";
    return QJsonObject{{u"ok"_s, true}};
}

Result<QJsonObject> WhatsAppSimulator::pairingCode(const QJsonObject &request)
{
    const auto page = m_pages.find(request.value(u"pageId"_s).toString());
    if (page == m_pages.end() || page->paired)
        return Error{u"not-unpaired"_s, u"This page is not waiting to be paired."_s};
    static const QRegularExpression phone(u"^[0-9]{8,15}$"_s);
    if (!phone.match(request.value(u"phone"_s).toString()).hasMatch())
        return invalid(u"phone must be 8 to 15 digits, with the country code and no '+'."_s);
    static const QString letters = u"ABCDEFGHJKLMNPQRSTVWXYZ23456789"_s;
    QString code;
    for (int i = 0; i < 8; ++i)
        code += letters.at(QRandomGenerator::global()->bounded(int(letters.size())));
    code.insert(4, u'-');
    page->linkCode = code;
    return QJsonObject{{u"code"_s, code}};
}

Result<QJsonObject> WhatsAppSimulator::lookup(const QJsonObject &request)
{
    const auto page = m_pages.constFind(request.value(u"pageId"_s).toString());
    if (page == m_pages.cend() || !page->paired)
        return Error{u"not-paired"_s, u"This page is not paired."_s};
    static const QRegularExpression phone(u"^[0-9]{6,15}@c\\.us$"_s);
    static const QRegularExpression lid(u"^[0-9]{6,20}@lid$"_s);
    const QString id = request.value(u"id"_s).toString();
    if (phone.match(id).hasMatch())
        return QJsonObject{
            {u"exists"_s, true}, {u"phone"_s, id}, {u"lid"_s, m_lidByPhone.value(id)}};
    if (lid.match(id).hasMatch())
        return QJsonObject{
            {u"exists"_s, true}, {u"phone"_s, m_phoneByLid.value(id)}, {u"lid"_s, id}};
    return invalid(u"id must be a phone number (…@c.us) or a LID (…@lid)."_s);
}

Result<QJsonObject> WhatsAppSimulator::logoutPage(const QJsonObject &request)
{
    const auto page = m_pages.find(request.value(u"pageId"_s).toString());
    if (page == m_pages.end() || !page->paired)
        return Error{u"not-paired"_s, u"This page is not paired."_s};
    m_tokens.remove(page->token);
    page->paired = false;
    page->token.clear();
    qCInfo(lcStub) << "Simulator: a page logged its device out";
    return QJsonObject{{u"ok"_s, true}};
}

QJsonArray WhatsAppSimulator::activityIn(const QString &chatId) const
{
    return m_activity.value(chatId);
}

void WhatsAppSimulator::setAck(const QString &id, int ack)
{
    const auto it = m_byId.constFind(id);
    if (it == m_byId.cend())
        return;
    Message &m = m_messages[*it];
    if (m.ack >= ack)
        return;
    m.ack = ack;
    toPairedPages(QJsonObject{
        {u"type"_s, u"ack"_s}, {u"id"_s, id}, {u"chatId"_s, m.chatId}, {u"ack"_s, ack}});
}

Result<QJsonObject> WhatsAppSimulator::inject(const QJsonObject &request)
{
    // A customer's own chat, a group (then with the member who wrote), a status or a channel.
    // A LID chat may name the number behind it (phone), as WhatsApp does when it knows it.
    static const QRegularExpression phone(u"^[0-9]{6,15}@c\\.us$"_s);
    static const QRegularExpression lid(u"^[0-9]{6,20}@lid$"_s);
    static const QRegularExpression other(
        u"^([0-9]{6,20}(-[0-9]{6,12})?@g\\.us|status@broadcast|[0-9]{6,20}@newsletter)$"_s);
    const QString chatId = request.value(u"chatId"_s).toString();
    const QString body = request.value(u"body"_s).toString();
    const QString author = request.value(u"author"_s).toString();
    const QString number = request.value(u"phone"_s).toString();
    if (!phone.match(chatId).hasMatch() && !lid.match(chatId).hasMatch() &&
        !other.match(chatId).hasMatch())
        return invalid(
            u"chatId must be a phone chat like 491701234567@c.us, a LID chat (…@lid), a group (…@g.us), status@broadcast or a channel (…@newsletter)."_s);
    if (!number.isEmpty() && (!lid.match(chatId).hasMatch() || !phone.match(number).hasMatch()))
        return invalid(
            u"phone (the number behind a LID chat, like 491701234567@c.us) goes only with a LID chat."_s);
    static const QStringList placeholders{u"view_once_unavailable_fanout"_s};
    const QString placeholder = request.value(u"placeholder"_s).toString();
    if (!placeholder.isEmpty() && !placeholders.contains(placeholder))
        return invalid(u"placeholder must be one of %1."_s.arg(placeholders.join(u", "_s)));
    if (chatId.endsWith(u"@g.us"_s) != phone.match(author).hasMatch())
        return invalid(
            u"author (the member who wrote, like 491701234567@c.us) is required in a group chat and only there."_s);
    // Besides text: media (with its bytes as base64), a location, a contact card, a reaction
    // to an earlier message; any of them may quote (reply to) an earlier message.
    static const QStringList types{u"chat"_s,  u"image"_s,    u"video"_s,   u"audio"_s,
                                   u"ptt"_s,   u"document"_s, u"sticker"_s, u"location"_s,
                                   u"vcard"_s, u"reaction"_s};
    const QString type = request.value(u"type"_s).toString(u"chat"_s);
    if (!types.contains(type))
        return invalid(u"type must be one of %1."_s.arg(types.join(u", "_s)));
    const bool media =
        !QStringList{u"chat"_s, u"location"_s, u"vcard"_s, u"reaction"_s}.contains(type);
    if ((type == u"chat"_s || type == u"vcard"_s || type == u"reaction"_s) && body.isEmpty())
        return invalid(
            u"body (the text, contact card or reaction emoji) is required for %1."_s.arg(type));
    if (body.size() > 65536)
        return invalid(u"body must be at most 65536 characters."_s);
    const auto bytes = QByteArray::fromBase64Encoding(
        request.value(u"data"_s).toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (media &&
        (!bytes || (*bytes).isEmpty() || request.value(u"mimetype"_s).toString().isEmpty()))
        return invalid(u"%1 needs mimetype and data (the file, base64)."_s.arg(type));
    if (type == u"reaction"_s && request.value(u"quotedId"_s).toString().isEmpty())
        return invalid(u"a reaction needs quotedId, the id of the message it reacts to."_s);
    if (chatId == businessWid())
        return invalid(u"The customer cannot be the business itself."_s);

    Message m;
    m.id = request.value(u"id"_s).toString();
    if (m.id.isEmpty())
        m.id = u"3A"_s + randomHex(4);
    if (m_byId.contains(m.id))
        return invalid(u"A message with id %1 exists already."_s.arg(m.id));
    m.chatId = chatId;
    m.body = body;
    m.t = nowMs() / 1000;
    m.senderName = request.value(u"senderName"_s).toString().left(64);
    m.author = author;
    if (!number.isEmpty())
        remember(chatId, number);
    if (type != u"chat"_s || request.contains(u"quotedId"_s)) {
        m.extra = QJsonObject{{u"type"_s, type}, {u"quotedId"_s, request.value(u"quotedId"_s)}};
        if (media) {
            m.media = *bytes;
            m.extra.insert(u"mimetype"_s, request.value(u"mimetype"_s));
            m.extra.insert(u"filename"_s, request.value(u"filename"_s));
            m.extra.insert(u"size"_s, m.media.size());
            // A size WhatsApp announces may differ from the file (tests of the limit use it).
            if (request.contains(u"announcedSize"_s))
                m.extra.insert(u"size"_s, request.value(u"announcedSize"_s));
        }
        if (type == u"location"_s) {
            m.extra.insert(u"lat"_s, request.value(u"lat"_s));
            m.extra.insert(u"lng"_s, request.value(u"lng"_s));
        }
    }

    bool anyPaired = false;
    prunePages();
    for (const Page &page : std::as_const(m_pages))
        anyPaired = anyPaired || (page.paired && nowMs() - page.lastSeenMs < kPageAliveMs);
    if (anyPaired) {
        toPairedPages(
            QJsonObject{{u"type"_s, u"msg"_s},
                        {u"msg"_s, toJson(m, true)},
                        {u"ciphertextFirst"_s, request.value(u"ciphertextFirst"_s).toBool()},
                        {u"placeholder"_s, placeholder}});
    }
    record(m);
    qCInfo(lcStub).noquote() << "Simulator: customer" << chatId << "sent" << m.id
                             << (anyPaired ? "" : "(held until a paired page connects)");
    return QJsonObject{{u"id"_s, m.id},
                       {u"serialized"_s, u"false_%1_%2"_s.arg(chatId, m.id)},
                       {u"delivered"_s, anyPaired}};
}

Result<QJsonObject> WhatsAppSimulator::scan()
{
    prunePages();
    QString newest;
    qint64 newestSeen = 0;
    for (auto it = m_pages.cbegin(); it != m_pages.cend(); ++it) {
        if (!it->paired && it->lastSeenMs > newestSeen && nowMs() - it->lastSeenMs < kPageAliveMs) {
            newest = it.key();
            newestSeen = it->lastSeenMs;
        }
    }
    if (newest.isEmpty())
        return Error{
            u"no-qr"_s,
            u"No WhatsApp page is showing a QR code right now: start the agent and wait until it asks for pairing."_s};
    pair(newest);
    qCInfo(lcStub).noquote() << "Simulator: QR of page" << newest << "scanned";
    return QJsonObject{{u"pageId"_s, newest}};
}

void WhatsAppSimulator::pair(const QString &pageId)
{
    Page &page = m_pages[pageId];
    page.paired = true;
    page.conflicted = false;
    page.linkCode.clear();
    page.token = randomHex(8);
    m_tokens.insert(page.token);
    post(page, QJsonObject{{u"type"_s, u"paired"_s}, {u"token"_s, page.token}});
}

Result<QJsonObject> WhatsAppSimulator::linkWithCode(const QString &code)
{
    prunePages();
    for (auto it = m_pages.cbegin(); it != m_pages.cend(); ++it) {
        if (!it->paired && !code.isEmpty() && it->linkCode == code.trimmed().toUpper()) {
            const QString pageId = it.key();
            pair(pageId);
            qCInfo(lcStub).noquote() << "Simulator: page" << pageId << "linked with its code";
            return QJsonObject{{u"pageId"_s, pageId}};
        }
    }
    return Error{
        u"unknown-code"_s,
        u"No WhatsApp page shows this pairing code: check the code, or ask the agent for a new one."_s};
}

Result<QJsonObject> WhatsAppSimulator::edit(const QString &id, const QString &body)
{
    const auto it = m_byId.constFind(id);
    if (it == m_byId.cend() || m_messages.at(*it).fromMe)
        return Error{u"unknown-message"_s, u"No customer's message has the id %1."_s.arg(id)};
    if (body.isEmpty() || body.size() > 65536)
        return invalid(u"body must be 1 to 65536 characters."_s);
    Message &m = m_messages[*it];
    m.body = body;
    toPairedPages(QJsonObject{
        {u"type"_s, u"edit"_s}, {u"chatId"_s, m.chatId}, {u"id"_s, id}, {u"body"_s, body}});
    return QJsonObject{{u"id"_s, id}};
}

Result<QJsonObject> WhatsAppSimulator::revoke(const QString &id)
{
    const auto it = m_byId.constFind(id);
    if (it == m_byId.cend() || m_messages.at(*it).fromMe)
        return Error{u"unknown-message"_s, u"No customer's message has the id %1."_s.arg(id)};
    Message &m = m_messages[*it];
    m.body.clear();
    m.extra.insert(u"type"_s, u"revoked"_s);
    toPairedPages(QJsonObject{{u"type"_s, u"revoke"_s}, {u"chatId"_s, m.chatId}, {u"id"_s, id}});
    return QJsonObject{{u"id"_s, id}};
}

Result<QJsonObject> WhatsAppSimulator::fail(const QString &id, int ack)
{
    const auto it = m_byId.constFind(id);
    if (it == m_byId.cend() || !m_messages.at(*it).fromMe)
        return Error{u"unknown-message"_s,
                     u"The business sent no message with the id %1."_s.arg(id)};
    if (ack < -7 || ack > -1)
        return invalid(u"ack must be one of WhatsApp's failures, -7 to -1."_s);
    Message &m = m_messages[*it];
    m.ack = ack;
    toPairedPages(QJsonObject{
        {u"type"_s, u"ack"_s}, {u"id"_s, id}, {u"chatId"_s, m.chatId}, {u"ack"_s, ack}});
    return QJsonObject{{u"id"_s, id}, {u"ack"_s, ack}};
}

Result<QJsonObject> WhatsAppSimulator::poll(const QJsonObject &request)
{
    const QString chatId = request.value(u"chatId"_s).toString();
    const QString name = request.value(u"name"_s).toString();
    const QJsonArray options = request.value(u"options"_s).toArray();
    static const QRegularExpression person(u"^[0-9]{6,20}@(c\\.us|lid)$"_s);
    if (!person.match(chatId).hasMatch() || name.isEmpty() || options.size() < 2 ||
        options.size() > 12)
        return invalid(
            u"chatId (a person's chat), name and 2 to 12 options (texts) are required."_s);
    QJsonArray pollOptions;
    for (qsizetype i = 0; i < options.size(); ++i) {
        if (options.at(i).toString().isEmpty())
            return invalid(u"Each option is a text."_s);
        pollOptions.append(QJsonObject{{u"localId"_s, i}, {u"name"_s, options.at(i).toString()}});
    }
    Message m = businessMessage(u"3EB0"_s + randomHex(5), chatId, name);
    m.extra = QJsonObject{
        {u"type"_s, u"poll_creation"_s}, {u"pollName"_s, name}, {u"pollOptions"_s, pollOptions}};
    record(m);
    toPairedPages(QJsonObject{{u"type"_s, u"msg"_s}, {u"msg"_s, toJson(m, true)}});
    return QJsonObject{{u"id"_s, m.id}};
}

Result<QJsonObject> WhatsAppSimulator::vote(const QJsonObject &request)
{
    const QString pollId = request.value(u"pollId"_s).toString();
    const auto it = m_byId.constFind(pollId);
    if (it == m_byId.cend() ||
        m_messages.at(*it).extra.value(u"type"_s).toString() != u"poll_creation"_s)
        return Error{u"unknown-poll"_s, u"The business sent no poll with the id %1."_s.arg(pollId)};
    const Message &poll = m_messages.at(*it);
    const qsizetype count = poll.extra.value(u"pollOptions"_s).toArray().size();
    QJsonArray selected;
    for (const auto option : request.value(u"options"_s).toArray()) {
        if (!option.isDouble() || option.toInt() < 0 || option.toInt() >= count)
            return invalid(
                u"options are the indexes of the options chosen (0 to %1)."_s.arg(count - 1));
        selected.append(option.toInt());
    }
    const QString voteId = u"3A"_s + randomHex(4);
    toPairedPages(QJsonObject{{u"type"_s, u"vote"_s},
                              {u"id"_s, voteId},
                              {u"chatId"_s, poll.chatId},
                              {u"pollId"_s, pollId},
                              {u"options"_s, selected}});
    return QJsonObject{{u"id"_s, voteId}};
}

std::optional<std::pair<QByteArray, QString>> WhatsAppSimulator::mediaFile(const QString &id)
{
    const auto it = m_byId.constFind(id);
    if (it == m_byId.cend() || m_messages.at(*it).media.isEmpty())
        return std::nullopt;
    ++m_downloads[id];
    const Message &m = m_messages.at(*it);
    return std::pair{m.media, m.extra.value(u"mimetype"_s).toString()};
}

Result<QJsonObject> WhatsAppSimulator::block(const QString &state)
{
    if (!QStringList{u"TOS_BLOCK"_s, u"SMB_TOS_BLOCK"_s, u"PROXYBLOCK"_s}.contains(state))
        return invalid(u"state must be TOS_BLOCK, SMB_TOS_BLOCK or PROXYBLOCK."_s);
    int n = 0;
    for (Page &page : m_pages) {
        if (page.paired) {
            post(page, QJsonObject{{u"type"_s, u"block"_s}, {u"state"_s, state}});
            ++n;
        }
    }
    return QJsonObject{{u"pages"_s, n}};
}

Result<QJsonObject> WhatsAppSimulator::conflict()
{
    int n = 0;
    for (Page &page : m_pages) {
        if (page.paired && !page.conflicted) {
            page.conflicted = true;
            post(page, QJsonObject{{u"type"_s, u"conflict"_s}});
            page.conflictSeq = page.seq;
            ++n;
        }
    }
    return QJsonObject{{u"pages"_s, n}};
}

Result<QJsonObject> WhatsAppSimulator::logout()
{
    int n = 0;
    for (Page &page : m_pages) {
        if (page.paired) {
            post(page,
                 QJsonObject{{u"type"_s, u"logout"_s}, {u"reason"_s, u"primary_logged_out"_s}});
            page.paired = false;
            ++n;
        }
    }
    m_tokens.clear();
    return QJsonObject{{u"loggedOut"_s, n}};
}

Result<QJsonObject> WhatsAppSimulator::announceUpdate()
{
    int n = 0;
    for (Page &page : m_pages) {
        if (page.paired) {
            post(page, QJsonObject{{u"type"_s, u"needs-update"_s}});
            ++n;
        }
    }
    return QJsonObject{{u"pages"_s, n}};
}

Result<QJsonObject> WhatsAppSimulator::markRead(const QString &chatId)
{
    int n = 0;
    for (const Message &m : std::as_const(m_messages)) {
        if (m.chatId == chatId && m.fromMe && m.ack < 3) {
            setAck(m.id, 3);
            ++n;
        }
    }
    return QJsonObject{{u"read"_s, n}};
}

QJsonObject WhatsAppSimulator::state() const
{
    QJsonArray pages;
    bool paired = false;
    const qint64 now = nowMs();
    for (auto it = m_pages.cbegin(); it != m_pages.cend(); ++it) {
        const bool alive = now - it->lastSeenMs < kPageAliveMs;
        pages.append(QJsonObject{{u"pageId"_s, it.key()},
                                 {u"paired"_s, it->paired},
                                 {u"alive"_s, alive},
                                 {u"deviceName"_s, it->deviceName}});
        paired = paired || (alive && it->paired);
    }
    return {{u"business"_s, businessWid()}, {u"paired"_s, paired}, {u"pages"_s, pages}};
}

QJsonArray WhatsAppSimulator::chat(const QString &chatId) const
{
    QJsonArray out;
    for (const Message &m : m_messages) {
        if (m.chatId == chatId)
            out.append(toJson(m, false));
    }
    return out;
}

QJsonArray WhatsAppSimulator::sentByBusiness() const
{
    QJsonArray out;
    for (const Message &m : m_messages) {
        if (m.fromMe)
            out.append(toJson(m, false));
    }
    return out;
}

QJsonObject WhatsAppSimulator::snapshot() const
{
    QJsonArray messages;
    for (const Message &m : m_messages) {
        QJsonObject o = toJson(m, false);
        o.insert(u"delivered"_s, m.delivered);
        messages.append(o);
    }
    QJsonArray tokens;
    for (const QString &token : m_tokens)
        tokens.append(token);
    QJsonObject lids;
    for (auto it = m_phoneByLid.cbegin(); it != m_phoneByLid.cend(); ++it)
        lids.insert(it.key(), it.value());
    return {{u"messages"_s, messages}, {u"sessions"_s, tokens}, {u"lids"_s, lids}};
}

void WhatsAppSimulator::restore(const QJsonObject &snapshot)
{
    m_messages.clear();
    m_byId.clear();
    m_tokens.clear();
    for (const auto &value : snapshot.value(u"messages"_s).toArray()) {
        const QJsonObject o = value.toObject();
        Message m;
        m.id = o.value(u"id"_s).toString();
        m.chatId = o.value(u"chatId"_s).toString();
        m.fromMe = o.value(u"fromMe"_s).toBool();
        m.body = o.value(u"body"_s).toString();
        m.t = o.value(u"t"_s).toInteger();
        m.ack = o.value(u"ack"_s).toInt();
        m.sendCount = o.value(u"sendCount"_s).toInt();
        m.receivedMs = o.value(u"receivedMs"_s).toInteger();
        m.senderName = o.value(u"senderName"_s).toString();
        m.author = o.value(u"author"_s).toString();
        m.extra = o.value(u"x"_s).toObject();
        m.media = QByteArray::fromBase64(o.value(u"media"_s).toString().toLatin1());
        m.delivered = o.value(u"delivered"_s).toBool();
        if (m.id.isEmpty() || m_byId.contains(m.id))
            continue;
        record(m);
        if (m.fromMe && m.ack < 2) // the delivery the restart interrupted
            QTimer::singleShot(kDeliveredAfterMs, this, [this, id = m.id] { setAck(id, 2); });
    }
    for (const auto &token : snapshot.value(u"sessions"_s).toArray())
        m_tokens.insert(token.toString());
    const QJsonObject lids = snapshot.value(u"lids"_s).toObject();
    for (auto it = lids.begin(); it != lids.end(); ++it)
        remember(it.key(), it.value().toString());
}

} // namespace sak::stub
