#include "agent/keys/keyfiles.h"

#include "agent/base/logging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPasswordDigestor>
#include <QRandomGenerator>
#include <QSaveFile>

#include <cstdio>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

constexpr int kPbkdf2Iterations = 600000; // OWASP's figure for PBKDF2-HMAC-SHA256
constexpr qsizetype kMinPassphrase = 12;

constexpr QFileDevice::Permissions kOwnerFile = QFileDevice::ReadOwner | QFileDevice::WriteOwner;

// systemd's credentials (LoadCredential=, LoadCredentialEncrypted=) are its own: in a directory
// only the service can reach, read-only, and shared with the service's user through an ACL, so
// their owner and group bits say nothing about who else may read them.
bool isSystemdCredential(const QString &path)
{
    const QString credentials = qEnvironmentVariable("CREDENTIALS_DIRECTORY");
    return !credentials.isEmpty() &&
           QFileInfo(path).absoluteFilePath().startsWith(QDir(credentials).absolutePath() + u'/');
}

// A file holding the key or the passphrase: the user's, and nobody else may read or change it.
// `what` names it in the sentence ("The key file").
Status checkPrivate(const QString &path, const QString &what)
{
    if (isSystemdCredential(path))
        return Done{};
    const QFileInfo info(path);
#ifdef Q_OS_UNIX
    if (info.ownerId() != ::geteuid())
        return Error{
            u"file-owner"_s,
            u"%1 %2 belongs to another user, who could read or replace it; the agent does not use it. Make it the agent's user's (chown), then: chmod 600 %2"_s
                .arg(what, path)};
    // Unix modes only: on Windows QFileInfo reports group and other access for every file
    // (NTFS permissions are not looked up), which would refuse every key file.
    const auto p = info.permissions();
    if (p & (QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ReadOther |
             QFileDevice::WriteOther))
        return Error{
            u"file-mode"_s,
            u"%1 %2 can be read or changed by other users; the agent does not use it. Run: chmod 600 %2"_s
                .arg(what, path)};
#else
    Q_UNUSED(info);
    Q_UNUSED(what);
#endif
    return Done{};
}

} // namespace

QByteArray newDataKey()
{
    QByteArray key(kDataKeySize, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(key.data()),
                                          kDataKeySize / 4);
    return key;
}

Result<QByteArray> decodeKey(const QByteArray &raw, const QString &where)
{
    const QByteArray text = raw.trimmed();
    if (raw.size() == kDataKeySize)
        return raw;
    if (text.size() == kDataKeySize * 2) {
        const auto decoded = QByteArray::fromHex(text);
        if (decoded.size() == kDataKeySize && decoded.toHex() == text.toLower())
            return decoded;
    }
    return Error{
        u"key-invalid"_s,
        u"The key in %1 is not 32 bytes (raw) or 64 hex digits; it is damaged. Restore it from your backup."_s
            .arg(where)};
}

Status writeKeyFile(const QString &path, const QByteArray &key)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error{u"key-file"_s,
                     u"The key file %1 cannot be written: %2."_s.arg(path, file.errorString())};
    // Owner-only before the key is in it.
    if (!file.setPermissions(kOwnerFile))
        return Error{
            u"key-file"_s,
            u"The key file %1 cannot be made owner-only (%2); the key was not written. Choose a place on a file system with Unix permissions, owned by the agent's user."_s
                .arg(path, file.errorString())};
    file.write(key.toHex() + '\n');
    if (!file.commit())
        return Error{u"key-file"_s,
                     u"The key file %1 cannot be written: %2."_s.arg(path, file.errorString())};
    return Done{};
}

Result<QByteArray> readOrCreateKeyFile(const QString &path)
{
    if (path.isEmpty())
        return Error{u"key-file"_s,
                     u"No key file is configured: set [storage] key-file or pass --key-file."_s};
    QFile file(path);
    if (!file.exists()) {
        const QByteArray key = newDataKey();
        if (Status written = writeKeyFile(path, key); !written)
            return written.error();
        qCWarning(lcAgent).noquote()
            << "Created a new data key in" << path
            << "- keep a copy somewhere safe; without it the agent's data is lost";
        return key;
    }
    if (Status mine = checkPrivate(path, u"The key file"_s); !mine)
        return Error{u"key-file"_s, mine.error().message};
    if (!file.open(QIODevice::ReadOnly))
        return Error{u"key-file"_s,
                     u"The key file %1 cannot be read: %2."_s.arg(path, file.errorString())};
    return decodeKey(file.read(1024), path);
}

Result<QByteArray> readPassphrase(const QString &source)
{
    QByteArray passphrase;
    if (source == u"-"_s) {
        char line[1024];
        if (std::fgets(line, sizeof line, stdin))
            passphrase = QByteArray(line);
    } else {
        QFile file(source);
        if (source.isEmpty() || !file.open(QIODevice::ReadOnly))
            return Error{
                u"passphrase"_s,
                u"The passphrase file '%1' cannot be read; check --passphrase-file."_s.arg(source)};
        if (Status mine = checkPrivate(source, u"The passphrase file"_s); !mine)
            return Error{u"passphrase"_s, mine.error().message};
        passphrase = file.readLine(1024);
    }
    while (passphrase.endsWith('\n') || passphrase.endsWith('\r'))
        passphrase.chop(1);
    if (passphrase.size() < kMinPassphrase)
        return Error{u"passphrase"_s,
                     u"The passphrase is shorter than %1 characters; choose a longer one."_s.arg(
                         kMinPassphrase)};
    return passphrase;
}

Result<QByteArray> deriveKeyFromPassphrase(const QByteArray &passphrase, const QString &paramsFile,
                                           bool fresh)
{
    QByteArray salt;
    int iterations = kPbkdf2Iterations;
    QFile file(paramsFile);
    if (!fresh && file.open(QIODevice::ReadOnly)) {
        const QJsonObject params = QJsonDocument::fromJson(file.readAll()).object();
        salt = QByteArray::fromBase64(params.value(u"salt"_s).toString().toLatin1());
        iterations = params.value(u"iterations"_s).toInt();
        if (params.value(u"kdf"_s).toString() != u"pbkdf2-sha256"_s || salt.size() < 16 ||
            iterations < 100000)
            return Error{
                u"passphrase"_s,
                u"The key parameters in %1 are damaged; restore the file from your backup."_s.arg(
                    paramsFile)};
    } else {
        salt = newDataKey().left(16);
        QSaveFile out(paramsFile);
        const QJsonObject params{{u"kdf"_s, u"pbkdf2-sha256"_s},
                                 {u"iterations"_s, iterations},
                                 {u"salt"_s, QString::fromLatin1(salt.toBase64())}};
        if (!out.open(QIODevice::WriteOnly) || !out.setPermissions(kOwnerFile) ||
            out.write(QJsonDocument(params).toJson()) < 0 || !out.commit())
            return Error{u"passphrase"_s,
                         u"The key parameters %1 cannot be written owner-only: %2."_s.arg(
                             paramsFile, out.errorString())};
    }
    return QPasswordDigestor::deriveKeyPbkdf2(QCryptographicHash::Sha256, passphrase, salt,
                                              iterations, kDataKeySize);
}

} // namespace sak
