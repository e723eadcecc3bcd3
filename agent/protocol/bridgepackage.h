#pragma once

#include "agent/base/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QVersionNumber>

#include <optional>

// Bridge packages (docs/protocol.md, "Bridge packages"): the page half of the bridge, signed
// with an offline release key (Ed25519), delivered by the cloud, verified by the agent. Shared
// by the agent (verifies), the packaging tool (signs) and the stub (reads the form only: it
// holds no keys, as the cloud holds none).
namespace sak::bridgepackage {

inline constexpr qsizetype kMaxBytes = 8 * 1024 * 1024;
inline constexpr char kFormat[] = "sak-bridge/1";
// Where the agent puts its settings in the page adapter.
inline constexpr char kSettingsMarker[] = "/* SAK settings */ {}";
inline constexpr qsizetype kMaxNotes = 4096;

// A version as packages write theirs: 1 to 4 dot-separated numbers of at most 9 digits,
// nothing else ("1.2.0"; not "1.2-beta", not "v1").
std::optional<QVersionNumber> parseVersion(const QString &text);

// A public key the agent trusts, as compiled into the binary.
struct TrustedKey
{
    QString keyId;     // keyIdOf(raw)
    QByteArray raw;    // the 32-byte Ed25519 public key
    QString name;      // who holds it, e.g. "SAK release 2026"
    bool test = false; // the build's generated test key: never in a shipped package
};

struct Manifest
{
    QVersionNumber version;
    QString versionText; // as written
    QVersionNumber agentMin;
    QVersionNumber agentMax; // prefix: "0.1" takes every 0.1.x
    QString waJsVersion;
    QDateTime created;
    QString notes;
    QString library;   // the wa-js bundle
    QString pageAgent; // the adapter, with kSettingsMarker
    QString relay;     // empty: the agent's own
};

// A document read in form: the signature not yet checked.
struct Document
{
    QString keyId;
    QByteArray signature; // 64 bytes
    QByteArray manifestBytes;
    Manifest manifest;
};

// The first 8 bytes of SHA-256 over the raw key, in lower-case hex.
QString keyIdOf(const QByteArray &rawPublicKey);

// The document's form: JSON, format, base64, the manifest's fields and types. Codes:
// bridge-package-too-large, bridge-package-malformed.
Result<Document> read(const QByteArray &bytes);

// read(), then the signature with one of `keys` (bridge-package-unknown-key,
// bridge-package-bad-signature) and the agent's version against the manifest's range
// (bridge-package-wrong-agent).
Result<Document> verify(const QByteArray &bytes, const QList<TrustedKey> &keys,
                        const QVersionNumber &agentVersion);

// Whether `agent` lies in [min, max], max taken as a prefix.
bool agentInRange(const QVersionNumber &agent, const Manifest &manifest);

// The manifest's JSON (UTF-8), as signed.
QByteArray encodeManifest(const Manifest &manifest);
// A signed document; `privateKeyPem`: a PEM Ed25519 private key (PKCS#8, as `openssl genpkey
// -algorithm ed25519` writes). bridge-package-key when it is not one.
Result<QByteArray> sign(const Manifest &manifest, const QByteArray &privateKeyPem);
// The raw 32-byte public key of a PEM Ed25519 public or private key.
Result<QByteArray> publicKeyOf(const QByteArray &pem);

} // namespace sak::bridgepackage
