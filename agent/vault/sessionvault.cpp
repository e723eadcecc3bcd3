#include "agent/vault/sessionvault.h"

#include "agent/base/logging.h"
#include "agent/store/store.h"

#include <QDataStream>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QTimer>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

// What a WhatsApp Web session consists of (the same set whatsapp-web.js backs up).
const QStringList kSessionDirs{u"IndexedDB"_s, u"Local Storage"_s};
constexpr quint32 kMagic = 0x53414b56; // "SAKV"
constexpr quint32 kFormat = 1;
constexpr qint64 kMaxArchive = qint64(1) << 30;

constexpr QFileDevice::Permissions kOwnerDir =
    QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner;

QString storageOf(const QString &profileDir)
{
    return profileDir + u"/storage"_s;
}

bool makePrivateDir(const QString &path)
{
    return QDir().mkpath(path) && QFile::setPermissions(path, kOwnerDir);
}

bool hasSession(const QString &storageDir)
{
    for (const QString &dir : kSessionDirs) {
        if (!QDir(storageDir + u'/' + dir).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot))
            return true;
    }
    return false;
}

#ifdef Q_OS_LINUX
// A directory in which no other user can swap the RAM root for another: owned by this user or
// root, and writable by nobody else unless sticky (as /dev/shm is, where only an entry's owner
// may rename or remove it).
bool isSafeParent(const QString &dir)
{
    struct stat st = {};
    return ::stat(QFile::encodeName(dir).constData(), &st) == 0 && S_ISDIR(st.st_mode) &&
           (st.st_uid == ::geteuid() || st.st_uid == 0) &&
           (!(st.st_mode & (S_IWGRP | S_IWOTH)) || (st.st_mode & S_ISVTX));
}

// The RAM root has a predictable name in a directory other users may write to (/dev/shm), so
// one found there is used only if this user made it: a directory, not a symbolic link, owned
// by this user and writable by nobody else; readable by others it is closed (mode 0700).
Status claimPrivateRoot(const QString &root)
{
    const QByteArray path = QFile::encodeName(root);
    if (::mkdir(path.constData(), 0700) != 0 && errno != EEXIST)
        return Error{
            u"vault"_s,
            u"The private RAM directory %1 for the WhatsApp profile cannot be created (%2). Set [whatsapp] profile-storage=persistent to keep the profile on disk instead (weaker protection)."_s
                .arg(root, QString::fromLocal8Bit(std::strerror(errno)))};
    const auto planted = [&root](const QString &what) {
        return Error{
            u"vault"_s,
            u"The private RAM directory %1 for the WhatsApp profile %2, so it was not made by this agent and someone may be waiting to read the session there. Check and remove it (rm -r %1), then start the agent again."_s
                .arg(root, what)};
    };
    // O_NOFOLLOW: the checks below are about the directory itself, never where a link points.
    const int fd = ::open(path.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ELOOP || errno == ENOTDIR
                   ? planted(u"is a symbolic link or not a directory"_s)
                   : Error{u"vault"_s, u"The private RAM directory %1 cannot be opened (%2)."_s.arg(
                                           root, QString::fromLocal8Bit(std::strerror(errno)))};
    struct stat st = {};
    Status claimed = Done{};
    if (::fstat(fd, &st) != 0)
        claimed = Error{u"vault"_s, u"The private RAM directory %1 cannot be examined (%2)."_s.arg(
                                        root, QString::fromLocal8Bit(std::strerror(errno)))};
    else if (st.st_uid != ::geteuid())
        claimed = planted(u"belongs to another user (uid %1)"_s.arg(st.st_uid));
    else if (st.st_mode & (S_IWGRP | S_IWOTH))
        claimed = planted(u"can be written by other users (mode %1)"_s.arg(st.st_mode & 07777, 4, 8,
                                                                           QLatin1Char('0')));
    else if ((st.st_mode & 07777) != 0700 && ::fchmod(fd, 0700) != 0)
        claimed = Error{u"vault"_s,
                        u"The private RAM directory %1 cannot be closed to other users (%2)."_s.arg(
                            root, QString::fromLocal8Bit(std::strerror(errno)))};
    ::close(fd);
    return claimed;
}
#endif

} // namespace

