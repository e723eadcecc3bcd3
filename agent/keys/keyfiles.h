#pragma once

#include "agent/base/result.h"

#include <QByteArray>
#include <QString>

// The data key without a keychain: kept in a key file, or derived from a passphrase, for a
// kiosk without a secret service. KeySource uses these; tests call them directly.
namespace sak {

inline constexpr qsizetype kDataKeySize = 32;

// A fresh data key from the system's random source.
QByteArray newDataKey();

// A stored key: 32 raw bytes or 64 hex digits; `where` names its place for the error.
Result<QByteArray> decodeKey(const QByteArray &raw, const QString &where);
Result<QByteArray> readOrCreateKeyFile(const QString &path);
Status writeKeyFile(const QString &path, const QByteArray &key);
Result<QByteArray> readPassphrase(const QString &source); // a file, or "-" for stdin
// PBKDF2 with the salt and iteration count kept in `paramsFile` (made anew when `fresh`).
Result<QByteArray> deriveKeyFromPassphrase(const QByteArray &passphrase, const QString &paramsFile,
                                           bool fresh);

} // namespace sak
