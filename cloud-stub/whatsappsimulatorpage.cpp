// The simulated page's calls (over its WebSocket, PageChannel): hello (with the offline burst) and
// the event poll, sending and uploading, what the business does in a chat, taking over, linking by
// code, lookups, logging out and the media downloads; and the pages' connections dropping.
#include "cloud-stub/whatsappsimulator.h"

#include "agent/base/logging.h"

#include <algorithm>
#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace sak::stub {

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
    page.dropped = false;

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
        // What WhatsApp held for this device while it was away reaches it as the "offline"
        // burst, as on a real reconnect: the answer says how many messages, their events are
        // marked, and an event after the last one ends the burst. Messages still queued from
        // before are part of it, so an earlier connection's end event is dropped.
        qint64 offline = 0;
        QSet<QString> queued;
        QJsonArray kept;
        for (const auto &value : std::as_const(page.events)) {
            QJsonObject event = value.toObject();
            const QString type = event.value(u"type"_s).toString();
            if (type == u"offline-end"_s)
                continue;
            if (type == u"msg"_s) {
                queued.insert(event[u"msg"_s][u"id"_s].toString());
                event.insert(u"offline"_s, true);
                ++offline;
            }
            kept.append(event);
        }
        page.events = kept;
        // History as the phone syncs it; what no page has received yet is held for this one.
        QJsonArray history;
        for (const Message &m : std::as_const(m_messages)) {
            if (m.delivered || m.fromMe) {
                history.append(toJson(m, true));
            } else if (!queued.contains(m.id)) {
                post(page, QJsonObject{{u"type"_s, u"msg"_s},
                                       {u"msg"_s, toJson(m, true)},
                                       {u"offline"_s, true}});
                ++offline;
            }
        }
        post(page, QJsonObject{{u"type"_s, u"offline-end"_s}});
        answer.insert(u"history"_s, history);
        answer.insert(u"offline"_s, offline);
        qCInfo(lcStub).noquote() << "Simulator: paired page" << pageId << "connected";
    } else {
        qCInfo(lcStub).noquote() << "Simulator: page" << pageId << "is showing a QR code";
    }
    return answer;
}

QJsonObject WhatsAppSimulator::poll(const QString &pageId, qint64 ack)
{
    auto it = m_pages.find(pageId);
    if (it == m_pages.end() || it->dropped)
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
    if (m_leakPerPoll > 0 && it->paired)
        return {{u"events"_s, answer}, {u"leakMb"_s, m_leakPerPoll}};
    return {{u"events"_s, answer}};
}

Result<QJsonObject> WhatsAppSimulator::dropConnections()
{
    for (Page &page : m_pages)
        page.dropped = true;
    qCInfo(lcStub) << "Simulator: the pages' connections dropped";
    Q_EMIT eventsPosted(); // the pages waiting for events learn it now
    return QJsonObject{{u"ok"_s, true}};
}

WhatsAppSimulator::Page *WhatsAppSimulator::pairedPage(const QJsonObject &request)
{
    const auto page = m_pages.find(request.value(u"pageId"_s).toString());
    return page == m_pages.end() || !page->paired ? nullptr : &page.value();
}

Error WhatsAppSimulator::notPaired()
{
    return Error{u"not-paired"_s, u"This page is not paired."_s};
}

