// The simulator's control API (/control/...), for tests, the demo and the customer panel:
// customers write, edit, revoke, vote and read; the shop owner scans or links; WhatsApp fails,
// blocks, conflicts, logs out and announces updates; and what happened, read back.
#include "cloud-stub/whatsappsimulator.h"

#include "agent/base/logging.h"
#include "agent/protocol/messagetypes.h"

#include <QRegularExpression>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace sak::stub {

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
                        // How long it stays undecrypted (ms): a moment, or longer than the
                        // agent waits.
                        {u"decryptAfterMs"_s,
                         std::clamp(request.value(u"decryptAfterMs"_s).toInt(700), 0, 600000)},
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
    // A single-choice poll takes one option (the phone's screen allows no more).
    if (poll.extra.value(u"selectable"_s).toInt() == 1 && selected.size() > 1)
        return invalid(u"This poll takes a single option."_s);
    const QString voteId = u"3A"_s + randomHex(4);
    toPairedPages(QJsonObject{{u"type"_s, u"vote"_s},
                              {u"id"_s, voteId},
                              {u"chatId"_s, poll.chatId},
                              {u"pollId"_s, pollId},
                              {u"options"_s, selected}});
    return QJsonObject{{u"id"_s, voteId}};
}

Result<QJsonObject> WhatsAppSimulator::unregister(const QString &phone)
{
    static const QRegularExpression number(u"^[0-9]{6,15}@c\\.us$"_s);
    if (!number.match(phone).hasMatch())
        return invalid(u"phone must be a number chat like 491701234567@c.us."_s);
    m_unregistered.insert(phone);
    return QJsonObject{{u"ok"_s, true}};
}

Result<QJsonObject> WhatsAppSimulator::call(const QJsonObject &request)
{
    static const QRegularExpression caller(u"^[0-9]{6,20}@(c\\.us|lid)$"_s);
    const QString from = request.value(u"from"_s).toString();
    if (!caller.match(from).hasMatch())
        return invalid(u"from must be the caller's chat, like 491701234567@c.us or …@lid."_s);
    const QString id = randomHex(16);
    const bool video = request.value(u"video"_s).toBool();
    const qint64 t = nowMs() / 1000;
    m_calls.insert(id, QJsonObject{{u"id"_s, id},
                                   {u"from"_s, from},
                                   {u"video"_s, video},
                                   {u"t"_s, t},
                                   {u"state"_s, u"ringing"_s}});
    toPairedPages(QJsonObject{{u"type"_s, u"call"_s},
                              {u"id"_s, id},
                              {u"from"_s, from},
                              {u"isVideo"_s, video},
                              {u"t"_s, t}});
    qCInfo(lcStub).noquote() << "Simulator:" << from << "calls (" << (video ? "video" : "voice")
                             << ")";
    return QJsonObject{{u"id"_s, id}};
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

Result<QJsonObject> WhatsAppSimulator::leak(const QJsonObject &request)
{
    const QJsonValue once = request.value(u"mb"_s);
    const QJsonValue perPoll = request.value(u"mbPerPoll"_s);
    const auto whole = [](const QJsonValue &v, int max) {
        return v.isDouble() && v.toDouble() == double(v.toInt()) && v.toInt() >= 0 &&
               v.toInt() <= max;
    };
    if ((once.isUndefined() && perPoll.isUndefined()) ||
        (!once.isUndefined() && !whole(once, 2048)) ||
        (!perPoll.isUndefined() && !whole(perPoll, 64)))
        return invalid(
            u"Give mb (0-2048, allocated once by every paired page) or mbPerPoll (0-64, at each poll; 0 stops it)."_s);
    int pages = 0;
    if (once.toInt() > 0) {
        for (Page &page : m_pages) {
            if (page.paired) {
                post(page, QJsonObject{{u"type"_s, u"leak"_s}, {u"mb"_s, once.toInt()}});
                ++pages;
            }
        }
    }
    if (!perPoll.isUndefined())
        m_leakPerPoll = perPoll.toInt();
    qCInfo(lcStub).noquote() << "Simulator: pages leak" << once.toInt() << "MB once and"
                             << m_leakPerPoll << "MB at each poll";
    return QJsonObject{{u"pages"_s, pages}, {u"mbPerPoll"_s, m_leakPerPoll}};
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

QJsonArray WhatsAppSimulator::activityIn(const QString &chatId) const
{
    return m_activity.value(chatId);
}

} // namespace sak::stub
