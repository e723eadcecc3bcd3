#pragma once

#include "agent/base/result.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QUrlQuery>

#include <functional>

class QHostAddress;
class QTcpServer;
class QTcpSocket;

namespace sak {

// The running agent's local endpoint, for monitoring (Prometheus scrapes /metrics) and for the
// operator's commands (sak-agent --status, ...): plain HTTP on 127.0.0.1 only, and every
// request must carry the token kept in an owner-only file of the data directory, so that other
// users of the machine (and its web pages) cannot read or steer the agent.
class StatusServer : public QObject
{
    Q_OBJECT
public:
    struct Request
    {
        QByteArray method;
        QString path;
        QUrlQuery query;
        QByteArray body;
    };
    struct Response
    {
        int status = 200;
        QByteArray body;
        QByteArray contentType = "application/json";
    };
    using Handler = std::function<Response(const Request &)>;

    explicit StatusServer(QObject *parent = nullptr);
    ~StatusServer() override;

    // Listens on 127.0.0.1 (port 0: any free one) and writes the token (kept across restarts,
    // so that a monitoring setup stays valid) and the address into `dir`, owner-only.
    Status listen(quint16 port, const QString &dir);
    quint16 port() const;

    // `path` is matched exactly, or as a prefix when it ends in '/'.
    void route(const QByteArray &method, const QString &path, Handler handler);

    static QString tokenPath(const QString &dir);
    static QString addressPath(const QString &dir);
    // Only the machine itself may talk to the endpoint.
    static bool isAllowedPeer(const QHostAddress &address);
    static Response json(int status, const QByteArray &body);
    static Response error(int status, const QString &message);

private:
    void onConnection();
    void onReadable(QTcpSocket *socket);
    Response dispatch(const QByteArray &head, const QByteArray &body);
    static void reply(QTcpSocket *socket, const Response &response);

    QTcpServer *m_server;
    QByteArray m_token;
    QString m_dir;
    struct Route
    {
        QByteArray method;
        QString path;
        Handler handler;
    };
    QList<Route> m_routes;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace sak
