#pragma once

#include "agent/protocol/cloudprotocol.h"
#include "cloud-stub/deviceregistry.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QWebSocket>

namespace sak::stub {

// The cloud's end of the job channel: authenticates each agent's WebSocket by its signed
// hello, pushes the jobs created for its device (signed), and keeps every job until the agent
// acknowledges it, sending the rest again when the agent comes back.
class JobHub : public QObject
{
    Q_OBJECT
public:
    JobHub(DeviceRegistry &devices, QObject *parent = nullptr);

    // Takes a WebSocket that arrived on the HTTPS listener.
    void accept(std::unique_ptr<QWebSocket> socket);

    // A broadcast: one job per chat, to the tenant's agents; {name} in the template is replaced
    // by the chat's number. With a poll, the template is its question. Answers the number of
    // jobs, or an error for bad input.
    Result<int> broadcast(const QString &tenantId, const QStringList &chats,
                          const QString &textTemplate, const Poll &poll = {});

    // The long-poll fallback: a poll brings the device's acknowledgements, and is answered
    // with its unacknowledged jobs, signed as on the socket.
    void takeAcks(const QString &token, const QStringList &acks);
    QList<cloud::SignedFrame> pendingFrames(const QString &token) const;
    bool hasPending(const QString &token) const;

    QJsonObject jobs(const QString &tenantId) const; // pending and acknowledged, for tests
    int connectedAgents() const { return int(m_sockets.size()); }

    // Jobs survive a restart of the stub; the unacknowledged ones go out again on reconnect.
    QJsonArray snapshot() const;
    void restore(const QJsonArray &snapshot);
    // Closes every agent's channel at once, as a crashed server or a dropped network would.
    void dropConnections();
    // Sends every open channel what a broken or hostile server could, once: "nested" (a frame
    // 100,000 levels deep, and a signed job that deep) or "oversized" (a message larger than
    // the agent reads). Answers how many channels got it, or an error for another kind.
    Result<int> sendFaultyFrames(const QString &kind);

Q_SIGNALS:
    // New jobs wait for this device (a long-poll may answer now).
    void jobsQueued(const QString &token);

private:
    struct Job
    {
        QString token;
        cloud::OutboundJob job;
        bool acknowledged = false;
    };

    void onHello(QWebSocket *socket, const QByteArray &text);
    void send(QWebSocket *socket, const QString &token, const QString &type,
              const QByteArray &payload);
    cloud::SignedFrame signedFrame(const QString &token, const QString &type,
                                   const QByteArray &payload) const;
    void acknowledge(const QString &token, const QString &clientId);
    void pushPending(const QString &token);

    DeviceRegistry &m_devices;
    QHash<QString, QPointer<QWebSocket>> m_sockets; // by device token
    QHash<QString, qint64> m_lastPollMs;            // by device token, for the long-poll
    QList<Job> m_jobs;
};

} // namespace sak::stub
