// The simulator's core: its records of messages, pages and LIDs, what it tells pages, the acks
// it moves, and the snapshot that survives a restart of the stub. What the page asks of it is
// in whatsappsimulatorpage.cpp, what tests and the panel do in whatsappsimulatorcontrol.cpp.
#include "cloud-stub/whatsappsimulator.h"

#include "agent/base/logging.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QRandomGenerator>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace sak::stub {

qint64 WhatsAppSimulator::nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QString WhatsAppSimulator::randomHex(int words)
{
    QString hex;
    for (int i = 0; i < words; ++i)
        hex += QString::number(QRandomGenerator::system()->generate(), 16)
                   .rightJustified(8, u'0')
                   .toUpper();
    return hex;
}

Error WhatsAppSimulator::invalid(const QString &message)
{
    return Error{u"invalid-request"_s, message};
}

QString WhatsAppSimulator::lidOf(const QString &digits)
{
    const QByteArray hash = QCryptographicHash::hash(digits.toUtf8(), QCryptographicHash::Sha256);
    QString lid = u"1"_s;
    for (int i = 0; lid.size() < 15; ++i)
        lid += QString::number(quint8(hash.at(i)) % 10);
    return lid + u"@lid"_s;
}

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
    Q_EMIT eventsPosted();
}

void WhatsAppSimulator::toPairedPages(const QJsonObject &event)
{
    for (Page &page : m_pages) {
        if (page.paired)
            post(page, event);
    }
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
