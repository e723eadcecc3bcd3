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
