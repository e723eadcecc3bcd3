#pragma once

#include <QByteArray>
#include <QList>
#include <QSslCertificate>
#include <QString>
#include <QStringList>

namespace sak {

// Public-key pinning of a server: a pin is the SHA-256 of a certificate's SubjectPublicKeyInfo,
// base64-encoded (what `openssl x509 -pubkey | openssl pkey -pubin -outform der | sha256`
// prints, and scripts/make-certs.sh writes). Pinning the key rather than the certificate
// survives certificate renewals that keep the key.
namespace keypins {

// The pin of one certificate's public key.
QByteArray pinOf(const QSslCertificate &certificate);

// True when `pin` is base64 of 32 bytes.
bool isValid(const QString &pin);

// True when no pins are configured, or when a certificate of the chain carries a pinned key
// (pinning an intermediate or root key, as HPKP allowed, is fine too).
bool chainMatches(const QList<QSslCertificate> &chain, const QStringList &pins);

} // namespace keypins
} // namespace sak
