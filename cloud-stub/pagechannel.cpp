#include "cloud-stub/pagechannel.h"

#include "agent/base/logging.h"
#include "cloud-stub/whatsappsimulator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>

#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace sak::stub {

PageChannel::PageChannel(WhatsAppSimulator *simulator, QObject *parent)
    : QObject(parent)
    , m_simulator(simulator)
{
    // Events are posted in the middle of the simulator's work (a hello posts the whole offline
    // burst): the held polls are answered once that work is done, all at once.
    connect(m_simulator, &WhatsAppSimulator::eventsPosted, this, [this] {
        if (m_wakeQueued)
            return;
        m_wakeQueued = true;
        QMetaObject::invokeMethod(this, &PageChannel::wake, Qt::QueuedConnection);
    });
}

PageChannel::~PageChannel()
{
    for (const Connection &c : std::exchange(m_connections, {})) {
        c.socket->disconnect(this); // its "disconnected" must not reach a channel going away
        delete c.socket;
    }
}

void PageChannel::addCall(const QString &name, Call call)
{
    m_calls.insert(name, std::move(call));
}

void PageChannel::accept(std::unique_ptr<QWebSocket> owned)
{
    QWebSocket *socket = owned.release();
    socket->setParent(nullptr);
    if (socket->requestUrl().path() != u"/ws/chat"_s) {
        socket->close(QWebSocketProtocol::CloseCodePolicyViolated,
                      u"The simulated WhatsApp servers take WebSockets at /ws/chat only."_s);
        socket->deleteLater();
        return;
    }
    socket->setMaxAllowedIncomingMessageSize(kMaxFrameBytes);
    Connection c;
    c.socket = socket;
    c.pageId = QUrlQuery(socket->requestUrl()).queryItemValue(u"pageId"_s).left(64);
    c.holdTimer = new QTimer(socket);
    c.holdTimer->setSingleShot(true);
    connect(c.holdTimer, &QTimer::timeout, this, [this, socket] {
        const auto it = m_connections.find(socket);
        if (it != m_connections.end() && it->heldId >= 0)
            answerPoll(*it, it->heldId, it->heldAck, true);
    });
    m_connections.insert(socket, c);
    connect(socket, &QWebSocket::textMessageReceived, this,
            [this, socket](const QString &text) { onFrame(socket, text); });
    connect(socket, &QWebSocket::disconnected, this, [this, socket] {
        m_connections.remove(socket);
        socket->deleteLater();
    });
}

void PageChannel::onFrame(QWebSocket *socket, const QString &text)
{
    const auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    const QJsonObject frame = QJsonDocument::fromJson(text.toUtf8()).object();
    const qint64 id = frame.value(u"id"_s).toInteger(-1);
    const QString call = frame.value(u"call"_s).toString();
    QJsonObject body = frame.value(u"body"_s).toObject();
    if (id < 0) {
        answer(socket, id,
               Error{u"invalid-request"_s, u"A frame is {\"id\", \"call\", \"body\"}."_s});
        return;
    }
    // The page is the one that opened this connection, whatever a body says.
    body.insert(u"pageId"_s, it->pageId);
    if (call == u"poll"_s) {
        if (it->heldId >= 0) // a page has one poll out; an older one is answered now
            answerPoll(*it, it->heldId, it->heldAck, true);
        if (!answerPoll(*it, id, body.value(u"ack"_s).toInteger(), false)) {
            it->heldId = id;
            it->heldAck = body.value(u"ack"_s).toInteger();
            // A page told to leak at each poll polls at the pace of the old HTTP page.
            it->holdTimer->start(m_simulator->leakPerPoll() > 0 ? kLeakPollMs : kHoldMs);
        }
        return;
    }
    const auto handler = m_calls.constFind(call);
    if (handler == m_calls.cend()) {
        answer(socket, id, Error{u"unknown-call"_s, u"No call named \"%1\"."_s.arg(call)});
        return;
    }
    answer(socket, id, (*handler)(body));
}

bool PageChannel::answerPoll(Connection &connection, qint64 id, qint64 ack, bool evenIfEmpty)
{
    const QJsonObject events = m_simulator->poll(connection.pageId, ack);
    if (!evenIfEmpty && events.value(u"events"_s).toArray().isEmpty())
        return false;
    if (connection.heldId == id) {
        connection.heldId = -1;
        connection.holdTimer->stop();
    }
    answer(connection.socket, id, events);
    return true;
}

void PageChannel::wake()
{
    m_wakeQueued = false;
    for (Connection &c : m_connections) {
        if (c.heldId >= 0)
            answerPoll(c, c.heldId, c.heldAck, false);
    }
}

void PageChannel::answer(QWebSocket *socket, qint64 id, const Result<QJsonObject> &result)
{
    QJsonObject frame{{u"id"_s, id}};
    if (result)
        frame.insert(u"answer"_s, result.value());
    else
        frame.insert(u"error"_s, QJsonObject{{u"code"_s, result.error().code},
                                             {u"message"_s, result.error().message}});
    socket->sendTextMessage(QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
}

} // namespace sak::stub
