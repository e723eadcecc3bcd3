#include "agent/status/statusserver.h"

#include "agent/base/logging.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

constexpr int kRequestTimeoutMs = 10000;
constexpr int kFreePortAttempts = 8; // port 0: another when [::1] has the one IPv4 got
constexpr qsizetype kMaxPrivateFile = 4096;
constexpr QFileDevice::Permissions kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions kOthers = QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                                             QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                             QFileDevice::WriteOther | QFileDevice::ExeOther;

// Written anew: an old file (or a link planted in its place) is removed first, and the new
// one is owner-only before it gets its name.
Status writeOwnerOnly(const QString &path, const QByteArray &bytes)
{
    QFile::remove(path);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(kOwnerOnly) ||
        file.write(bytes) != bytes.size() || !file.commit())
        return Error{
            u"status-endpoint"_s,
            u"%1 cannot be written owner-only (%2); check the data directory's owner and permissions."_s
                .arg(path, file.errorString())};
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
    case 431:
        return "Request Header Fields Too Large";
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
    , m_server6(new QTcpServer(this))
{
    for (QTcpServer *server : {m_server, m_server6})
        connect(server, &QTcpServer::newConnection, this, [this, server] { onConnection(server); });
}

StatusServer::~StatusServer()
{
    removeFiles();
}

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

QByteArray StatusServer::proof(const QByteArray &token, const QByteArray &nonce,
                               const QString &address)
{
    return QMessageAuthenticationCode::hash("sak-status-hello/1\n" + nonce + '\n' +
                                                address.toLatin1(),
                                            token, QCryptographicHash::Sha256)
        .toHex();
}

bool StatusServer::isProof(const QByteArray &answer, const QByteArray &token,
                           const QByteArray &nonce, const QString &address)
{
    return sameSecret(answer, proof(token, nonce, address));
}

Result<QByteArray> StatusServer::readPrivateFile(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists() && !info.isSymLink())
        return Error{u"not-found"_s, u"%1 does not exist."_s.arg(path)};
    if (info.isSymLink() || !info.isFile())
        return Error{
            u"status-file"_s,
            u"%1 is not a plain file; the agent writes it as one. Remove it and restart the agent."_s
                .arg(path)};
#ifdef Q_OS_UNIX
    if (info.ownerId() != ::geteuid())
        return Error{
            u"status-file"_s,
            u"%1 belongs to another user; it is not used. Ask as the user the agent runs as (for the kiosk service: sudo sak-agentctl --status)."_s
                .arg(path)};
    if (info.permissions() & kOthers)
        return Error{
            u"status-file"_s,
            u"%1 can be read or changed by other users; it is not used. Run: chmod 600 %1 (a restart of the agent writes it anew, owner-only)."_s
                .arg(path)};
#endif
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{
            u"status-file"_s,
            u"%1 cannot be read (%2): ask as the user the agent runs as (for the kiosk service: sudo sak-agentctl --status)."_s
                .arg(path, file.errorString())};
    return file.read(kMaxPrivateFile).trimmed();
}

void StatusServer::removeFiles()
{
    if (m_dir.isEmpty())
        return;
    for (const QString &path : {addressPath(m_dir), tokenPath(m_dir)}) {
        if (QFileInfo(path).exists() || QFileInfo(path).isSymLink())
            QFile::remove(path);
    }
}

// 127.0.0.1, and [::1] on the same port unless the system has no IPv6.
Status StatusServer::listenOn(quint16 port)
{
    for (int attempt = 0; attempt < (port == 0 ? kFreePortAttempts : 1); ++attempt) {
        if (!m_server->listen(QHostAddress::LocalHost, port))
            return Error{
                u"status-endpoint"_s,
                u"The status endpoint cannot listen on 127.0.0.1:%1 (%2): another agent or program may be using the port; set [status] port to a free one, or off."_s
                    .arg(port)
                    .arg(m_server->errorString())};
        if (m_server6->listen(QHostAddress::LocalHostIPv6, m_server->serverPort()))
            return Done{};
        if (m_server6->serverError() != QAbstractSocket::AddressInUseError)
            return Done{}; // no IPv6 here: nobody can listen on [::1] either
        const quint16 taken = m_server->serverPort();
        m_server->close();
        if (port != 0)
            return Error{
                u"status-endpoint"_s,
                u"The status endpoint cannot listen on [::1]:%1: another program has that port there, and requests to localhost:%1 would reach it; set [status] port to a free one, or off."_s
                    .arg(taken)};
    }
    return Error{
        u"status-endpoint"_s,
        u"The status endpoint found no port free on both 127.0.0.1 and [::1]; set [status] port to a free one, or off."_s};
}

