#include "agent/protocol/bridgepackage.h"

#include "agent/protocol/jsonutil.h"
#include "agent/protocol/opensslhandles.h"

#include <QCryptographicHash>
#include <QRegularExpression>

#include <openssl/pem.h>

using namespace Qt::Literals::StringLiterals;

namespace sak::bridgepackage {
namespace {

constexpr qsizetype kSignatureBytes = 64;
constexpr qsizetype kPublicKeyBytes = 32;
constexpr qsizetype kMaxVersionText = 32;

using openssl::Bio;
using openssl::MdCtx;
using openssl::Pkey;

Error malformed(const QString &what)
{
    return {
        u"bridge-package-malformed"_s,
        u"The bridge package is not a valid package (%1); it was refused. Ask for it to be published again."_s
            .arg(what)};
}

std::optional<QVersionNumber> versionField(const json::Json &object, const char *key)
{
    const auto text = json::string(object, key, kMaxVersionText);
    return text ? parseVersion(*text) : std::nullopt;
}

Pkey readPem(const QByteArray &pem, bool *isPrivate)
{
    Bio bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    if (!bio)
        return nullptr;
    Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    *isPrivate = bool(key);
    if (!key) {
        BIO_reset(bio.get());
        key.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    }
    if (key && EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519)
        key.reset();
    return key;
}

bool verifySignature(const QByteArray &rawKey, const QByteArray &message,
                     const QByteArray &signature)
{
    Pkey key(EVP_PKEY_new_raw_public_key(
        EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char *>(rawKey.constData()),
        size_t(rawKey.size())));
    MdCtx ctx(EVP_MD_CTX_new());
    if (!key || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1)
        return false;
    return EVP_DigestVerify(ctx.get(),
                            reinterpret_cast<const unsigned char *>(signature.constData()),
                            size_t(signature.size()),
                            reinterpret_cast<const unsigned char *>(message.constData()),
                            size_t(message.size())) == 1;
}

} // namespace

std::optional<QVersionNumber> parseVersion(const QString &text)
{
    static const QRegularExpression form(u"^[0-9]{1,9}(\\.[0-9]{1,9}){0,3}$"_s);
    if (!form.match(text).hasMatch())
        return std::nullopt;
    return QVersionNumber::fromString(text);
}

QString keyIdOf(const QByteArray &rawPublicKey)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(rawPublicKey, QCryptographicHash::Sha256).left(8).toHex());
}

Result<Document> read(const QByteArray &bytes)
{
    if (bytes.size() > kMaxBytes)
        return Error{
            u"bridge-package-too-large"_s,
            u"The bridge package is %1 bytes, more than the %2 a package may have; it was refused."_s
                .arg(bytes.size())
                .arg(kMaxBytes)};
    const json::Json document = json::parse(bytes);
    if (!document.is_object())
        return malformed(u"not a JSON object: cut short or not a package"_s);
    const auto format = json::string(document, "format", 64);
    if (!format)
        return malformed(u"no format"_s);
    if (*format != QLatin1String(kFormat))
        return malformed(u"format \"%1\", this agent reads \"%2\""_s.arg(format->left(64),
                                                                         QLatin1String(kFormat)));
    Document out;
    const auto keyId = json::string(document, "keyId", 64);
    static const QRegularExpression hex16(u"^[0-9a-f]{16}$"_s);
    if (!keyId || !hex16.match(*keyId).hasMatch())
        return malformed(u"keyId is not 16 lower-case hex digits"_s);
    out.keyId = *keyId;
    const auto signature = json::optionalBase64(document, "signature", kSignatureBytes);
    if (!signature || signature->size() != kSignatureBytes)
        return malformed(u"signature is not 64 bytes of base64"_s);
    out.signature = *signature;
    const auto manifestBytes = json::optionalBase64(document, "manifest", kMaxBytes);
    if (!manifestBytes || manifestBytes->isEmpty())
        return malformed(u"manifest is not base64"_s);
    out.manifestBytes = *manifestBytes;

    const json::Json manifest = json::parse(out.manifestBytes);
    if (!manifest.is_object())
        return malformed(u"the manifest is not a JSON object"_s);
    Manifest &m = out.manifest;
    const auto versionText = json::string(manifest, "version", kMaxVersionText);
    const auto version = versionText ? parseVersion(*versionText) : std::nullopt;
    if (!version)
        return malformed(u"version is not 1 to 4 dot-separated numbers"_s);
    m.version = *version;
    m.versionText = *versionText;
    const auto agentMin = versionField(manifest, "agentMin");
    const auto agentMax = versionField(manifest, "agentMax");
    if (!agentMin || !agentMax)
        return malformed(u"agentMin or agentMax is not a version"_s);
    m.agentMin = *agentMin;
    m.agentMax = *agentMax;
    const auto waJs = json::string(manifest, "waJs", 64);
    if (!waJs || waJs->isEmpty())
        return malformed(u"waJs (the wa-js version) is missing"_s);
    m.waJsVersion = *waJs;
    const auto created = json::optionalString(manifest, "created", 64);
    const auto notes = json::optionalString(manifest, "notes", kMaxNotes);
    if (!created || !notes)
        return malformed(u"created or notes is not text"_s);
    m.created = QDateTime::fromString(*created, Qt::ISODate);
    m.notes = *notes;
    const auto scripts = manifest.find("scripts");
    if (scripts == manifest.end() || !scripts->is_object())
        return malformed(u"scripts is missing"_s);
    const auto library = json::string(*scripts, "library", kMaxBytes);
    const auto pageAgent = json::string(*scripts, "pageAgent", kMaxBytes);
    const auto relay = json::optionalString(*scripts, "relay", kMaxBytes);
    if (!library || library->isEmpty() || !pageAgent || pageAgent->isEmpty() || !relay)
        return malformed(u"scripts.library and scripts.pageAgent must be non-empty text"_s);
    if (!pageAgent->contains(QLatin1String(kSettingsMarker)))
        return malformed(u"the page adapter has no place for the agent's settings (%1)"_s.arg(
            QLatin1String(kSettingsMarker)));
    m.library = *library;
    m.pageAgent = *pageAgent;
    m.relay = *relay;
    return out;
}

