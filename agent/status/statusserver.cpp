#include "agent/status/statusserver.h"

#include "agent/base/logging.h"

#include <QCryptographicHash>
#include <QFile>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

constexpr qsizetype kMaxHead = 16 * 1024;
constexpr qsizetype kMaxBody = 64 * 1024;
constexpr int kRequestTimeoutMs = 10000;
constexpr QFileDevice::Permissions kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;

Status writeOwnerOnly(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        return Error{u"status-endpoint"_s,
                     u"%1 cannot be written (%2); check the data directory's permissions."_s.arg(
                         path, file.errorString())};
    QFile::setPermissions(path, kOwnerOnly);
    return Done{};
}

// Compares without leaking through timing how much of a guess was right.
bool sameSecret(const QByteArray &a, const QByteArray &b)
{
    const QByteArray ha = QCryptographicHash::hash(a, QCryptographicHash::Sha256);
    const QByteArray hb = QCryptographicHash::hash(b, QCryptographicHash::Sha256);
    unsigned char diff = 0;
    for (qsizetype i = 0; i < ha.size(); ++i)
        diff |= static_cast<unsigned char>(ha.at(i) ^ hb.at(i));
    return diff == 0;
}

QByteArray reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 413:
        return "Payload Too Large";
    case 503:
        return "Service Unavailable";
    default:
        return "Error";
    }
}

} // namespace

StatusServer::StatusServer(QObject *parent)
    : QObject(parent)
    , m_server(new QTcpServer(this))
{
    connect(m_server, &QTcpServer::newConnection, this, &StatusServer::onConnection);
}

StatusServer::~StatusServer() = default;

QString StatusServer::tokenPath(const QString &dir)
{
    return dir + u"/status-token"_s;
}

QString StatusServer::addressPath(const QString &dir)
{
    return dir + u"/status-address"_s;
}

bool StatusServer::isAllowedPeer(const QHostAddress &address)
{
    return address.isLoopback();
}

StatusServer::Response StatusServer::json(int status, const QByteArray &body)
{
    return Response{status, body, "application/json"};
}

StatusServer::Response StatusServer::error(int status, const QString &message)
{
    return json(status,
                QJsonDocument(QJsonObject{{u"error"_s, message}}).toJson(QJsonDocument::Compact));
}

Status StatusServer::listen(quint16 port, const QString &dir)
{
    m_dir = dir;
    QFile existing(tokenPath(dir));
    if (existing.open(QIODevice::ReadOnly))
        m_token = existing.readAll().trimmed();
    if (m_token.size() < 32) {
        QByteArray random(32, Qt::Uninitialized);
        QRandomGenerator::system()->generate(random.begin(), random.end());
        m_token = random.toHex();
        if (Status written = writeOwnerOnly(tokenPath(dir), m_token + '\n'); !written)
            return written;
    }
    QFile::setPermissions(tokenPath(dir), kOwnerOnly);
    if (!m_server->listen(QHostAddress::LocalHost, port))
        return Error{
            u"status-endpoint"_s,
            u"The status endpoint cannot listen on 127.0.0.1:%1 (%2): another agent may be using the port; set [status] port to a free one, or off."_s
                .arg(port)
                .arg(m_server->errorString())};
    if (Status written = writeOwnerOnly(addressPath(dir),
                                        u"127.0.0.1:%1\n"_s.arg(m_server->serverPort()).toLatin1());
        !written)
        return written;
    qCInfo(lcAgent).noquote() << u"Status endpoint on http://127.0.0.1:%1 (token in %2)"_s.arg(
        QString::number(m_server->serverPort()), tokenPath(dir));
    return Done{};
}

quint16 StatusServer::port() const
{
    return m_server->serverPort();
}

void StatusServer::route(const QByteArray &method, const QString &path, Handler handler)
{
    m_routes.append({method, path, std::move(handler)});
}

void StatusServer::onConnection()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_buffers.remove(socket);
            socket->deleteLater();
        });
        if (!isAllowedPeer(socket->peerAddress())) {
            reply(socket, error(403, u"The status endpoint answers this machine only."_s));
            continue;
        }
        m_buffers.insert(socket, {});
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadable(socket); });
        // A client that never finishes its request does not hold the socket.
        QTimer::singleShot(kRequestTimeoutMs, socket, [socket] { socket->abort(); });
    }
}

void StatusServer::onReadable(QTcpSocket *socket)
{
    auto buffer = m_buffers.find(socket);
    if (buffer == m_buffers.end())
        return;
    buffer->append(socket->readAll());
    const qsizetype headEnd = buffer->indexOf("\r\n\r\n");
    if (headEnd < 0) {
        if (buffer->size() > kMaxHead) {
            m_buffers.erase(buffer);
            reply(socket, error(413, u"The request's headers are too large."_s));
        }
        return;
    }
    const QByteArray head = buffer->left(headEnd);
    qsizetype length = 0;
    for (const QByteArray &line : head.split('\n')) {
        if (line.toLower().startsWith("content-length:"))
            length = line.mid(15).trimmed().toLongLong();
    }
    if (length < 0 || length > kMaxBody) {
        m_buffers.erase(buffer);
        reply(socket, error(413, u"The request's body is too large."_s));
        return;
    }
    if (buffer->size() < headEnd + 4 + length)
        return; // the rest of the body is still coming
    const QByteArray body = buffer->mid(headEnd + 4, length);
    m_buffers.erase(buffer);
    reply(socket, dispatch(head, body));
}

StatusServer::Response StatusServer::dispatch(const QByteArray &head, const QByteArray &body)
{
    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine.at(2).startsWith("HTTP/1."))
        return error(400, u"Not an HTTP/1.1 request."_s);
    QByteArray authorization;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        if (line.toLower().startsWith("authorization:"))
            authorization = line.mid(14).trimmed();
    }
    if (!authorization.startsWith("Bearer ") || !sameSecret(authorization.mid(7), m_token))
        return error(401, u"Send the token from %1 as 'Authorization: Bearer TOKEN'."_s.arg(
                              tokenPath(m_dir)));
    const QUrl url(QString::fromLatin1(requestLine.at(1)));
    Request request{requestLine.at(0), url.path(), QUrlQuery(url), body};
    bool pathKnown = false;
    for (const Route &r : std::as_const(m_routes)) {
        const bool matches =
            r.path.endsWith(u'/') ? request.path.startsWith(r.path) : request.path == r.path;
        if (!matches)
            continue;
        pathKnown = true;
        if (r.method == request.method)
            return r.handler(request);
    }
    return pathKnown ? error(405, u"%1 is not allowed on %2."_s.arg(
                                      QString::fromLatin1(request.method), request.path))
                     : error(404, u"No such endpoint: %1."_s.arg(request.path));
}

void StatusServer::reply(QTcpSocket *socket, const Response &response)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' +
                     reason(response.status) + "\r\nContent-Type: " + response.contentType +
                     "\r\nContent-Length: " + QByteArray::number(response.body.size()) +
                     "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n" + response.body;
    socket->write(out);
    socket->disconnectFromHost();
}

} // namespace sak
