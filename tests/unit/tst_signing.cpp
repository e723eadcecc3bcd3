#include "agent/protocol/signing.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;
using namespace sak::signing;

namespace {
const QByteArray kSecret(32, 's');
const QByteArray kBody = R"({"message":"hola"})";
constexpr qint64 kNow = 1800000000;
} // namespace

class TestSigning : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void aGenuineRequestVerifies()
    {
        NonceCache nonces;
        const Signature s = sign(kSecret, "POST", "/v1/inbound", kBody, kNow);
        QVERIFY(s.value.startsWith("v1="));
        QCOMPARE(s.nonce.size(), 32);
        QVERIFY(verify({kSecret}, "POST", "/v1/inbound", kBody, s, kNow, nonces));
    }

    void tamperingIsDetected_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<qint64>("now");
        QTest::addColumn<QByteArray>("secret");
        QTest::addColumn<QString>("code");
        QTest::newRow("body") << QByteArray("POST") << QByteArray("/v1/inbound")
                              << QByteArray(R"({"message":"HOLA"})") << kNow << kSecret
                              << u"bad-signature"_s;
        QTest::newRow("method") << QByteArray("PUT") << QByteArray("/v1/inbound") << kBody << kNow
                                << kSecret << u"bad-signature"_s;
        QTest::newRow("path") << QByteArray("POST") << QByteArray("/v1/status") << kBody << kNow
                              << kSecret << u"bad-signature"_s;
        QTest::newRow("secret") << QByteArray("POST") << QByteArray("/v1/inbound") << kBody << kNow
                                << QByteArray(32, 'x') << u"bad-signature"_s;
        QTest::newRow("300 s late is fine") << QByteArray("POST") << QByteArray("/v1/inbound")
                                            << kBody << kNow + 300 << kSecret << QString();
        QTest::newRow("301 s late") << QByteArray("POST") << QByteArray("/v1/inbound") << kBody
                                    << kNow + 301 << kSecret << u"stale-timestamp"_s;
        QTest::newRow("301 s early") << QByteArray("POST") << QByteArray("/v1/inbound") << kBody
                                     << kNow - 301 << kSecret << u"stale-timestamp"_s;
    }
    void tamperingIsDetected()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, body);
        QFETCH(qint64, now);
        QFETCH(QByteArray, secret);
        QFETCH(QString, code);
        NonceCache nonces;
        const Signature s = sign(kSecret, "POST", "/v1/inbound", kBody, kNow);
        const Status verified = verify({secret}, method, path, body, s, now, nonces);
        QCOMPARE(verified.ok(), code.isEmpty());
        if (!code.isEmpty())
            QCOMPARE(verified.error().code, code);
    }

    void aReplayIsRefusedButRetriesAreNot()
    {
        NonceCache nonces;
        const Signature s = sign(kSecret, "POST", "/v1/inbound", kBody, kNow);
        QVERIFY(verify({kSecret}, "POST", "/v1/inbound", kBody, s, kNow, nonces));
        const Status replay = verify({kSecret}, "POST", "/v1/inbound", kBody, s, kNow + 1, nonces);
        QVERIFY(!replay);
        QCOMPARE(replay.error().code, u"replayed-nonce"_s);
        const Signature retry = sign(kSecret, "POST", "/v1/inbound", kBody, kNow + 1);
        QVERIFY(verify({kSecret}, "POST", "/v1/inbound", kBody, retry, kNow + 1, nonces));
    }

    void aBadSignatureDoesNotUseUpTheNonce()
    {
        NonceCache nonces;
        Signature s = sign(kSecret, "POST", "/v1/inbound", kBody, kNow);
        const QByteArray genuine = s.value;
        s.value = "v1=" + QByteArray(64, '0');
        QVERIFY(!verify({kSecret}, "POST", "/v1/inbound", kBody, s, kNow, nonces));
        s.value = genuine;
        QVERIFY(verify({kSecret}, "POST", "/v1/inbound", kBody, s, kNow, nonces));
    }

    void twoSecretsAreValidDuringARotation()
    {
        NonceCache nonces;
        const QByteArray next(32, 'n');
        QVERIFY(verify({kSecret, next}, "POST", "/p", kBody,
                       sign(kSecret, "POST", "/p", kBody, kNow), kNow, nonces));
        QVERIFY(verify({kSecret, next}, "POST", "/p", kBody, sign(next, "POST", "/p", kBody, kNow),
                       kNow, nonces));
        QVERIFY(!verify({next}, "POST", "/p", kBody, sign(kSecret, "POST", "/p", kBody, kNow), kNow,
                        nonces));
    }

    void nonceCacheForgetsOnlyWhatIsTooOldToReplay()
    {
        NonceCache nonces;
        QVERIFY(nonces.remember("a", kNow));
        QVERIFY(!nonces.remember("a", kNow + 100));
        QVERIFY(nonces.remember("b", kNow + 700)); // purges "a": 700 s is past the 2 x 300 s window
        QCOMPARE(nonces.size(), 1);
    }

    // The cloud signs its answer with the secret that signed the request; the stub finds it.
    void theSecretThatSignedARequestIsFound()
    {
        const QByteArray next(32, 'n');
        const Signature s = sign(next, "POST", "/p", kBody, kNow);
        QCOMPARE(signingSecret({kSecret, next}, "POST", "/p", kBody, s), next);
        QCOMPARE(signingSecret({kSecret}, "POST", "/p", kBody, s), QByteArray());
        QCOMPARE(signingSecret({kSecret, next}, "POST", "/p", "{}", s), QByteArray());
    }

    // An answer verifies only with the secret, path, nonce, status and body it was signed for
    // (the cloud signed kBody for /v1/inbound, the nonce "cc…", with `signedStatus`).
    void answerSignatures_data()
    {
        QTest::addColumn<int>("signedStatus");
        QTest::addColumn<QByteArray>("secret");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("nonce");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("signature"); // empty: the genuine one
        QTest::addColumn<QString>("code");
        const QByteArray inbound("/v1/inbound");
        const QByteArray nonce(32, 'c');
        const QByteArray genuine;
        QTest::newRow("genuine") << 200 << kSecret << inbound << nonce << 200 << kBody << genuine
                                 << QString();
        QTest::newRow("a genuine refusal")
            << 400 << kSecret << inbound << nonce << 400 << kBody << genuine << QString();
        QTest::newRow("body changed")
            << 200 << kSecret << inbound << nonce << 200 << QByteArray(R"({"message":"pay me"})")
            << genuine << u"bad-answer-signature"_s;
        QTest::newRow("status changed") << 200 << kSecret << inbound << nonce << 201 << kBody
                                        << genuine << u"bad-answer-signature"_s;
        QTest::newRow("another request's answer")
            << 200 << kSecret << inbound << QByteArray(32, 'd') << 200 << kBody << genuine
            << u"bad-answer-signature"_s;
        QTest::newRow("another path's answer")
            << 200 << kSecret << QByteArray("/v1/status") << nonce << 200 << kBody << genuine
            << u"bad-answer-signature"_s;
        QTest::newRow("another secret") << 200 << QByteArray(32, 'x') << inbound << nonce << 200
                                        << kBody << genuine << u"bad-answer-signature"_s;
        QTest::newRow("no signature") << 200 << kSecret << inbound << nonce << 200 << kBody
                                      << QByteArray("none") << u"unsigned-answer"_s;
        QTest::newRow("garbage") << 200 << kSecret << inbound << nonce << 200 << kBody
                                 << QByteArray("v1=zz") << u"bad-answer-signature"_s;
        // A request's signature cannot pass for an answer's: the strings signed differ.
        QTest::newRow("a request signature")
            << 200 << kSecret << inbound << nonce << 200 << kBody
            << sign(kSecret, "POST", inbound, kBody, kNow).value << u"bad-answer-signature"_s;
    }
    void answerSignatures()
    {
        QFETCH(int, signedStatus);
        QFETCH(QByteArray, secret);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, nonce);
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, signature);
        QFETCH(QString, code);
        const QByteArray genuine =
            signAnswer(kSecret, "/v1/inbound", QByteArray(32, 'c'), signedStatus, kBody);
        QVERIFY(genuine.startsWith("v1="));
        const QByteArray sent = signature.isEmpty()   ? genuine
                                : signature == "none" ? QByteArray()
                                                      : signature;
        const Status verified = verifyAnswer(secret, path, nonce, status, body, sent);
        QCOMPARE(verified.ok(), code.isEmpty());
        if (!code.isEmpty()) {
            QCOMPARE(verified.error().code, code);
            QVERIFY2(verified.error().message.contains(u"a proxy or a mis-issued certificate"_s),
                     qPrintable(verified.error().message));
            QVERIFY(verified.error().message.contains(QString::fromLatin1(path)));
        }
    }

    void answerCanonicalIsAsDocumented()
    {
        QCOMPARE(answerCanonical("/v1/inbound", "9f1c", 200, ""),
                 QByteArray("ANSWER\n/v1/inbound\n9f1c\n200\n"
                            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    }

    void constantTimeEquality_data()
    {
        QTest::addColumn<QByteArray>("a");
        QTest::addColumn<QByteArray>("b");
        QTest::addColumn<bool>("equal");
        QTest::newRow("same") << QByteArray("abcdef") << QByteArray("abcdef") << true;
        QTest::newRow("first byte") << QByteArray("abcdef") << QByteArray("xbcdef") << false;
        QTest::newRow("last byte") << QByteArray("abcdef") << QByteArray("abcdex") << false;
        QTest::newRow("length") << QByteArray("abc") << QByteArray("abcd") << false;
        QTest::newRow("empty") << QByteArray() << QByteArray() << true;
    }
    void constantTimeEquality()
    {
        QFETCH(QByteArray, a);
        QFETCH(QByteArray, b);
        QFETCH(bool, equal);
        QCOMPARE(equalConstantTime(a, b), equal);
    }
};

QTEST_GUILESS_MAIN(TestSigning)
#include "tst_signing.moc"
