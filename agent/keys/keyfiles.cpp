#include "agent/keys/keyfiles.h"

#include "agent/base/logging.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPasswordDigestor>
#include <QRandomGenerator>
#include <QSaveFile>

#include <cstdio>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

constexpr int kPbkdf2Iterations = 600000; // OWASP's figure for PBKDF2-HMAC-SHA256
constexpr qsizetype kMinPassphrase = 12;

bool ownerOnly(const QString &path)
{
    const auto p = QFileInfo(path).permissions();
    return !(p & (QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ReadOther |
                  QFileDevice::WriteOther));
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
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
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
    if (!ownerOnly(path))
        return Error{
            u"key-file"_s,
            u"The key file %1 can be read by other users; the agent does not use it. Run: chmod 600 %1"_s
                .arg(path)};
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
        if (!out.open(QIODevice::WriteOnly) || out.write(QJsonDocument(params).toJson()) < 0 ||
            !out.commit())
            return Error{u"passphrase"_s, u"The key parameters %1 cannot be written: %2."_s.arg(
                                              paramsFile, out.errorString())};
        QFile::setPermissions(paramsFile, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }
    return QPasswordDigestor::deriveKeyPbkdf2(QCryptographicHash::Sha256, passphrase, salt,
                                              iterations, kDataKeySize);
}

} // namespace sak
