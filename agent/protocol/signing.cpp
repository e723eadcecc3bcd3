#include "agent/protocol/signing.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>

using namespace Qt::Literals::StringLiterals;

namespace sak::signing {
namespace {

QByteArray mac(const QByteArray &secret, const QByteArray &data)
{
    return "v1=" +
           QMessageAuthenticationCode::hash(data, secret, QCryptographicHash::Sha256).toHex();
}

} // namespace

QByteArray canonical(const QByteArray &method, const QByteArray &path, const QByteArray &timestamp,
                     const QByteArray &nonce, const QByteArray &body)
{
    return method + '\n' + path + '\n' + timestamp + '\n' + nonce + '\n' +
           QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex();
}

Signature sign(const QByteArray &secret, const QByteArray &method, const QByteArray &path,
               const QByteArray &body, qint64 now)
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    Signature signature;
    signature.timestamp = QByteArray::number(now);
    signature.nonce = QByteArray(reinterpret_cast<const char *>(words), sizeof words).toHex();
    signature.value =
        mac(secret, canonical(method, path, signature.timestamp, signature.nonce, body));
    return signature;
}

bool equalConstantTime(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false; // the length of a signature is public
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

bool NonceCache::remember(const QByteArray &nonce, qint64 now)
{
    if (now - m_lastPurge > kMaxClockSkewSeconds) {
        for (auto it = m_seen.begin(); it != m_seen.end();) {
            if (now - it.value() > 2 * kMaxClockSkewSeconds)
                it = m_seen.erase(it);
            else
                ++it;
        }
        m_lastPurge = now;
    }
    if (m_seen.contains(nonce))
        return false;
    m_seen.insert(nonce, now);
    return true;
}

Status verify(const QList<QByteArray> &secrets, const QByteArray &method, const QByteArray &path,
              const QByteArray &body, const Signature &signature, qint64 now, NonceCache &nonces)
{
    bool numeric = false;
    const qint64 timestamp = signature.timestamp.toLongLong(&numeric);
    if (!numeric || qAbs(now - timestamp) > kMaxClockSkewSeconds)
        return Error{
            u"stale-timestamp"_s,
            u"The request's timestamp is missing or more than %1 s away from the server's clock; check the computer's clock."_s
                .arg(kMaxClockSkewSeconds)};
    if (signature.nonce.size() < 16 || signature.nonce.size() > 64)
        return Error{u"bad-signature"_s, u"The request has no valid nonce."_s};
    const QByteArray data = canonical(method, path, signature.timestamp, signature.nonce, body);
    bool matched = false;
    for (const QByteArray &secret : secrets) {
        const QByteArray expected = mac(secret, data);
        // Every secret is tried, match or not, so the timing does not tell which one matched.
        matched = equalConstantTime(expected, signature.value) || matched;
    }
    if (!matched)
        return Error{
            u"bad-signature"_s,
            u"The request's signature does not match; the credentials may have been rotated or revoked."_s};
    if (!nonces.remember(signature.nonce, now))
        return Error{u"replayed-nonce"_s,
                     u"This request was seen before (its nonce is reused) and is refused."_s};
    return Done{};
}

QByteArray signingSecret(const QList<QByteArray> &secrets, const QByteArray &method,
                         const QByteArray &path, const QByteArray &body, const Signature &signature)
{
    const QByteArray data = canonical(method, path, signature.timestamp, signature.nonce, body);
    for (const QByteArray &secret : secrets) {
        if (equalConstantTime(mac(secret, data), signature.value))
            return secret;
    }
    return {};
}

QByteArray answerCanonical(const QByteArray &path, const QByteArray &requestNonce, int status,
                           const QByteArray &body)
{
    return "ANSWER\n" + path + '\n' + requestNonce + '\n' + QByteArray::number(status) + '\n' +
           QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex();
}

QByteArray signAnswer(const QByteArray &secret, const QByteArray &path,
                      const QByteArray &requestNonce, int status, const QByteArray &body)
{
    return mac(secret, answerCanonical(path, requestNonce, status, body));
}

Status verifyAnswer(const QByteArray &secret, const QByteArray &path,
                    const QByteArray &requestNonce, int status, const QByteArray &body,
                    const QByteArray &signature)
{
    if (signature.isEmpty())
        return Error{
            u"unsigned-answer"_s,
            u"The answer to %1 (HTTP %2) was not signed by the cloud (a proxy or a mis-issued certificate?); it is not acted on."_s
                .arg(QString::fromUtf8(path))
                .arg(status)};
    if (!equalConstantTime(signAnswer(secret, path, requestNonce, status, body), signature))
        return Error{
            u"bad-answer-signature"_s,
            u"The answer to %1 (HTTP %2) does not match its signature: it was not signed by the cloud, or was changed on the way (a proxy or a mis-issued certificate?); it is not acted on."_s
                .arg(QString::fromUtf8(path))
                .arg(status)};
    return Done{};
}

} // namespace sak::signing