Status StatusServer::listen(quint16 wanted, const QString &dir)
{
    // A crash leaves the last run's files: neither an address to try nor a token to send.
    m_dir = dir;
    removeFiles();
    if (Status listening = listenOn(wanted); !listening)
        return listening;
    // A new token at every start, so that one sent to an impostor while the agent was down
    // opens nothing.
    QByteArray random(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(random.begin(), random.end());
    m_token = random.toHex();
    for (const auto &[path, bytes] :
         {std::pair{tokenPath(dir), QByteArray(m_token + '\n')},
          std::pair{addressPath(dir), u"127.0.0.1:%1\n"_s.arg(port()).toLatin1()}}) {
        if (Status written = writeOwnerOnly(path, bytes); !written) {
            m_server->close();
            m_server6->close();
            removeFiles();
            return written;
        }
    }
    qCInfo(lcAgent).noquote() << u"Status endpoint on http://127.0.0.1:%1 (token in %2)"_s.arg(
        QString::number(port()), tokenPath(dir));
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

void StatusServer::onConnection(QTcpServer *server)
{
    while (QTcpSocket *socket = server->nextPendingConnection()) {
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_buffers.remove(socket);
            socket->deleteLater();
        });
        // A client that never finishes its request does not hold the socket.
        QTimer::singleShot(kRequestTimeoutMs, socket, [socket] { socket->abort(); });
        if (!isAllowedPeer(socket->peerAddress())) {
            reply(socket, error(403, u"The status endpoint answers this machine only."_s));
            continue;
        }
        // Whoever opens many connections and sends nothing holds at most these, for 10 s.
        if (m_open >= kMaxConnections) {
            reply(socket, error(503, u"Too many connections to the status endpoint; try again."_s));
            continue;
        }
        ++m_open;
        connect(socket, &QObject::destroyed, this, [this] { --m_open; });
        socket->setReadBufferSize(kMaxHead + 4 + kMaxBody);
        m_buffers.insert(socket, {});
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadable(socket); });
    }
}

void StatusServer::onReadable(QTcpSocket *socket)
{
    auto buffer = m_buffers.find(socket);
    if (buffer == m_buffers.end()) {
        socket->readAll(); // answered already: the rest is not read
        return;
    }
    buffer->append(socket->readAll());
    // The limit holds for the whole head, however it arrives: in pieces, or at once with its
    // blank line.
    const qsizetype headEnd = buffer->indexOf("\r\n\r\n");
    if ((headEnd < 0 && buffer->size() > kMaxHead) || headEnd > kMaxHead) {
        m_buffers.erase(buffer);
        reply(socket, error(431, u"The request's line and headers are too large."_s));
        return;
    }
    if (headEnd < 0)
        return;
    const QByteArray head = buffer->left(headEnd);
    qsizetype length = 0;
    int lengths = 0;
    for (const QByteArray &line : head.split('\n').mid(1)) {
        const qsizetype colon = line.indexOf(':');
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "transfer-encoding") {
            m_buffers.erase(buffer);
            reply(socket,
                  error(400, u"Send the body with a Content-Length; chunks are not taken."_s));
            return;
        }
        if (name != "content-length")
            continue;
        bool number = !value.isEmpty() && value.size() <= 9;
        for (const char c : value)
            number = number && c >= '0' && c <= '9';
        if (!number || (lengths > 0 && value.toLongLong() != length)) {
            m_buffers.erase(buffer);
            reply(socket, error(400, u"The request's Content-Length is not one number."_s));
            return;
        }
        length = value.toLongLong();
        ++lengths;
    }
    if (length > kMaxBody) {
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

bool StatusServer::isOwnHost(const QByteArray &host) const
{
    // Names of this machine only: a web page that had its own name point at 127.0.0.1 (DNS
    // rebinding) sends its own.
    const QByteArray given = host.trimmed().toLower();
    const QByteArray portText = QByteArray::number(port());
    for (const QByteArray name : {"127.0.0.1", "localhost", "[::1]"}) {
        if (given == name + ':' + portText || (port() == 80 && given == name))
            return true;
    }
    return false;
}

StatusServer::Response StatusServer::hello(const QUrlQuery &query) const
{
    const QByteArray nonce = query.queryItemValue(u"nonce"_s).toLatin1();
    const bool hex = QByteArray::fromHex(nonce).toHex() == nonce.toLower();
    if (nonce.size() < 32 || nonce.size() > 128 || !hex)
        return error(400, u"Send a nonce of 32 to 128 hex digits: GET /v1/hello?nonce=HEX."_s);
    return json(200,
                QJsonDocument(
                    QJsonObject{{u"proof"_s, QString::fromLatin1(proof(
                                                 m_token, nonce, u"127.0.0.1:%1"_s.arg(port())))}})
                    .toJson(QJsonDocument::Compact));
}

StatusServer::Response StatusServer::dispatch(const QByteArray &head, const QByteArray &body)
{
    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine.at(2).startsWith("HTTP/1."))
        return error(400, u"Not an HTTP/1.1 request."_s);
    QList<QByteArray> hosts;
    QList<QByteArray> authorizations;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return error(400, u"A header line of the request has no name."_s);
        const QByteArray name = line.left(colon).trimmed().toLower();
        if (name == "host")
            hosts.append(line.mid(colon + 1).trimmed());
        else if (name == "authorization")
            authorizations.append(line.mid(colon + 1).trimmed());
    }
    if (hosts.size() != 1)
        return error(400, u"The request needs one Host header."_s);
    if (!isOwnHost(hosts.constFirst()))
        return error(403,
                     u"The status endpoint answers requests for 127.0.0.1:%1 only."_s.arg(port()));
    const QUrl url(QString::fromLatin1(requestLine.at(1)));
    Request request{requestLine.at(0), url.path(), QUrlQuery(url), body};
    if (request.path == u"/v1/hello"_s && request.method == "GET")
        return hello(request.query);
    const QByteArray authorization = authorizations.size() == 1 ? authorizations.constFirst() : "";
    // The answer does not say where the token is: whoever may read it knows.
    if (!authorization.startsWith("Bearer ") || !sameSecret(authorization.mid(7), m_token))
        return error(401, u"Send the agent's status token as 'Authorization: Bearer TOKEN'."_s);
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
