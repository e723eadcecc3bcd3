#include "agent/cloud/keypins.h"

#include <QCryptographicHash>
#include <QSslKey>

namespace sak::keypins {

QByteArray pinOf(const QSslCertificate &certificate)
{
    // QSslKey::toDer() of a public key is its SubjectPublicKeyInfo.
    return QCryptographicHash::hash(certificate.publicKey().toDer(), QCryptographicHash::Sha256)
        .toBase64();
}

bool isValid(const QString &pin)
{
    const auto decoded =
        QByteArray::fromBase64Encoding(pin.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    return decoded && decoded.decoded.size() == 32;
}

bool chainMatches(const QList<QSslCertificate> &chain, const QStringList &pins)
{
    if (pins.isEmpty())
        return true;
    for (const QSslCertificate &certificate : chain) {
        if (pins.contains(QString::fromLatin1(pinOf(certificate))))
            return true;
    }
    return false;
}

} // namespace sak::keypins
