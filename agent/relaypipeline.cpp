#include "relaypipeline.h"

#include "cloudclient.h"
#include "logging.h"
#include "whatsappsession.h"

#include <QRandomGenerator>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {
// Enough to recognise a duplicate capture or a late ack; the durable store keeps the rest.
constexpr qsizetype kRememberedIds = 10000;
// Below every ack level, -1 (error) included: nothing has been heard of the message yet.
constexpr int kNoAckYet = -2;
} // namespace

std::chrono::milliseconds RetryPolicy::delayFor(int attempt) const
{
    const auto ceiling = std::min<qint64>(cap.count(), base.count() << std::min(attempt, 20));
    return std::chrono::milliseconds(QRandomGenerator::global()->bounded(ceiling + 1));
}

RelayPipeline::RelayPipeline(WhatsAppSession *session, CloudClient *cloud, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_cloud(cloud)
{
    connect(m_session, &WhatsAppSession::messageReceived, this, &RelayPipeline::onMessage);
    connect(m_session, &WhatsAppSession::stateChanged, this, &RelayPipeline::onStateChanged);
    connect(m_session, &WhatsAppSession::sendFinished, this, &RelayPipeline::onSendFinished);
    connect(m_session, &WhatsAppSession::ackChanged, this, &RelayPipeline::onAck);
}

qsizetype RelayPipeline::inboundBacklog() const
{
    qsizetype n = 0;
    for (const auto &queue : m_inbound)
        n += queue.size();
    return n;
}

bool RelayPipeline::rememberInbound(const QString &id)
{
    if (m_seenIds.contains(id))
        return false;
    m_seenIds.insert(id);
    m_seenOrder.enqueue(id);
    if (m_seenOrder.size() > kRememberedIds)
        m_seenIds.remove(m_seenOrder.dequeue());
    return true;
}

void RelayPipeline::onMessage(const InboundMessage &message)
{
    if (!isPersonChat(message.chatId)) {
        qCDebug(lcRelay) << "Ignoring a message in" << message.chatId
                         << "(groups, statuses and channels are not relayed)";
        return;
    }
    if (message.type != u"chat"_s) {
        qCInfo(lcRelay) << "Not relaying message" << message.id << "of type" << message.type
                        << "(only text is relayed yet)";
        return;
    }
    if (!rememberInbound(message.id)) {
        qCInfo(lcRelay) << "Duplicate capture of" << message.id << "ignored";
        return;
    }
    qCInfo(lcRelay).noquote() << "[1 captured] message" << message.id << "from" << message.chatId;
    auto &queue = m_inbound[message.chatId];
    queue.enqueue(PendingInbound{message, 0});
    if (queue.size() == 1)
        relayHead(message.chatId);
}

void RelayPipeline::relayHead(const QString &chatId)
{
    auto it = m_inbound.find(chatId);
    if (it == m_inbound.end() || it->isEmpty()) {
        m_inbound.remove(chatId);
        return;
    }
    const InboundMessage message = it->head().message;
    qCInfo(lcRelay).noquote() << "[2 to cloud] relaying" << message.id;
    m_cloud->postInbound(message, [this, chatId, message](Result<cloud::InboundResponse> result) {
        auto queue = m_inbound.find(chatId);
        if (queue == m_inbound.end() || queue->isEmpty() || queue->head().message.id != message.id)
            return; // the pipeline was reset meanwhile
        if (!result) {
            PendingInbound &head = queue->head();
            ++head.attempts;
            if (head.attempts >= m_retry.maxAttempts) {
                qCWarning(lcRelay).noquote()
                    << "Giving up on message" << message.id << "after" << head.attempts
                    << "attempts:" << result.error().message;
                Q_EMIT inboundFailed(message.id, result.error());
                queue->dequeue();
                relayHead(chatId);
                return;
            }
            // The server's Retry-After wins over our own back-off.
            const auto delay = result.error().retryAfterSeconds > 0
                                   ? std::chrono::milliseconds(
                                         std::chrono::seconds(result.error().retryAfterSeconds))
                                   : m_retry.delayFor(head.attempts);
            qCWarning(lcRelay).noquote()
                << "Relaying" << message.id << "failed (attempt" << head.attempts
                << "):" << result.error().message << "- retrying in" << delay.count() << "ms";
            QTimer::singleShot(delay, this, [this, chatId] { relayHead(chatId); });
            return;
        }
        const auto &replies = result.value().replies;
        qCInfo(lcRelay).noquote() << "[3 replies] cloud answered" << message.id << "with"
                                  << replies.size() << "reply(ies)";
        for (const cloud::Reply &reply : replies)
            m_outbound.enqueue(
                OutboundText{reply.clientId, reply.chatId, reply.text, newWhatsAppMessageId()});
        Q_EMIT inboundRelayed(message.id, int(replies.size()));
        queue->dequeue();
        relayHead(chatId);
        pumpOutbound();
    });
}

void RelayPipeline::enqueueOutbound(const OutboundText &text)
{
    qCInfo(lcRelay).noquote() << "[3 job] queued" << text.clientId << "for" << text.chatId;
    m_outbound.enqueue(text);
    pumpOutbound();
}

void RelayPipeline::onStateChanged(SessionState state)
{
    if (state == SessionState::Connected)
        pumpOutbound();
}

void RelayPipeline::pumpOutbound()
{
    if (!m_inFlight.isEmpty() || m_outbound.isEmpty())
        return;
    if (m_session->state() != SessionState::Connected) {
        qCInfo(lcRelay) << m_outbound.size() << "reply(ies) wait until WhatsApp is connected";
        return;
    }
    const OutboundText text = m_outbound.dequeue();
    m_inFlight = text.waMessageId;
    m_sent.insert(text.waMessageId, SentItem{text.clientId, text.chatId, kNoAckYet});
    m_sentOrder.enqueue(text.waMessageId);
    if (m_sentOrder.size() > kRememberedIds)
        m_sent.remove(m_sentOrder.dequeue());
    qCInfo(lcRelay).noquote() << "[4 sending] reply" << text.clientId << "to" << text.chatId << "as"
                              << text.waMessageId;
    Q_EMIT sendStarted(text.clientId, text.waMessageId);
    m_session->sendText(text);
}

void RelayPipeline::onSendFinished(const QString &waMessageId, bool ok, const QString &error)
{
    const auto it = m_sent.constFind(waMessageId);
    if (it == m_sent.cend())
        return; // not ours
    if (ok) {
        qCInfo(lcRelay).noquote() << "[5 sent] WhatsApp accepted" << waMessageId;
        Q_EMIT replySent(it->clientId, waMessageId);
    } else {
        // Never retried blindly: the message may exist in WhatsApp although the call failed.
        qCWarning(lcRelay).noquote() << "Sending" << waMessageId << "failed:" << error;
        reportState(waMessageId, u"failed"_s, error);
    }
    if (m_inFlight == waMessageId) {
        m_inFlight.clear();
        pumpOutbound();
    }
}

void RelayPipeline::onAck(const QString &waMessageId, int ack)
{
    auto it = m_sent.find(waMessageId);
    if (it == m_sent.end() || ack == int(Ack::Pending) || ack == it->ack)
        return; // not ours, or not news
    if (ack < it->ack && ack != int(Ack::Error))
        return; // acks only move forward, except to error
    it->ack = ack;
    qCInfo(lcRelay).noquote() << "[6 ack]" << waMessageId << "is" << ackName(ack);
    reportState(waMessageId, ackName(ack), QString());
}

void RelayPipeline::reportState(const QString &waMessageId, const QString &state,
                                const QString &detail)
{
    const SentItem item = m_sent.value(waMessageId);
    Q_EMIT deliveryStateChanged(item.clientId, state);
    cloud::StatusReport report;
    report.clientId = item.clientId;
    report.waMessageId = waMessageId;
    report.chatId = item.chatId;
    report.state = state;
    report.detail = detail;
    m_cloud->postStatus(report, [waMessageId, state](Status result) {
        if (result)
            qCInfo(lcRelay).noquote() << "[7 status] cloud knows" << waMessageId << "is" << state;
        else
            qCWarning(lcRelay).noquote() << "Reporting" << state << "of" << waMessageId
                                         << "failed:" << result.error().message;
    });
}

} // namespace sak