Result<QJsonObject> WhatsAppSimulator::send(const QJsonObject &request)
{
    const QString pageId = request.value(u"pageId"_s).toString();
    Page *page = pairedPage(request);
    if (!page)
        return notPaired();
    const QString id = request.value(u"id"_s).toString();
    const QString to = request.value(u"to"_s).toString();
    const QString body = request.value(u"body"_s).toString();
    const QString type = request.value(u"type"_s).toString(u"chat"_s);
    const QString directPath = request.value(u"directPath"_s).toString();
    const bool poll = type == u"poll_creation"_s;
    if (id.isEmpty() || !to.contains(u'@') || (body.isEmpty() && (type == u"chat"_s || poll)))
        return invalid(u"id, to and body are required."_s);
    if (type != u"chat"_s && !poll && !m_uploads.contains(directPath))
        return invalid(u"A %1 needs the directPath of an upload."_s.arg(type));
    // WhatsApp's servers take a poll of 2 to 12 distinct options.
    QJsonArray pollOptions;
    for (const auto option : request.value(u"pollOptions"_s).toArray()) {
        const QString name = option.toString();
        if (name.trimmed().isEmpty() ||
            std::any_of(pollOptions.begin(), pollOptions.end(),
                        [&](const QJsonValue &o) { return o[u"name"_s].toString() == name; }))
            return invalid(u"A poll's options are distinct texts."_s);
        pollOptions.append(QJsonObject{{u"localId"_s, pollOptions.size()}, {u"name"_s, name}});
    }
    if (poll && (pollOptions.size() < 2 || pollOptions.size() > 12))
        return invalid(u"A poll has 2 to 12 options."_s);

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
        if (poll) {
            m.extra.insert(u"pollName"_s, body);
            m.extra.insert(u"pollOptions"_s, pollOptions);
            m.extra.insert(u"selectable"_s, request.value(u"selectable"_s).toInt());
        } else if (type != u"chat"_s) {
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
    Page *page = pairedPage(request);
    if (!page)
        return notPaired();
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
    Page *page = pairedPage(request);
    if (!page)
        return notPaired();
    const QString chatId = request.value(u"chatId"_s).toString();
    const QString what = request.value(u"what"_s).toString();
    if (!chatId.contains(u'@') ||
        !QStringList{u"seen"_s, u"composing"_s, u"paused"_s}.contains(what))
        return invalid(u"chatId and what (seen, composing or paused) are required."_s);
    m_activity[chatId].append(QJsonObject{{u"what"_s, what}, {u"tMs"_s, nowMs()}});
    return QJsonObject{{u"ok"_s, true}};
}

Result<QJsonObject> WhatsAppSimulator::presence(const QJsonObject &request)
{
    Page *page = pairedPage(request);
    if (!page)
        return notPaired();
    if (!request.value(u"available"_s).isBool())
        return invalid(u"available (true or false) is required."_s);
    m_presence.append(
        QJsonObject{{u"available"_s, request.value(u"available"_s).toBool()}, {u"tMs"_s, nowMs()}});
    return QJsonObject{{u"ok"_s, true}};
}

Result<QJsonObject> WhatsAppSimulator::rejectCall(const QJsonObject &request)
{
    Page *page = pairedPage(request);
    if (!page)
        return notPaired();
    const auto call = m_calls.find(request.value(u"id"_s).toString());
    if (call == m_calls.end())
        return Error{u"unknown-call"_s, u"No such call."_s};
    call->insert(u"state"_s, u"rejected"_s);
    return QJsonObject{{u"ok"_s, true}};
}

Result<QJsonObject> WhatsAppSimulator::takeover(const QJsonObject &request)
{
    Page *page = pairedPage(request);
    if (!page)
        return notPaired();
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
    Page *page = pairedPage(request);
    if (!page)
        return notPaired();
    static const QRegularExpression phone(u"^[0-9]{6,15}@c\\.us$"_s);
    static const QRegularExpression lid(u"^[0-9]{6,20}@lid$"_s);
    const QString id = request.value(u"id"_s).toString();
    if (m_unregistered.contains(id))
        return QJsonObject{{u"exists"_s, false}};
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
    Page *page = pairedPage(request);
    if (!page)
        return notPaired();
    m_tokens.remove(page->token);
    page->paired = false;
    page->token.clear();
    qCInfo(lcStub) << "Simulator: a page logged its device out";
    return QJsonObject{{u"ok"_s, true}};
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

} // namespace sak::stub
