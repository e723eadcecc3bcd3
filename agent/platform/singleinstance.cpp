#include "agent/platform/singleinstance.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QLocalServer>
#include <QLocalSocket>
#include <QLockFile>
#include <QSysInfo>

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
    , m_dataDir(QDir(dataDir).absolutePath())
    , m_lockName(m_dataDir + u"/agent.lock"_s)
{
    // A hash of the directory keeps the name short; the user is in it for Windows, whose pipe
    // namespace every session shares.
    const QByteArray who = qgetenv("USER").isEmpty() ? qgetenv("USERNAME") : qgetenv("USER");
    const QByteArray digest = QCryptographicHash::hash(QByteArray(m_dataDir.toUtf8() + '\0' + who),
                                                       QCryptographicHash::Sha256);
    const QString file = u"sak-agent-"_s + QString::fromLatin1(digest.toHex().left(24));
#ifdef Q_OS_UNIX
    // A full path: QLocalServer takes it as the socket's file.
    const QString dir = socketDirectory(file + u".sock"_s, &m_channelError);
    if (!dir.isEmpty())
        m_name = dir + u'/' + file + u".sock"_s;
#else
    m_name = file;
#endif
}

SingleInstance::~SingleInstance() = default;

SingleInstance::Claim SingleInstance::claim(Channel channel)
{
    m_error.clear();
    m_raised = false;
    if (!QDir().mkpath(m_dataDir)) {
        m_error =
            u"The data directory %1 cannot be created: check its parent's permissions, or choose another one (--data-dir)."_s
                .arg(m_dataDir);
        return Claim::Failed;
    }
    m_lock = std::make_unique<QLockFile>(m_lockName);
    // The agent holds the lock for as long as it runs, so it is never stale by age: only when
    // the process that took it is gone (QLockFile checks the pid and its name, on this host).
    m_lock->setStaleLockTime(0);
    if (!m_lock->tryLock(0)) {
        const QLockFile::LockError error = m_lock->error();
        if (error == QLockFile::LockFailedError) {
            qint64 pid = 0;
            QString host;
            QString application;
            const bool known = m_lock->getLockInfo(&pid, &host, &application);
            m_lock.reset();
            const bool elsewhere = known && !host.isEmpty() && host != QSysInfo::machineHostName();
            const QString holder =
                !known
                    ? u"a process that cannot be named (the lock cannot be read: another user's?)"_s
                : elsewhere ? u"process %1 on the computer %2"_s.arg(pid).arg(host)
                            : u"process %1"_s.arg(pid);
            m_error =
                u"An agent with the data directory %1 is running already (%2 holds %3). Only one agent may use a data directory: sak-agent --status shows it; stop it before starting another."_s
                    .arg(m_dataDir, holder, m_lockName);
            if (elsewhere)
                m_error += u" If that computer no longer runs it, remove %1."_s.arg(m_lockName);
            if (channel == Channel::Listen)
                m_raised = askToRaise();
            return Claim::AlreadyRunning;
        }
        m_lock.reset();
        m_error =
            error == QLockFile::PermissionError
                ? u"The lock %1 cannot be created: no permission to write in the data directory %2. Run sak-agent as the user who owns it (for the service: sudo -u sak-agent sak-agent ...), or fix the directory's permissions."_s
                      .arg(m_lockName, m_dataDir)
                : u"The lock %1 cannot be created or read (is the disk full, or the directory read-only?); fix that and start again."_s
                      .arg(m_lockName);
        return Claim::Failed;
    }
    if (channel == Channel::Listen) {
        // Something answers on this data directory's socket although nobody held the lock: an
        // agent of an earlier version, which took none.
        if (askToRaise()) {
            m_lock.reset();
            m_raised = true;
            m_error =
                u"An agent with the data directory %1 is running already (it answered on %2). Only one agent may use a data directory: stop it before starting another."_s
                    .arg(m_dataDir, m_name);
            return Claim::AlreadyRunning;
        }
        listen();
    }
    return Claim::First;
}

bool SingleInstance::askToRaise()
{
    if (m_name.isEmpty())
        return false;
#ifdef Q_OS_UNIX
    // In a private directory only root could have put it there; whoever did, it is not ours.
    struct stat st
    {
    };
    if (::lstat(QFile::encodeName(m_name).constData(), &st) == 0 && st.st_uid != ::geteuid()) {
        m_channelError = u"%1 belongs to another user; it is not used. Remove it."_s.arg(m_name);
        return false;
    }
#endif
    QLocalSocket probe;
    probe.connectToServer(m_name);
    if (!probe.waitForConnected(kConnectTimeoutMs))
        return false;
    probe.write(kRaise);
    probe.waitForBytesWritten(kConnectTimeoutMs);
    probe.disconnectFromServer();
    return true;
}

void SingleInstance::listen()
{
    if (m_name.isEmpty() || !m_channelError.isEmpty())
        return; // m_channelError says why
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server->listen(m_name)) {
        // This process holds the lock and nobody answered, so a socket file left by a crashed
        // agent is in the way.
        QLocalServer::removeServer(m_name);
        if (!m_server->listen(m_name)) {
            m_channelError = m_server->errorString();
            return;
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
}

} // namespace sak
