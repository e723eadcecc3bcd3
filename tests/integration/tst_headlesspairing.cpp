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

// A kiosk has no screen: sak-agent --headless draws the pairing QR on its terminal and writes
// it as a PNG, and takes the PNG away once paired. The QR and the code for the phone each link
// a device to the shop's WhatsApp: they go to a terminal only, never into the log (under
// systemd that is the journal); without a terminal, sak-agent --show-pairing shows them. And
// the cloud's pairing code stays out of the command line that every local user can read.
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
        agent.setStdoutOnTerminal(true);
        QVERIFY(agent.start());
        QVERIFY(agent.waitForLog("Pairing QR code written to", 60000));
        // Drawn with half blocks: a full row of the light quiet zone is there.
        const QByteArray drawn = QString(20, QChar(u'\u2588')).toUtf8();
        QVERIFY2(agent.waitForTerminal(drawn, 10000), agent.terminalOutput().constData());
        QVERIFY(agent.terminalOutput().contains("Linked devices"));
        // ... on the terminal only: the log (standard error here) has none of it.
        QVERIFY(!agent.log().contains(drawn));
        QVERIFY(!agent.log().contains("show-pairing"));

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

    // As a service: no terminal. The log says where the code is instead, and holds none of it;
    // sak-agent --show-pairing draws it for the operator.
    void withoutATerminalTheQrStaysOutOfTheLog()
    {
        QTemporaryDir dir;
        StubProcess stub;
        QVERIFY(dir.isValid());
        QVERIFY(stub.start());
        AgentProcess agent(stub, dir.filePath(u"data"_s), dir.filePath(u"run"_s),
                           {u"--status-port"_s, u"0"_s, u"--log-format"_s, u"json"_s});
        QVERIFY(agent.start());
        QVERIFY(agent.waitForLog("Pairing QR code written to", 60000));
        QVERIFY2(agent.log().contains("sak-agent --show-pairing"), agent.log().constData());
        const QByteArray drawn = QString(20, QChar(u'\u2588')).toUtf8();
        QByteArray shown;
        QCOMPARE(agent.runCommand({u"--show-pairing"_s}, &shown), 0);
        QVERIFY2(shown.contains(drawn) && shown.contains("Linked devices"), shown.constData());
        // Rotated a few times meanwhile, and still never in the log.
        QVERIFY(!agent.log().contains(drawn));
        QVERIFY(!agent.log().contains("scan this code"));

        QVERIFY(QTest::qWaitFor(
            [&] { return stub.control(u"/control/scan"_s, "{}").contains(u"pageId"_s); }, 15000));
        QVERIFY(agent.waitForLog("-> connected", 30000));
        QCOMPARE(agent.runCommand({u"--show-pairing"_s}, &shown), 0);
        QVERIFY2(shown.contains("does not need pairing (session: connected)"), shown.constData());
        QCOMPARE(agent.terminate(), 0);
        QVERIFY(!agent.log().contains(drawn));
    }

    // A kiosk whose phone cannot scan: with --link-phone the agent asks WhatsApp for a code.
    // Run as a service (no terminal), the code is not in the log; --show-pairing gives it, and
    // typing it on the phone pairs the session.
    void aCodeForThePhoneInsteadOfScanning()
    {
        QTemporaryDir dir;
        StubProcess stub;
        QVERIFY(dir.isValid());
        QVERIFY(stub.start());
        AgentProcess agent(stub, dir.filePath(u"data"_s), dir.filePath(u"run"_s),
                           {u"--link-phone"_s, u"+49 170 1234567"_s, u"--status-port"_s, u"0"_s});
        QVERIFY(agent.start());
        QVERIFY2(agent.waitForLog("WhatsApp gave a pairing code for the shop's phone", 60000),
                 agent.log().right(3000).constData());
        QByteArray output;
        QCOMPARE(agent.runCommand({u"--show-pairing"_s}, &output), 0);
        const QRegularExpressionMatch shown =
            QRegularExpression(u"WhatsApp pairing code: ([A-Z0-9]{4}-[A-Z0-9]{4})"_s)
                .match(QString::fromUtf8(output));
        QVERIFY2(shown.hasMatch(), output.constData());
        QVERIFY(output.contains("Link with phone number instead"));
        QVERIFY2(!agent.log().contains(shown.captured(1).toUtf8()),
                 agent.log().right(3000).constData());
        const QJsonObject linked =
            stub.control(u"/control/link-code"_s,
                         QJsonDocument(QJsonObject{{u"code"_s, shown.captured(1)}}).toJson());
        QVERIFY2(!linked.contains(u"error"_s), QJsonDocument(linked).toJson().constData());
        QVERIFY(agent.waitForLog("-> connected", 30000));
        QCOMPARE(agent.terminate(), 0);
        QVERIFY(!agent.log().contains(shown.captured(1).toUtf8()));
    }

    // On a terminal the code for the phone is printed there, once, and not into the log.
    void aCodeForThePhoneOnTheTerminal()
    {
        QTemporaryDir dir;
        StubProcess stub;
        QVERIFY(dir.isValid());
        QVERIFY(stub.start());
        AgentProcess agent(stub, dir.filePath(u"data"_s), dir.filePath(u"run"_s),
                           {u"--link-phone"_s, u"+49 170 1234567"_s});
        agent.setStdoutOnTerminal(true);
        QVERIFY(agent.start());
        QVERIFY2(agent.waitForTerminal("On the shop's phone open WhatsApp", 60000),
                 agent.log().right(3000).constData());
        const QRegularExpressionMatch shown =
            QRegularExpression(
                u"WhatsApp pairing code for \\+491701234567: ([A-Z0-9]{4}-[A-Z0-9]{4})"_s)
                .match(QString::fromUtf8(agent.terminalOutput()));
        QVERIFY2(shown.hasMatch(), agent.terminalOutput().constData());
        QCOMPARE(agent.terminalOutput().count(shown.captured(1).toUtf8()), 1);
        QVERIFY(!agent.log().contains(shown.captured(1).toUtf8()));
        QVERIFY(agent.log().contains("shown in the terminal"));
        QCOMPARE(agent.terminate(), 0);
    }

    // The cloud's pairing code given on standard input (or in SAK_PAIRING_CODE) is nowhere in
    // what every user of the computer can read of the process; given as an argument it is, and
    // sak-agent says so.
    void thePairingCodeStaysOutOfTheCommandLine()
    {
#ifndef Q_OS_LINUX
        QSKIP("reads /proc");
#endif
        QTemporaryDir dir;
        StubProcess stub;
        QVERIFY(dir.isValid());
        QVERIFY(stub.start());
        AgentProcess agent(stub, dir.filePath(u"data"_s), dir.filePath(u"run"_s));
        const QString code = pairingCode(stub);
        QVERIFY(!code.isEmpty());
        // Waiting for its code on standard input: what others can read of it has none.
        const auto pairing = agent.startCommand({u"--pair"_s});
        QVERIFY(pairing->state() == QProcess::Running);
        // Read once the program runs (right after the fork, /proc may still show none).
        QByteArray cmdline;
        QVERIFY(QTest::qWaitFor(
            [&] {
                cmdline = commandLineOf(pairing->processId());
                return !cmdline.isEmpty();
            },
            5000));
        QVERIFY2(cmdline.contains("--pair"), cmdline.constData());
        QVERIFY2(!cmdline.contains(code.toUtf8()), cmdline.constData());
        pairing->write(code.toUtf8() + '\n');
        pairing->closeWriteChannel();
        QVERIFY(QTest::qWaitFor([&] { return pairing->state() == QProcess::NotRunning; }, 60000));
        const QByteArray said = pairing->readAll();
        QCOMPARE(pairing->exitCode(), 0);
        QVERIFY2(said.contains("paired with"), said.constData());
        QVERIFY(!said.contains("warning"));

        // The environment: readable by the user alone.
        AgentProcess second(stub, dir.filePath(u"second"_s), dir.filePath(u"run"_s));
        second.setEnvironment(u"SAK_PAIRING_CODE"_s, pairingCode(stub));
        QByteArray output;
        QCOMPARE(second.runCommand({u"--pair"_s}, &output), 0);
        QVERIFY2(output.contains("paired with"), output.constData());

        // The old way still works, with a warning; the process shows the code to everyone.
        // (--passphrase-file - keeps it waiting on standard input while it is looked at.)
        AgentProcess old(stub, dir.filePath(u"old"_s), dir.filePath(u"run"_s));
        const QString visible = pairingCode(stub);
        const auto exposed =
            old.startCommand({u"--pair"_s, visible, u"--passphrase-file"_s, u"-"_s});
        QByteArray warned;
        QVERIFY(QTest::qWaitFor(
            [&] {
                warned += exposed->readAll();
                return warned.contains("warning");
            },
            20000));
        QVERIFY2(warned.contains("can be read by every user"), warned.constData());
        QVERIFY(commandLineOf(exposed->processId()).contains(visible.toUtf8()));
        exposed->write("a passphrase long enough\n");
        exposed->closeWriteChannel();
        QVERIFY(QTest::qWaitFor([&] { return exposed->state() == QProcess::NotRunning; }, 60000));
        QCOMPARE(exposed->exitCode(), 0);
    }

    void aPairingCodeThatIsNotGivenIsAsked_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("nothing on standard input")
            << QStringList{u"--pair"_s} << QByteArray() << QByteArray("No pairing code was given");
        QTest::newRow("an empty line") << QStringList{u"--pair"_s} << QByteArray("\n")
                                       << QByteArray("No pairing code was given");
        QTest::newRow("standard input carries the passphrase")
            << QStringList{u"--pair"_s, u"--passphrase-file"_s, u"-"_s}
            << QByteArray("a passphrase long enough\n") << QByteArray("SAK_PAIRING_CODE");
    }

    void aPairingCodeThatIsNotGivenIsAsked()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, message);
        QTemporaryDir dir;
        StubProcess stub;
        QVERIFY(stub.start());
        AgentProcess agent(stub, dir.filePath(u"data"_s), dir.filePath(u"run"_s));
        const auto pairing = agent.startCommand(arguments);
        pairing->write(input);
        pairing->closeWriteChannel();
        QVERIFY(QTest::qWaitFor([&] { return pairing->state() == QProcess::NotRunning; }, 60000));
        const QByteArray said = pairing->readAll();
        QCOMPARE(pairing->exitCode(), 2);
        QVERIFY2(said.contains(message), said.constData());
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

private:
    static QString pairingCode(StubProcess &stub)
    {
        return stub.control(u"/admin/pairing-codes"_s, R"({"tenantId":"e2e-shop"})")
            .value(u"code"_s)
            .toString();
    }

    // What every local user can read of a process: its arguments, zero-separated.
    static QByteArray commandLineOf(qint64 pid)
    {
        QFile file(u"/proc/%1/cmdline"_s.arg(pid));
        return file.open(QIODevice::ReadOnly) ? file.readAll().replace('\0', ' ') : QByteArray();
    }
};

QTEST_GUILESS_MAIN(TestHeadlessPairing)
#include "tst_headlesspairing.moc"
