#include "tests/support/bridgetestkeys.h"

#include "agent/protocol/opensslhandles.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <openssl/pem.h>

using namespace Qt::Literals::StringLiterals;

namespace sak::test {
namespace {

using openssl::Bio;
using openssl::MdCtx;
using openssl::Pkey;

QByteArray drain(BIO *bio)
{
    QByteArray bytes(qsizetype(BIO_ctrl_pending(bio)), '\0');
    if (BIO_read(bio, bytes.data(), int(bytes.size())) != int(bytes.size()))
        qFatal("OpenSSL could not hand over a PEM key");
    return bytes;
}

QByteArray privatePem(EVP_PKEY *key)
{
    const Bio bio(BIO_new(BIO_s_mem()));
    if (!bio ||
        PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        qFatal("OpenSSL could not write a private key as PEM");
    return drain(bio.get());
}

Pkey readPrivatePem(const QByteArray &pem)
{
    const Bio bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    Pkey key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!key)
        qFatal("OpenSSL could not read back a test key");
    return key;
}

} // namespace

BridgeKey makeBridgeKey(const QString &name)
{
    const Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    if (!key)
        qFatal("OpenSSL could not make an Ed25519 key");
    BridgeKey out;
    out.privatePem = privatePem(key.get());
    const Bio bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), key.get()) != 1)
        qFatal("OpenSSL could not write a public key as PEM");
    out.publicPem = drain(bio.get());
    out.publicRaw = QByteArray(32, '\0');
    size_t length = size_t(out.publicRaw.size());
    if (EVP_PKEY_get_raw_public_key(
            key.get(), reinterpret_cast<unsigned char *>(out.publicRaw.data()), &length) != 1 ||
        length != 32)
        qFatal("OpenSSL could not hand over the raw Ed25519 public key");
    out.keyId = bridgepackage::keyIdOf(out.publicRaw);
    out.trusted = {out.keyId, out.publicRaw, name, true};
    return out;
}

QByteArray makeOtherPrivateKeyPem(const char *algorithm)
{
    const QByteArrayView which(algorithm);
    Pkey key;
    if (which == "RSA")
        key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(2048)));
    else if (which == "EC")
        key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key)
        qFatal("OpenSSL could not make a %s key", algorithm);
    return privatePem(key.get());
}

QByteArray signedDocument(const BridgeKey &key, const QByteArray &manifestBytes)
{
    const Pkey pkey = readPrivatePem(key.privatePem);
    const MdCtx ctx(EVP_MD_CTX_new());
    QByteArray signature(64, '\0');
    size_t length = size_t(signature.size());
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1 ||
        EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(signature.data()), &length,
                       reinterpret_cast<const unsigned char *>(manifestBytes.constData()),
                       size_t(manifestBytes.size())) != 1 ||
        length != 64)
        qFatal("OpenSSL could not sign with a test key");
    const QJsonObject document{{u"format"_s, QLatin1String(bridgepackage::kFormat)},
                               {u"keyId"_s, key.keyId},
                               {u"signature"_s, QString::fromLatin1(signature.toBase64())},
                               {u"manifest"_s, QString::fromLatin1(manifestBytes.toBase64())}};
    return QJsonDocument(document).toJson(QJsonDocument::Compact);
}

bridgepackage::Manifest testManifest(const QString &version)
{
    bridgepackage::Manifest m;
    m.versionText = version;
    m.version = QVersionNumber::fromString(version);
    m.agentMin = QVersionNumber(0, 1, 0);
    m.agentMax = QVersionNumber(0, 1);
    m.waJsVersion = u"4.6.0"_s;
    m.created = QDateTime(QDate(2026, 11, 30), QTime(12, 0), Qt::UTC);
    m.notes = u"a test package"_s;
    m.library = u"window.WPP = { isReady: true, version: 'test' };\n"_s;
    m.pageAgent = u"(function (settings) { window.sakSettings = settings; })(%1);\n"_s.arg(
        QLatin1String(bridgepackage::kSettingsMarker));
    return m;
}

} // namespace sak::test
