#include "tests/support/processharness.h"

#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using sak::test::AgentProcess;
using sak::test::StubProcess;

// A kiosk has no screen: sak-agent --headless shows the pairing QR in the terminal and as a
// PNG, and takes the PNG away once paired.
class TestHeadlessPairing : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void qrInTheTerminalAndAsAPng()
    {
        QTemporaryDir dir;
        StubProcess stub;
        QVERIFY(dir.isValid());
        QVERIFY(stub.start());
        AgentProcess agent(stub, dir.filePath(u"data"_s), dir.filePath(u"run"_s));
        QVERIFY(agent.start());
        QVERIFY(agent.waitForLog("Pairing QR code written to", 60000));
        const QByteArray log = agent.log();
        QVERIFY(log.contains("Linked devices"));
        // Drawn with half blocks: a full row of the light quiet zone is there.
        QVERIFY(log.contains(QString(20, QChar(u'\u2588')).toUtf8()));

        const QString png = dir.filePath(u"data/pairing-qr.png"_s);
        QVERIFY(QFile::exists(png));
        QCOMPARE(QFile::permissions(png) & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                 QFileDevice::Permissions());
        const QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.width(), image.height());
        QCOMPARE(image.width() % 8, 0);
        const int modules = image.width() / 8 - 8; // 4 modules of border on each side
        QCOMPARE((modules - 17) % 4, 0);
        // The top-left finder: dark corner, light ring inside it, dark centre; light border.
        const auto dark = [&](int x, int y) {
            return qGray(image.pixel(x * 8 + 36, y * 8 + 36)) < 128;
        };
        QVERIFY(dark(0, 0) && !dark(1, 1) && dark(3, 3) && dark(6, 6));
        QVERIFY(qGray(image.pixel(2, 2)) > 128);

        QVERIFY(QTest::qWaitFor(
            [&] { return stub.control(u"/control/scan"_s, "{}").contains(u"pageId"_s); }, 15000));
        QVERIFY(agent.waitForLog("-> connected", 30000));
        QTRY_VERIFY(!QFile::exists(png)); // a stale code must not be scanned later
        QCOMPARE(agent.terminate(), 0);
    }

    // A kiosk whose phone cannot scan: with --link-phone the agent asks WhatsApp for a code,
    // prints it, and typing it on the phone pairs the session.
    void aCodeForThePhoneInsteadOfScanning()
    {
        QTemporaryDir dir;
        StubProcess stub;
        QVERIFY(dir.isValid());
        QVERIFY(stub.start());
        AgentProcess agent(stub, dir.filePath(u"data"_s), dir.filePath(u"run"_s),
                           {u"--link-phone"_s, u"+49 170 1234567"_s});
        QVERIFY(agent.start());
        QVERIFY2(agent.waitForLog("On the shop's phone open WhatsApp", 60000),
                 agent.log().right(3000).constData());
        const QRegularExpressionMatch shown =
            QRegularExpression(
                u"WhatsApp pairing code for \\+491701234567: ([A-Z0-9]{4}-[A-Z0-9]{4})"_s)
                .match(QString::fromUtf8(agent.log()));
        QVERIFY2(shown.hasMatch(), agent.log().right(3000).constData());
        // Printed once for the owner, never written into the log lines.
        QCOMPARE(agent.log().count(shown.captured(1).toUtf8()), 1);
        const QJsonObject linked =
            stub.control(u"/control/link-code"_s,
                         QJsonDocument(QJsonObject{{u"code"_s, shown.captured(1)}}).toJson());
        QVERIFY2(!linked.contains(u"error"_s), QJsonDocument(linked).toJson().constData());
        QVERIFY(agent.waitForLog("-> connected", 30000));
        QCOMPARE(agent.terminate(), 0);
    }

    void aNumberWithoutCountryCodeIsRefused()
    {
        QTemporaryDir dir;
        StubProcess stub;
        QVERIFY(stub.start());
        AgentProcess agent(stub, dir.filePath(u"data"_s), dir.filePath(u"run"_s));
        QByteArray output;
        QCOMPARE(agent.runCommand({u"--headless"_s, u"--link-phone"_s, u"0151 2345"_s}, &output),
                 2);
        QVERIFY2(output.contains("with its country code"), output.constData());
    }
};

QTEST_GUILESS_MAIN(TestHeadlessPairing)
#include "tst_headlesspairing.moc"
