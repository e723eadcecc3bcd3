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
//
// TCP rather than a Unix socket, because Prometheus scrapes over TCP. What that costs, another
// local user can listen on the port while the agent is not, is made worthless: the token is
// new at every start and exists only while this server holds the port (written after it
// listens, removed when it stops or cannot listen), so a token sent to an impostor opens
// nothing; [::1] on the same port is held too, so that "localhost" cannot reach an impostor;
// and the agent's own client asks the server to prove it knows the token before it sends it
// (GET /v1/hello, proof()).
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

    // Listens on 127.0.0.1 (port 0: any free one), then writes a new token and the address
    // into `dir`, owner-only. When it cannot listen, the files of an earlier run are removed,
    // and so are this run's when the server is destroyed.
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
    // What the server answers to GET /v1/hello?nonce=NONCE (hex), and the client checks before
    // it sends the token: an HMAC with the token over the nonce and the address the server
    // listens on ("127.0.0.1:PORT"). The nonce is the client's, so an old answer is no use, and
    // the address is the server's own, so that an impostor cannot pass on an answer it got
    // from the agent elsewhere. It tells nothing about the token.
    static QByteArray proof(const QByteArray &token, const QByteArray &nonce,
                            const QString &address);
    // The client's check of an answer, in constant time.
    static bool isProof(const QByteArray &answer, const QByteArray &token, const QByteArray &nonce,
                        const QString &address);
    // What the client reads from `dir`: refused unless the file belongs to this user and no
    // one else may read or write it.
    static Result<QByteArray> readPrivateFile(const QString &path);

    // How much the server takes: concurrent connections, a request's line and headers, its body.
    static constexpr int kMaxConnections = 16;
    static constexpr qsizetype kMaxHead = 16 * 1024;
    static constexpr qsizetype kMaxBody = 64 * 1024;

private:
    Status listenOn(quint16 port);
    void onConnection(QTcpServer *server);
    void onReadable(QTcpSocket *socket);
    Response dispatch(const QByteArray &head, const QByteArray &body);
    Response hello(const QUrlQuery &query) const;
    bool isOwnHost(const QByteArray &host) const;
    void removeFiles();
    static void reply(QTcpSocket *socket, const Response &response);

    QTcpServer *m_server;
    QTcpServer *m_server6; // [::1] on the same port, where the system has IPv6
    QByteArray m_token;
    QString m_dir;
    int m_open = 0; // connections being served
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
