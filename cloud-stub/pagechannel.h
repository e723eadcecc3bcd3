#pragma once

#include "agent/base/result.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>

#include <functional>
#include <memory>

class QWebSocket;
class QTimer;

namespace sak::stub {

class WhatsAppSimulator;

// The simulated page's connection to the simulated WhatsApp servers: one WebSocket per page
// (wss://<stub>/ws/chat, as the real page keeps one to wss://web.whatsapp.com/ws/chat) instead of
// an HTTP request per call. Each frame from the page is a call, {"id", "call", "body"}, answered
// by {"id", "answer"} or {"id", "error": {"code", "message"}}. The page's "poll" is held until the
// simulator has events for it (or kHoldMs passed), so events reach the page when they happen, as
// WhatsApp pushes its stanzas.
class PageChannel : public QObject
{
    Q_OBJECT
public:
    using Call = std::function<Result<QJsonObject>(const QJsonObject &body)>;

    explicit PageChannel(WhatsAppSimulator *simulator, QObject *parent = nullptr);
    ~PageChannel() override;

    // The calls the page may make, by name; "poll" is the channel's own.
    void addCall(const QString &name, Call call);
    // Takes a page's WebSocket (QHttpServer upgraded the request): its URL names the page.
    void accept(std::unique_ptr<QWebSocket> socket);

    static constexpr int kHoldMs = 5000; // a held poll is answered (empty) after this long
    static constexpr int kLeakPollMs = 300;
    static constexpr qint64 kMaxFrameBytes = 32 * 1024 * 1024; // an upload's photo fits

private:
    struct Connection
    {
        QWebSocket *socket = nullptr;
        QString pageId;
        qint64 heldId = -1; // the poll waiting for events, if any
        qint64 heldAck = 0;
        QTimer *holdTimer = nullptr;
    };
    void onFrame(QWebSocket *socket, const QString &text);
    // Answers the held polls of pages that now have events.
    void wake();
    bool answerPoll(Connection &connection, qint64 id, qint64 ack, bool evenIfEmpty);
    static void answer(QWebSocket *socket, qint64 id, const Result<QJsonObject> &result);

    WhatsAppSimulator *m_simulator;
    QHash<QString, Call> m_calls;
    QHash<QWebSocket *, Connection> m_connections;
    bool m_wakeQueued = false;
};

} // namespace sak::stub
