#pragma once

#include "agent/protocol/bridgepackage.h"

#include <QByteArray>
#include <QString>

// Keys and manifests for tests of bridge packages. The keys are made fresh in memory for each
// run: no build trusts them unless a test hands them to verify().
namespace sak::test {

struct BridgeKey
{
    QByteArray privatePem; // PKCS#8, as `openssl genpkey -algorithm ed25519` writes
    QByteArray publicPem;  // SubjectPublicKeyInfo, as `openssl pkey -pubout` writes
    QByteArray publicRaw;  // the 32-byte public key, straight from OpenSSL
    QString keyId;         // bridgepackage::keyIdOf(publicRaw)
    bridgepackage::TrustedKey trusted;
};

// A new Ed25519 key pair; stops the test run when OpenSSL cannot make one.
BridgeKey makeBridgeKey(const QString &name = QStringLiteral("test key"));

// A new private key of another algorithm, PEM (PKCS#8): "RSA" (2048 bits) or "EC" (P-256).
QByteArray makeOtherPrivateKeyPem(const char *algorithm);

// A package document around `manifestBytes` exactly as given, with a real signature of `key`
// (for manifests that encodeManifest() would never write). Signed here with OpenSSL directly,
// not with bridgepackage::sign().
QByteArray signedDocument(const BridgeKey &key, const QByteArray &manifestBytes);

// A valid manifest: `version` for agents 0.1.0 to 0.1 (every 0.1.x), small scripts, the page
// adapter with the settings marker, no relay.
bridgepackage::Manifest testManifest(const QString &version = QStringLiteral("1.2.0"));

} // namespace sak::test