SessionVault::SessionVault(Store &store, QString account, QString profileDir)
    : m_store(store)
    , m_account(std::move(account))
    , m_profileDir(std::move(profileDir))
{}

Result<QString> SessionVault::runtimeRoot()
{
#ifdef Q_OS_LINUX
    QString base = qEnvironmentVariable("XDG_RUNTIME_DIR");
    QString root = base.isEmpty() ? QString() : base + u"/sak-agent"_s;
    if (base.isEmpty() || !isSafeParent(base)) {
        if (!base.isEmpty())
            qCWarning(lcAgent).noquote()
                << "XDG_RUNTIME_DIR" << base
                << "is not a directory only this user can change; using /dev/shm instead";
        base = u"/dev/shm"_s;
        root = u"/dev/shm/sak-agent-%1"_s.arg(::geteuid());
    }
    if (!isSafeParent(base))
        return Error{
            u"vault"_s,
            u"No private RAM-backed directory is available ($XDG_RUNTIME_DIR or /dev/shm). Set [whatsapp] profile-storage=persistent to keep the WhatsApp profile on disk instead (weaker protection)."_s};
    if (Status claimed = claimPrivateRoot(root); !claimed)
        return claimed.error();
    return root;
#else
    return Error{
        u"vault"_s,
        u"This system has no RAM-backed directory for the WhatsApp profile. Set [whatsapp] profile-storage=persistent to keep the profile on disk (weaker protection)."_s};
#endif
}

Result<SessionVault::Restored> SessionVault::restore()
{
    const QString storage = storageOf(m_profileDir);
    if (!makePrivateDir(m_profileDir) || !makePrivateDir(storage))
        return Error{u"vault"_s,
                     u"The profile directory %1 cannot be created."_s.arg(m_profileDir)};
    if (hasSession(storage)) {
        qCWarning(lcAgent).noquote()
            << "The WhatsApp session of" << m_account << "survived a crash in RAM; using it";
        return Restored::CrashCopy;
    }
    const auto sealed = m_store.loadSeal(m_account);
    if (!sealed)
        return sealed.error();
    if (!sealed.value()) {
        qCInfo(lcAgent).noquote() << "No sealed WhatsApp session for" << m_account << "yet";
        return Restored::Nothing;
    }
    if (Status unpacked = unpack(*sealed.value(), storage); !unpacked)
        return unpacked.error();
    qCInfo(lcAgent).noquote() << "Restored the sealed WhatsApp session of" << m_account << "("
                              << sealed.value()->size() << "bytes)";
    return Restored::Seal;
}

Status SessionVault::seal()
{
    auto archive = pack(storageOf(m_profileDir));
    if (!archive)
        return archive.error();
    if (Status saved = m_store.saveSeal(m_account, archive.value()); !saved)
        return saved;
    qCInfo(lcAgent).noquote() << "Sealed the WhatsApp session of" << m_account << "("
                              << archive.value().size() << "bytes)";
    return Done{};
}

void SessionVault::settle(std::chrono::milliseconds quiet, std::chrono::milliseconds maxWait)
{
    auto signature = [this] {
        QByteArray sig;
        for (const QString &dir : kSessionDirs) {
            QDirIterator it(storageOf(m_profileDir) + u'/' + dir, QDir::Files | QDir::Hidden,
                            QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QFileInfo info(it.next());
                sig += info.filePath().toUtf8() + QByteArray::number(info.size()) +
                       QByteArray::number(info.lastModified().toMSecsSinceEpoch());
            }
        }
        return sig;
    };
    QElapsedTimer total;
    total.start();
    QElapsedTimer unchanged;
    unchanged.start();
    QByteArray last = signature();
    while (total.elapsed() < maxWait.count() && unchanged.elapsed() < quiet.count()) {
        QEventLoop loop;
        QTimer::singleShot(20, &loop, &QEventLoop::quit);
        loop.exec();
        if (QByteArray now = signature(); now != last) {
            last = now;
            unchanged.restart();
        }
    }
}