bool agentInRange(const QVersionNumber &agent, const Manifest &manifest)
{
    return manifest.agentMin <= agent &&
           (agent <= manifest.agentMax || manifest.agentMax.isPrefixOf(agent));
}

Result<Document> verify(const QByteArray &bytes, const QList<TrustedKey> &keys,
                        const QVersionNumber &agentVersion)
{
    auto document = read(bytes);
    if (!document)
        return document;
    const Document &d = document.value();
    const auto key = std::find_if(keys.cbegin(), keys.cend(),
                                  [&](const TrustedKey &k) { return k.keyId == d.keyId; });
    if (key == keys.cend())
        return Error{
            u"bridge-package-unknown-key"_s,
            keys.isEmpty()
                ? u"Bridge package %1 is signed with key %2, and this build of the agent trusts no signing key, so it runs only its built-in bridge."_s
                      .arg(d.manifest.versionText, d.keyId)
                : u"Bridge package %1 is signed with key %2, which this agent does not trust; it was refused."_s
                      .arg(d.manifest.versionText, d.keyId)};
    if (!verifySignature(key->raw, d.manifestBytes, d.signature))
        return Error{
            u"bridge-package-bad-signature"_s,
            u"Bridge package %1 does not carry a valid signature of key %2 (changed on the way, or not made with that key); it was refused."_s
                .arg(d.manifest.versionText, d.keyId)};
    if (!agentInRange(agentVersion, d.manifest))
        return Error{
            u"bridge-package-wrong-agent"_s,
            u"Bridge package %1 is for agents %2 to %3, not for this agent (%4); it was refused."_s
                .arg(d.manifest.versionText, d.manifest.agentMin.toString(),
                     d.manifest.agentMax.toString(), agentVersion.toString())};
    return document;
}

QByteArray encodeManifest(const Manifest &m)
{
    json::Json scripts = {{"library", json::str(m.library)}, {"pageAgent", json::str(m.pageAgent)}};
    if (!m.relay.isEmpty())
        scripts["relay"] = json::str(m.relay);
    const json::Json manifest = {
        {"version", json::str(m.versionText.isEmpty() ? m.version.toString() : m.versionText)},
        {"agentMin", json::str(m.agentMin.toString())},
        {"agentMax", json::str(m.agentMax.toString())},
        {"waJs", json::str(m.waJsVersion)},
        {"created", json::str(m.created.toUTC().toString(Qt::ISODate))},
        {"notes", json::str(m.notes)},
        {"scripts", scripts}};
    return QByteArray::fromStdString(manifest.dump());
}

Result<QByteArray> publicKeyOf(const QByteArray &pem)
{
    bool isPrivate = false;
    const Pkey key = readPem(pem, &isPrivate);
    QByteArray raw(kPublicKeyBytes, '\0');
    size_t length = size_t(raw.size());
    if (!key ||
        EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char *>(raw.data()),
                                    &length) != 1 ||
        length != size_t(kPublicKeyBytes))
        return Error{
            u"bridge-package-key"_s,
            u"Not an Ed25519 key in PEM form (make one with: openssl genpkey -algorithm ed25519)."_s};
    return raw;
}

Result<QByteArray> sign(const Manifest &manifest, const QByteArray &privateKeyPem)
{
    bool isPrivate = false;
    const Pkey key = readPem(privateKeyPem, &isPrivate);
    if (!key || !isPrivate)
        return Error{
            u"bridge-package-key"_s,
            u"Not an Ed25519 private key in PEM form (make one with: openssl genpkey -algorithm ed25519)."_s};
    const auto raw = publicKeyOf(privateKeyPem);
    if (!raw)
        return raw.error();
    const QByteArray manifestBytes = encodeManifest(manifest);
    QByteArray signature(kSignatureBytes, '\0');
    size_t length = size_t(signature.size());
    MdCtx ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(signature.data()), &length,
                       reinterpret_cast<const unsigned char *>(manifestBytes.constData()),
                       size_t(manifestBytes.size())) != 1 ||
        length != size_t(kSignatureBytes))
        return Error{u"bridge-package-key"_s, u"OpenSSL could not sign with this key."_s};
    const json::Json document = {{"format", kFormat},
                                 {"keyId", json::str(keyIdOf(raw.value()))},
                                 {"signature", json::base64(signature)},
                                 {"manifest", json::base64(manifestBytes)}};
    return QByteArray::fromStdString(document.dump());
}

} // namespace sak::bridgepackage
