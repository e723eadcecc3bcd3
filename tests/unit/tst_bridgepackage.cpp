#include "agent/protocol/bridgepackage.h"
#include "tests/support/bridgetestkeys.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <functional>

using namespace Qt::Literals::StringLiterals;
using namespace sak;
using namespace sak::bridgepackage;

namespace {

QJsonObject object(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// The document with one member replaced, the rest (the signature too) as it was.
QByteArray withMember(const QByteArray &document, const QString &key, const QJsonValue &value)
{
    QJsonObject o = object(document);
    o.insert(key, value);
    return compact(o);
}

QByteArray manifestOf(const QByteArray &document)
{
    return QByteArray::fromBase64(object(document).value(u"manifest"_s).toString().toLatin1());
}

// encodeManifest()'s JSON, changed by `edit` (for manifests sign() would never write).
QByteArray editedManifest(const Manifest &m, const std::function<void(QJsonObject &)> &edit)
{
    QJsonObject o = object(encodeManifest(m));
    edit(o);
    return compact(o);
}

// A person reads it: a sentence, capitalised, ending with a full stop.
bool isSentence(const QString &message)
{
    return message.size() > 20 && message.at(0).isUpper() && message.endsWith(u'.');
}

} // namespace

class TestBridgePackage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_signer = test::makeBridgeKey(u"release 2026"_s);
        m_other = test::makeBridgeKey(u"release 2027"_s);
        QVERIFY(m_signer.keyId != m_other.keyId);
    }

    void verifyDecides_data()
    {
        QTest::addColumn<QByteArray>("document");
        QTest::addColumn<QString>("trusted"); // which keys the agent carries: A, B, AB, none
        QTest::addColumn<QString>("agent");
        QTest::addColumn<QString>("code"); // empty: accepted
        QTest::addColumn<QStringList>("mentions");

        const Manifest m = test::testManifest(u"1.2.0"_s);
        const QByteArray good = signedBy(m_signer, m);
        const QString a = m_signer.keyId;
        const QString b = m_other.keyId;
        const QString malformed = u"bridge-package-malformed"_s;
        const QString wrongAgent = u"bridge-package-wrong-agent"_s;

        QTest::newRow("good") << good << u"A"_s << u"0.1.0"_s << QString() << QStringList();

        QByteArray changed = manifestOf(good);
        const qsizetype at = changed.indexOf("isReady: true");
        QVERIFY(at > 0);
        changed[at + 9] = 'T'; // one byte of the library
        QTest::newRow("bad signature")
            << withMember(good, u"manifest"_s, QString::fromLatin1(changed.toBase64())) << u"A"_s
            << u"0.1.0"_s << u"bridge-package-bad-signature"_s << QStringList{u"1.2.0"_s, a};
        QTest::newRow("unknown key")
            << signedBy(m_other, m) << u"A"_s << u"0.1.0"_s << u"bridge-package-unknown-key"_s
            << QStringList{u"1.2.0"_s, b, u"does not trust"_s};
        QTest::newRow("rotation: the second key")
            << signedBy(m_other, m) << u"AB"_s << u"0.1.0"_s << QString() << QStringList();
        QTest::newRow("rotation: the first key")
            << good << u"AB"_s << u"0.1.0"_s << QString() << QStringList();
        QTest::newRow("no trusted key")
            << good << u"none"_s << u"0.1.0"_s << u"bridge-package-unknown-key"_s
            << QStringList{u"1.2.0"_s, a, u"trusts no signing key"_s};

        QTest::newRow("truncated") << good.left(good.size() / 2) << u"A"_s << u"0.1.0"_s
                                   << malformed << QStringList{u"not a JSON object"_s};
        Manifest huge = m;
        huge.library = QString(kMaxBytes, u'a');
        const QByteArray oversized = signedBy(m_signer, huge);
        QVERIFY(oversized.size() > kMaxBytes);
        QTest::newRow("oversized")
            << oversized << u"A"_s << u"0.1.0"_s << u"bridge-package-too-large"_s
            << QStringList{QString::number(oversized.size()), QString::number(kMaxBytes)};
        QTest::newRow("not JSON") << QByteArray("this is not a bridge package") << u"A"_s
                                  << u"0.1.0"_s << malformed << QStringList{u"not a JSON object"_s};
        QTest::newRow("wrong format")
            << withMember(good, u"format"_s, u"sak-bridge/2"_s) << u"A"_s << u"0.1.0"_s << malformed
            << QStringList{u"sak-bridge/2"_s, u"sak-bridge/1"_s};
        QTest::newRow("keyId not hex")
            << withMember(good, u"keyId"_s, u"3F9C0A1B2C3D4E5G"_s) << u"A"_s << u"0.1.0"_s
            << malformed << QStringList{u"keyId"_s};
        QTest::newRow("signature not 64 bytes")
            << withMember(good, u"signature"_s, QString::fromLatin1(QByteArray(63, 's').toBase64()))
            << u"A"_s << u"0.1.0"_s << malformed << QStringList{u"signature"_s};
        QTest::newRow("manifest missing library")
            << test::signedDocument(m_signer, editedManifest(m,
                                                             [](QJsonObject &o) {
                                                                 QJsonObject s =
                                                                     o[u"scripts"_s].toObject();
                                                                 s.remove(u"library"_s);
                                                                 o[u"scripts"_s] = s;
                                                             }))
            << u"A"_s << u"0.1.0"_s << malformed << QStringList{u"scripts.library"_s};
        QTest::newRow("manifest missing pageAgent")
            << test::signedDocument(m_signer, editedManifest(m,
                                                             [](QJsonObject &o) {
                                                                 QJsonObject s =
                                                                     o[u"scripts"_s].toObject();
                                                                 s.remove(u"pageAgent"_s);
                                                                 o[u"scripts"_s] = s;
                                                             }))
            << u"A"_s << u"0.1.0"_s << malformed << QStringList{u"scripts.pageAgent"_s};
        QTest::newRow("manifest missing scripts")
            << test::signedDocument(
                   m_signer, editedManifest(m, [](QJsonObject &o) { o.remove(u"scripts"_s); }))
            << u"A"_s << u"0.1.0"_s << malformed << QStringList{u"scripts"_s};
        QTest::newRow("notes of the wrong type")
            << test::signedDocument(m_signer, editedManifest(m,
                                                             [](QJsonObject &o) {
                                                                 o[u"notes"_s] = QJsonArray{1, 2};
                                                             }))
            << u"A"_s << u"0.1.0"_s << malformed << QStringList{u"notes"_s};
        QTest::newRow("unknown manifest field ignored")
            << test::signedDocument(m_signer,
                                    editedManifest(m,
                                                   [](QJsonObject &o) {
                                                       o[u"future"_s] = QJsonObject{{u"x"_s, 1}};
                                                   }))
            << u"A"_s << u"0.1.0"_s << QString() << QStringList();

        Manifest noMarker = m;
        noMarker.pageAgent = u"(function (settings) {})({});"_s;
        QTest::newRow("adapter without the marker")
            << signedBy(m_signer, noMarker) << u"A"_s << u"0.1.0"_s << malformed
            << QStringList{QLatin1String(kSettingsMarker)};
        Manifest beta = m;
        beta.versionText = u"1.2-beta"_s;
        QTest::newRow("version not numeric") << signedBy(m_signer, beta) << u"A"_s << u"0.1.0"_s
                                             << malformed << QStringList{u"version"_s};
        Manifest five = m;
        five.versionText = u"1.2.3.4.5"_s;
        QTest::newRow("version of five numbers") << signedBy(m_signer, five) << u"A"_s << u"0.1.0"_s
                                                 << malformed << QStringList{u"version"_s};

        Manifest newer = m;
        newer.agentMin = QVersionNumber(0, 2, 0);
        newer.agentMax = QVersionNumber(0, 2);
        QTest::newRow("agent below agentMin")
            << signedBy(m_signer, newer) << u"A"_s << u"0.1.9"_s << wrongAgent
            << QStringList{u"1.2.0"_s, u"0.2.0"_s, u"0.1.9"_s};
        QTest::newRow("agent at agentMin")
            << signedBy(m_signer, newer) << u"A"_s << u"0.2.0"_s << QString() << QStringList();
        QTest::newRow("agent above agentMax")
            << good << u"A"_s << u"0.2.0"_s << wrongAgent
            << QStringList{u"1.2.0"_s, u"0.1.0"_s, u"0.1"_s, u"0.2.0"_s};
        QTest::newRow("agentMax as prefix")
            << good << u"A"_s << u"0.1.7"_s << QString() << QStringList();
        Manifest exact = m;
        exact.agentMax = QVersionNumber(0, 1, 5);
        QTest::newRow("agent at an exact agentMax")
            << signedBy(m_signer, exact) << u"A"_s << u"0.1.5"_s << QString() << QStringList();
        QTest::newRow("agent past an exact agentMax")
            << signedBy(m_signer, exact) << u"A"_s << u"0.1.6"_s << wrongAgent
            << QStringList{u"0.1.5"_s, u"0.1.6"_s};
    }
    void verifyDecides()
    {
        QFETCH(QByteArray, document);
        QFETCH(QString, trusted);
        QFETCH(QString, agent);
        QFETCH(QString, code);
        QFETCH(QStringList, mentions);
        QList<TrustedKey> keys;
        if (trusted.contains(u'A'))
            keys.append(m_signer.trusted);
        if (trusted.contains(u'B'))
            keys.append(m_other.trusted);

        const auto verified = verify(document, keys, QVersionNumber::fromString(agent));
        if (code.isEmpty()) {
            QVERIFY2(verified.ok(),
                     qPrintable(verified.ok() ? QString() : verified.error().message));
            QCOMPARE(verified.value().manifest.versionText, u"1.2.0"_s);
            QCOMPARE(verified.value().manifest.library, test::testManifest().library);
            QCOMPARE(verified.value().manifestBytes, manifestOf(document));
            return;
        }
        QVERIFY(!verified.ok());
        QCOMPARE(verified.error().code, code);
        const QString message = verified.error().message;
        QVERIFY2(isSentence(message), qPrintable(message));
        for (const QString &part : std::as_const(mentions))
            QVERIFY2(message.contains(part), qPrintable(u"\"%1\" not in: %2"_s.arg(part, message)));
    }

    void signRefusesWhatIsNotAnEd25519PrivateKey_data()
    {
        QTest::addColumn<QByteArray>("pem");
        QTest::newRow("the public key") << m_signer.publicPem;
        QTest::newRow("RSA") << test::makeOtherPrivateKeyPem("RSA");
        QTest::newRow("EC P-256") << test::makeOtherPrivateKeyPem("EC");
        QTest::newRow("not PEM") << QByteArray("-----BEGIN PRIVATE KEY-----\nnonsense\n");
        QTest::newRow("empty") << QByteArray();
    }
    void signRefusesWhatIsNotAnEd25519PrivateKey()
    {
        QFETCH(QByteArray, pem);
        const auto signedDocument = sign(test::testManifest(), pem);
        QVERIFY(!signedDocument.ok());
        QCOMPARE(signedDocument.error().code, u"bridge-package-key"_s);
        QVERIFY2(signedDocument.error().message.contains(u"Ed25519"_s),
                 qPrintable(signedDocument.error().message));
        QVERIFY(isSentence(signedDocument.error().message));
    }

    void publicKeyAndKeyIdAgree()
    {
        const auto fromPrivate = publicKeyOf(m_signer.privatePem);
        const auto fromPublic = publicKeyOf(m_signer.publicPem);
        QVERIFY(fromPrivate.ok());
        QVERIFY(fromPublic.ok());
        QCOMPARE(fromPrivate.value(), m_signer.publicRaw);
        QCOMPARE(fromPublic.value(), m_signer.publicRaw);
        QCOMPARE(keyIdOf(fromPrivate.value()), keyIdOf(fromPublic.value()));
        // The spec's definition, spelled out: the first 8 bytes of SHA-256, lower-case hex.
        const QString expected = QString::fromLatin1(
            QCryptographicHash::hash(m_signer.publicRaw, QCryptographicHash::Sha256)
                .left(8)
                .toHex());
        QCOMPARE(keyIdOf(m_signer.publicRaw), expected);
        QCOMPARE(expected.size(), 16);
        // sign() names the same key in the document.
        const auto signedDocument = sign(test::testManifest(), m_signer.privatePem);
        QVERIFY(signedDocument.ok());
        QCOMPARE(object(signedDocument.value()).value(u"keyId"_s).toString(), expected);
        QCOMPARE(publicKeyOf(m_other.privatePem).value(), m_other.publicRaw);
        QVERIFY(!publicKeyOf(test::makeOtherPrivateKeyPem("EC")).ok());
    }

    void manifestRoundTrips_data()
    {
        QTest::addColumn<QString>("relay");
        QTest::newRow("with relay") << u"window.relay = \"ok\"; // ñ 日本\n"_s;
        QTest::newRow("without relay") << QString();
    }
    void manifestRoundTrips()
    {
        QFETCH(QString, relay);
        Manifest m;
        m.versionText = u"2.0.1.7"_s;
        m.version = QVersionNumber({2, 0, 1, 7});
        m.agentMin = QVersionNumber(0, 1, 3);
        m.agentMax = QVersionNumber(0, 1, 9);
        m.waJsVersion = u"4.6.0"_s;
        m.created = QDateTime(QDate(2026, 11, 30), QTime(12, 34, 56), Qt::UTC);
        m.notes = u"Fixes the \"send\" button — ñ 日本\nsecond line"_s;
        m.library = u"/* wa-js */ window.WPP = {\"a\": '\\u00e9'};\n"_s;
        m.pageAgent =
            u"(function (s) { return s; })(%1); // \t tab\n"_s.arg(QLatin1String(kSettingsMarker));
        m.relay = relay;

        const auto signedDocument = sign(m, m_signer.privatePem);
        QVERIFY(signedDocument.ok());
        const auto read = bridgepackage::read(signedDocument.value());
        QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.error().message));
        const Document &d = read.value();
        QCOMPARE(d.keyId, m_signer.keyId);
        QCOMPARE(d.signature.size(), 64);
        QCOMPARE(d.manifestBytes, encodeManifest(m));
        const Manifest &r = d.manifest;
        QCOMPARE(r.versionText, m.versionText);
        QCOMPARE(r.version, m.version);
        QCOMPARE(r.agentMin, m.agentMin);
        QCOMPARE(r.agentMax, m.agentMax);
        QCOMPARE(r.waJsVersion, m.waJsVersion);
        QCOMPARE(r.created, m.created);
        QCOMPARE(r.notes, m.notes);
        QCOMPARE(r.library, m.library);
        QCOMPARE(r.pageAgent, m.pageAgent);
        QCOMPARE(r.relay, m.relay);
        QVERIFY(verify(signedDocument.value(), {m_signer.trusted}, QVersionNumber(0, 1, 5)).ok());
    }

private:
    QByteArray signedBy(const test::BridgeKey &key, const Manifest &m)
    {
        const auto signedDocument = sign(m, key.privatePem);
        if (!signedDocument)
            qFatal("sign() refused a test key: %s", qPrintable(signedDocument.error().message));
        return signedDocument.value();
    }

    test::BridgeKey m_signer;
    test::BridgeKey m_other;
};

QTEST_GUILESS_MAIN(TestBridgePackage)
#include "tst_bridgepackage.moc"
