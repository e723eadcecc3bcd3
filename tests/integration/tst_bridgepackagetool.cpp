// sak-bridge-package (tools/bridgepackage) as a release manager runs it: with the build's test
// key and the tree's page half, what it writes must be what this build's agent accepts.
#include "agent/bridgeupdate/trustedkeys.h"
#include "agent/protocol/bridgepackage.h"
#include "tests/support/bridgetestkeys.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

QByteArray contents(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return file.readAll();
}

void write(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
}

QString sourceFile(const QString &relative)
{
    return QStringLiteral(SAK_SOURCE_DIR) + u'/' + relative;
}

} // namespace

class TestBridgePackageTool : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (QStringLiteral(SAK_BRIDGE_TEST_KEY_FILE).isEmpty() ||
            !QFile::exists(QStringLiteral(SAK_BRIDGE_TEST_KEY_FILE)))
            QSKIP("This build has no bridge test key (configured with -DSAK_BRIDGE_TEST_KEY=OFF).");
        QVERIFY(m_dir.isValid());
        m_key = QStringLiteral(SAK_BRIDGE_TEST_KEY_FILE);
        write(m_dir.filePath(u"rsa.pem"_s), test::makeOtherPrivateKeyPem("RSA"));
        write(m_dir.filePath(u"adapter-without-marker.js"_s),
              "(function (settings) { window.sakSettings = settings; })({});\n");
        write(m_dir.filePath(u"latin1.js"_s), "window.caf\xe9 = 1;\n");
        // Below the limit for one file, over it once base64 in a package.
        write(m_dir.filePath(u"huge.js"_s), QByteArray(bridgepackage::kMaxBytes - 1, 'a'));
    }

    void helpSaysWhatItDoes()
    {
        const Run run = tool({u"--help"_s});
        QCOMPARE(run.exitCode, 0);
        for (const QString &part :
             {u"--key"_s, u"--version"_s, u"--agent-min"_s, u"--library"_s, u"--page-agent"_s,
              u"--relay"_s, u"--output"_s, u"--new-key"_s, u"tests and the demo only"_s})
            QVERIFY2(run.out.contains(part), qPrintable(part));
    }

    void aPackageOfThisTreeVerifies()
    {
        const QString output = m_dir.filePath(u"bridge-1.2.0.json"_s);
        const QString relay = sourceFile(u"bridge/js/relay.js"_s);
        const Run run =
            tool({u"--key"_s, m_key, u"--version"_s, u"1.2.0"_s, u"--relay"_s, relay, u"--notes"_s,
                  u"made by tst_bridgepackagetool"_s, u"--output"_s, output});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QByteArray document = contents(output);

        const QVersionNumber agent = QVersionNumber::fromString(QStringLiteral(SAK_VERSION));
        const auto verified = bridgepackage::verify(document, trustedBridgeKeys(), agent);
        QVERIFY2(verified.ok(), qPrintable(verified.ok() ? QString() : verified.error().message));
        const bridgepackage::Document &d = verified.value();
        const auto raw = bridgepackage::publicKeyOf(contents(m_key));
        QVERIFY(raw.ok());
        QCOMPARE(d.keyId, bridgepackage::keyIdOf(raw.value()));

        const bridgepackage::Manifest &m = d.manifest;
        QCOMPARE(m.versionText, u"1.2.0"_s);
        QCOMPARE(m.library, QString::fromUtf8(contents(QStringLiteral(SAK_WAJS_BUNDLE))));
        QCOMPARE(m.pageAgent, QString::fromUtf8(contents(sourceFile(u"bridge/js/pageagent.js"_s))));
        QCOMPARE(m.relay, QString::fromUtf8(contents(relay)));
        QCOMPARE(m.waJsVersion, QStringLiteral(SAK_WAJS_VERSION));
        QCOMPARE(m.agentMin, agent);
        QCOMPARE(m.agentMax, QVersionNumber(agent.majorVersion(), agent.minorVersion()));
        QCOMPARE(m.notes, u"made by tst_bridgepackagetool"_s);
        QVERIFY(qAbs(m.created.secsTo(QDateTime::currentDateTimeUtc())) < 600);

        // What it prints: version, key, size and the document's SHA-256 (as the cloud announces
        // it).
        const QString sha256 = QString::fromLatin1(
            QCryptographicHash::hash(document, QCryptographicHash::Sha256).toHex());
        for (const QString &part :
             {u"1.2.0"_s, d.keyId, u"%1 bytes"_s.arg(document.size()), sha256})
            QVERIFY2(run.out.contains(part), qPrintable(u"\"%1\" not in: %2"_s.arg(part, run.out)));
    }

    void refusals_data()
    {
        QTest::addColumn<QStringList>("options"); // besides --output
        QTest::addColumn<QString>("mention");
        const QString publicKey = QFileInfo(m_key).dir().filePath(u"public.pem"_s);
        QTest::newRow("no --key") << QStringList{u"--version"_s, u"1.2.0"_s}
                                  << u"--key is required"_s;
        QTest::newRow("key file missing")
            << QStringList{u"--key"_s, m_dir.filePath(u"no-such-key.pem"_s), u"--version"_s,
                           u"1.2.0"_s}
            << u"Cannot read the signing key"_s;
        QTest::newRow("the public key as the key")
            << QStringList{u"--key"_s, publicKey, u"--version"_s, u"1.2.0"_s}
            << u"Not an Ed25519 private key"_s;
        QTest::newRow("an RSA key")
            << QStringList{u"--key"_s, m_dir.filePath(u"rsa.pem"_s), u"--version"_s, u"1.2.0"_s}
            << u"Not an Ed25519 private key"_s;
        QTest::newRow("adapter without the marker")
            << QStringList{u"--key"_s,        m_key,
                           u"--version"_s,    u"1.2.0"_s,
                           u"--page-agent"_s, m_dir.filePath(u"adapter-without-marker.js"_s)}
            << u"has no %1 marker"_s.arg(QLatin1String(bridgepackage::kSettingsMarker));
        QTest::newRow("library missing")
            << QStringList{u"--key"_s, m_key,          u"--version"_s,
                           u"1.2.0"_s, u"--library"_s, m_dir.filePath(u"no-such-bundle.js"_s)}
            << u"Cannot read the wa-js bundle"_s;
        QTest::newRow("library not UTF-8")
            << QStringList{u"--key"_s,   m_key,          u"--version"_s,
                           u"1.2.0"_s,   u"--library"_s, m_dir.filePath(u"latin1.js"_s),
                           u"--wa-js"_s, u"4.6.0"_s}
            << u"is not UTF-8 text"_s;
        QTest::newRow("version not numeric")
            << QStringList{u"--key"_s, m_key, u"--version"_s, u"1.2-beta"_s}
            << u"--version \"1.2-beta\" is not a version"_s;
        QTest::newRow("no agent in range")
            << QStringList{u"--key"_s,       m_key,      u"--version"_s,   u"1.2.0"_s,
                           u"--agent-min"_s, u"0.2.0"_s, u"--agent-max"_s, u"0.1"_s}
            << u"no agent would take the package"_s;
        QTest::newRow("over the size limit")
            << QStringList{u"--key"_s,   m_key,          u"--version"_s,
                           u"1.2.0"_s,   u"--library"_s, m_dir.filePath(u"huge.js"_s),
                           u"--wa-js"_s, u"4.6.0"_s}
            << u"more than the %1"_s.arg(bridgepackage::kMaxBytes);
        QTest::newRow("unknown option") << QStringList{u"--key"_s, m_key, u"--sign-with"_s, u"x"_s}
                                        << u"Unknown option 'sign-with'. See --help."_s;
    }
    void refusals()
    {
        QFETCH(QStringList, options);
        QFETCH(QString, mention);
        const QString output = m_dir.filePath(u"refused.json"_s);
        const Run run = tool(options + QStringList{u"--output"_s, output});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.startsWith(u"sak-bridge-package: "_s), qPrintable(run.err));
        QVERIFY2(run.err.contains(mention), qPrintable(run.err));
        QVERIFY2(run.out.isEmpty(), qPrintable(run.out));
        QVERIFY(!QFile::exists(output));
    }

private:
    Run tool(const QStringList &arguments)
    {
        QProcess process;
        process.start(QStringLiteral(SAK_BRIDGE_PACKAGE_TOOL), arguments);
        Run run;
        if (!process.waitForFinished(120000) || process.exitStatus() != QProcess::NormalExit) {
            run.err = u"sak-bridge-package did not finish: %1"_s.arg(process.errorString());
            return run;
        }
        run.exitCode = process.exitCode();
        run.out = QString::fromUtf8(process.readAllStandardOutput());
        run.err = QString::fromUtf8(process.readAllStandardError());
        return run;
    }

    QTemporaryDir m_dir;
    QString m_key;
};

QTEST_GUILESS_MAIN(TestBridgePackageTool)
#include "tst_bridgepackagetool.moc"