Status SessionVault::wipe()
{
    if (QFileInfo::exists(m_profileDir) && !QDir(m_profileDir).removeRecursively())
        return Error{
            u"vault"_s,
            u"The RAM copy of the WhatsApp profile at %1 could not be removed entirely."_s.arg(
                m_profileDir)};
    return Done{};
}

Result<QByteArray> SessionVault::pack(const QString &storageDir)
{
    QByteArray raw;
    QDataStream out(&raw, QIODevice::WriteOnly);
    out.setVersion(QDataStream::Qt_6_0);
    out << kMagic << kFormat;
    const QDir root(storageDir);
    for (const QString &dir : kSessionDirs) {
        QDirIterator it(storageDir + u'/' + dir, QDir::Files | QDir::Hidden,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile file(it.next());
            // LevelDB's LOCK file is held by the running browser and carries no data.
            if (it.fileName() == u"LOCK"_s)
                continue;
            if (!file.open(QIODevice::ReadOnly))
                return Error{u"vault"_s, u"%1 of the WhatsApp session cannot be read: %2."_s.arg(
                                             file.fileName(), file.errorString())};
            qCDebug(lcAgent).noquote()
                << "Sealing" << root.relativeFilePath(file.fileName()) << file.size() << "bytes";
            out << true << root.relativeFilePath(file.fileName()) << file.readAll();
        }
    }
    out << false;
    return qCompress(raw, 6);
}

Status SessionVault::unpack(const QByteArray &archive, const QString &storageDir)
{
    const QByteArray raw = qUncompress(archive);
    QDataStream in(raw);
    in.setVersion(QDataStream::Qt_6_0);
    quint32 magic = 0;
    quint32 format = 0;
    in >> magic >> format;
    if (raw.isEmpty() || magic != kMagic || format != kFormat)
        return Error{
            u"vault"_s,
            u"The sealed WhatsApp session is damaged or from an unknown version; WhatsApp will ask for pairing again."_s};
    const QDir root(storageDir);
    qint64 total = 0;
    for (;;) {
        bool more = false;
        in >> more;
        if (in.status() != QDataStream::Ok)
            return Error{u"vault"_s, u"The sealed WhatsApp session is truncated."_s};
        if (!more)
            break;
        QString relative;
        QByteArray content;
        in >> relative >> content;
        total += content.size();
        const QString target = QDir::cleanPath(root.absoluteFilePath(relative));
        // Only into the session's own directories, whatever the archive says.
        const bool inside =
            std::any_of(kSessionDirs.cbegin(), kSessionDirs.cend(), [&](const QString &dir) {
                return target.startsWith(root.absoluteFilePath(dir) + u'/');
            });
        if (in.status() != QDataStream::Ok || !inside || total > kMaxArchive)
            return Error{
                u"vault"_s,
                u"The sealed WhatsApp session holds an invalid entry; it was not restored."_s};
        if (!makePrivateDir(QFileInfo(target).absolutePath()))
            return Error{u"vault"_s,
                         u"%1 cannot be created."_s.arg(QFileInfo(target).absolutePath())};
        QFile file(target);
        // Owner-only before the session's bytes are in it.
        if (!file.open(QIODevice::WriteOnly) ||
            !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
            file.write(content) != content.size())
            return Error{u"vault"_s,
                         u"%1 cannot be written owner-only: %2."_s.arg(target, file.errorString())};
    }
    return Done{};
}

} // namespace sak
