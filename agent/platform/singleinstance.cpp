#include "agent/platform/singleinstance.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QLocalServer>
#include <QLocalSocket>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#endif

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {
constexpr int kConnectTimeoutMs = 2000;
const QByteArray kRaise = "raise\n";

#ifdef Q_OS_UNIX
// What fits in a Unix socket's address (sun_path), with its terminating zero.
constexpr qsizetype kMaxSocketPath = sizeof(sockaddr_un::sun_path) - 1;

// A directory only this user can enter: theirs, a real directory (not a link), no access for
// group or others.
bool isPrivateDir(const QString &path)
{
    struct stat st
    {
    };
    return ::lstat(QFile::encodeName(path).constData(), &st) == 0 && S_ISDIR(st.st_mode) &&
           st.st_uid == ::geteuid() && (st.st_mode & 077) == 0;
}

// Where the socket lives: never a name any user could take first in the shared /tmp. The
// user's runtime directory (XDG_RUNTIME_DIR: theirs, 0700, emptied at logout) when it is one,
// else a directory of this user's own in the temporary directory; one there that belongs to
// someone else, or is a link, is refused.
QString socketDirectory(const QString &file, QString *error)
{
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (!runtime.isEmpty() && isPrivateDir(runtime) &&
        (runtime + u'/' + file).size() <= kMaxSocketPath)
        return runtime;
    const QString own = QDir::tempPath() + u"/sak-agent-"_s + QString::number(::geteuid());
    const QByteArray path = QFile::encodeName(own);
    if (::mkdir(path.constData(), 0700) != 0 && errno != EEXIST) {
        *error = u"%1 cannot be created: %2"_s.arg(own, QString::fromLocal8Bit(strerror(errno)));
        return {};
    }
    struct stat st
    {
    };
    if (::lstat(path.constData(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid()) {
        *error =
            u"%1 is not a directory of this user's (another user made it, or it is a link); it is not used. Set XDG_RUNTIME_DIR to a directory of your own (mode 700), or remove %1."_s
                .arg(own);
        return {};
    }
    if ((st.st_mode & 077) != 0 && ::chmod(path.constData(), 0700) != 0) {
        *error =
            u"%1 cannot be made owner-only: %2"_s.arg(own, QString::fromLocal8Bit(strerror(errno)));
        return {};
    }
    return own;
}
#endif
} // namespace

SingleInstance::SingleInstance(const QString &dataDir, QObject *parent)
    : QObject(parent)
{
    // A hash of the directory keeps the name short; the user is in it for Windows, whose pipe
    // namespace every session shares.
    const QByteArray who = qgetenv("USER").isEmpty() ? qgetenv("USERNAME") : qgetenv("USER");
    const QByteArray digest = QCryptographicHash::hash(
        QByteArray(QDir(dataDir).absolutePath().toUtf8() + '\0' + who), QCryptographicHash::Sha256);
    const QString file = u"sak-agent-"_s + QString::fromLatin1(digest.toHex().left(24));
#ifdef Q_OS_UNIX
    // A full path: QLocalServer takes it as the socket's file.
    const QString dir = socketDirectory(file + u".sock"_s, &m_error);
    if (!dir.isEmpty())
        m_name = dir + u'/' + file + u".sock"_s;
#else
    m_name = file;
#endif
}

SingleInstance::~SingleInstance() = default;

SingleInstance::Claim SingleInstance::claim()
{
    if (m_name.isEmpty())
        return Claim::Failed; // m_error says why
#ifdef Q_OS_UNIX
    // In a private directory only root could have put it there; whoever did, it is not ours.
    struct stat st
    {
    };
    if (::lstat(QFile::encodeName(m_name).constData(), &st) == 0 && st.st_uid != ::geteuid()) {
        m_error = u"%1 belongs to another user; it is not used. Remove it."_s.arg(m_name);
        return Claim::Failed;
    }
#endif
    QLocalSocket probe;
    probe.connectToServer(m_name);
    if (probe.waitForConnected(kConnectTimeoutMs)) {
        probe.write(kRaise);
        probe.waitForBytesWritten(kConnectTimeoutMs);
        probe.disconnectFromServer();
        return Claim::AlreadyRunning;
    }
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server->listen(m_name)) {
        // Nobody answered, so a socket file left by a crashed agent is in the way.
        QLocalServer::removeServer(m_name);
        if (!m_server->listen(m_name)) {
            m_error = m_server->errorString();
            return Claim::Failed;
        }
    }
    connect(m_server, &QLocalServer::newConnection, this, [this] {
        while (QLocalSocket *socket = m_server->nextPendingConnection()) {
            connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
            connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
                if (socket->readAll().contains(kRaise.trimmed()))
                    Q_EMIT raiseRequested();
            });
        }
    });
    return Claim::First;
}

} // namespace sak
