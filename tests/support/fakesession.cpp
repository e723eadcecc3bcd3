#include "tests/support/fakesession.h"

#include <QDateTime>

using namespace Qt::Literals::StringLiterals;

namespace sak::test {

void FakeSession::sendText(const OutboundText &text)
{
    sent.append(text);
    activity.append(u"send "_s + text.chatId);
    if (autoConfirm) {
        QMetaObject::invokeMethod(
            this,
            [this, id = text.waMessageId] {
                finish(id, true);
                if (autoAck)
                    ack(id, int(Ack::Server));
            },
            Qt::QueuedConnection);
    }
}

void FakeSession::catchUp(qint64 since)
{
    catchUps.append(since);
    for (const InboundMessage &m : std::as_const(held)) {
        if (m.timestamp >= since)
            Q_EMIT messageReceived(m);
    }
    Q_EMIT caughtUp();
}

void FakeSession::setState(SessionState state)
{
    m_state = state;
    Q_EMIT stateChanged(state);
}

InboundMessage customerMessage(const QString &id, const QString &chatId, const QString &body)
{
    return InboundMessage{u"false_%1_%2"_s.arg(chatId, id),   chatId,  QString(), u"chat"_s, body,
                          QDateTime::currentSecsSinceEpoch(), u"Ana"_s};
}

} // namespace sak::test
