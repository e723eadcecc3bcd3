#pragma once

#include "agent/base/result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QPair>
#include <QString>

// Request signing of the cloud protocol (docs/protocol.md, "Signing"), shared by the agent
// (signs requests, verifies answers and what the server pushes) and the stub (verifies
// requests, signs answers and pushes). HMAC-SHA256 over the method, the path, a timestamp, a
// nonce and the body's hash.
namespace sak::signing {

inline constexpr qint64 kMaxClockSkewSeconds = 300;

inline constexpr char kTokenHeader[] = "X-Sak-Token";
inline constexpr char kTimestampHeader[] = "X-Sak-Timestamp";
inline constexpr char kNonceHeader[] = "X-Sak-Nonce";
inline constexpr char kSignatureHeader[] = "X-Sak-Signature";

struct Signature
{
    QByteArray timestamp; // unix seconds, decimal
    QByteArray nonce;     // 32 hex digits, never reused
    QByteArray value;     // "v1=<hex>"
};

// The string that is signed: METHOD \n PATH \n TIMESTAMP \n NONCE \n hex(sha256(body)).
QByteArray canonical(const QByteArray &method, const QByteArray &path, const QByteArray &timestamp,
                     const QByteArray &nonce, const QByteArray &body);

Signature sign(const QByteArray &secret, const QByteArray &method, const QByteArray &path,
               const QByteArray &body, qint64 now);

// Constant-time: the time taken does not depend on where the inputs differ.
bool equalConstantTime(const QByteArray &a, const QByteArray &b);

// Remembers the nonces seen within the allowed clock skew, to refuse replays.
class NonceCache
{
public:
    // False when the nonce was seen already (a replay). Forgets what is too old to matter.
    bool remember(const QByteArray &nonce, qint64 now);
    qsizetype size() const { return m_seen.size(); }

private:
    QHash<QByteArray, qint64> m_seen;
    qint64 m_lastPurge = 0;
};

// Checks a signature against every secret valid right now (two during a rotation). The error
// code says which check failed: stale-timestamp, bad-signature or replayed-nonce.
Status verify(const QList<QByteArray> &secrets, const QByteArray &method, const QByteArray &path,
              const QByteArray &body, const Signature &signature, qint64 now, NonceCache &nonces);

// Which of the secrets made this (verified) request signature; empty when none did. The cloud
// signs its answer with that one: the agent knows no other (during a rotation, the old one).
QByteArray signingSecret(const QList<QByteArray> &secrets, const QByteArray &method,
                         const QByteArray &path, const QByteArray &body,
                         const Signature &signature);

// Answers to signed requests are signed too (docs/protocol.md, "Signed answers"), in the
// header kSignatureHeader, so that a TLS-inspecting proxy or a mis-issued certificate cannot
// make the agent act on what the cloud did not say. The string signed:
// ANSWER \n PATH \n NONCE \n STATUS \n hex(sha256(body)), NONCE being the request's: an answer
// fits only the request it answers, so an old answer cannot be played back.
QByteArray answerCanonical(const QByteArray &path, const QByteArray &requestNonce, int status,
                           const QByteArray &body);
QByteArray signAnswer(const QByteArray &secret, const QByteArray &path,
                      const QByteArray &requestNonce, int status, const QByteArray &body);
// unsigned-answer when `signature` is empty, bad-answer-signature when it does not match.
Status verifyAnswer(const QByteArray &secret, const QByteArray &path,
                    const QByteArray &requestNonce, int status, const QByteArray &body,
                    const QByteArray &signature);

} // namespace sak::signing
