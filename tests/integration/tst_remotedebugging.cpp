#include "tests/support/pairedagenttest.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using sak::test::PairedAgentTest;

namespace {

quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

// The socket inodes of a process's open files.
QSet<QString> socketInodes(qint64 pid)
{
    QSet<QString> inodes;
    const QDir fds(u"/proc/%1/fd"_s.arg(pid));
    static const QRegularExpression socket(u"^socket:\\[(\\d+)\\]$"_s);
    for (const QString &fd : fds.entryList(QDir::System | QDir::NoDotAndDotDot)) {
        const auto match = socket.match(QFile::symLinkTarget(fds.filePath(fd)).section(u'/', -1));
        if (match.hasMatch())
            inodes.insert(match.captured(1));
    }
    return inodes;
}

// TCP ports (v4 and v6) some socket of the process listens on.
QList<int> listeningPorts(qint64 pid)
{
    const QSet<QString> mine = socketInodes(pid);
    QList<int> ports;
    for (const QString &table : {u"/proc/net/tcp"_s, u"/proc/net/tcp6"_s}) {
        QFile file(table);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        file.readLine(); // header
        while (!file.atEnd()) {
            const QStringList f =
                QString::fromLatin1(file.readLine()).split(u' ', Qt::SkipEmptyParts);
            // local_address is f[1] ("ADDR:PORT" in hex), st is f[3] (0A = LISTEN), inode f[9].
            if (f.size() > 9 && f.at(3) == u"0A"_s && mine.contains(f.at(9)))
                ports.append(f.at(1).section(u':', -1).toInt(nullptr, 16));
        }
    }
    return ports;
}

} // namespace

// Remote debugging would hand the WhatsApp session to anything that reaches the port: asked
// for in every way Chromium and Qt accept, sak-agent still opens no port at all.
class TestRemoteDebugging : public PairedAgentTest
{
    Q_OBJECT
private Q_SLOTS:
    void askedForRemoteDebuggingTheAgentListensNowhere()
    {
        QVERIFY(startStub());
        const quint16 byArgument = freePort();
        const quint16 byQtVariable = freePort();
        const quint16 byChromiumFlags = freePort();
        QVERIFY(byArgument && byQtVariable && byChromiumFlags);
        QVERIFY(makeAgent({u"--remote-debugging-port=%1"_s.arg(byArgument), u"--status-port=0"_s}));
        m_agent->setEnvironment(u"QTWEBENGINE_REMOTE_DEBUGGING"_s,
                                u"127.0.0.1:%1"_s.arg(byQtVariable));
        m_agent->setEnvironment(u"QTWEBENGINE_CHROMIUM_FLAGS"_s,
                                u"--remote-debugging-port=%1"_s.arg(byChromiumFlags));
        // Connected means the engine and the page are up: a DevTools server would be by now.
        QVERIFY(m_agent->startAndScan());

        // The check sees a listening process (the stub) as one: its silence below means something.
        QVERIFY(listeningPorts(m_stub.processId()).contains(m_stub.httpsPort()));
        // The one port it opens is its own status endpoint (127.0.0.1, token-protected).
        QFile address(m_dir.filePath(u"data/status-address"_s));
        QVERIFY(address.open(QIODevice::ReadOnly));
        const int statusPort =
            QString::fromLatin1(address.readAll().trimmed()).section(u':', 1).toInt();
        QVERIFY(statusPort > 0);
        QCOMPARE(listeningPorts(m_agent->processId()), QList<int>{statusPort});
        for (const quint16 port : {byArgument, byQtVariable, byChromiumFlags}) {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, port);
            QVERIFY2(!socket.waitForConnected(2000),
                     qPrintable(u"something listens on port %1"_s.arg(port)));
        }
        const QByteArray log = m_agent->log();
        QVERIFY(log.contains("Ignoring QTWEBENGINE_REMOTE_DEBUGGING"));
        QVERIFY(log.contains("Ignoring --remote-debugging-port"));
        QCOMPARE(m_agent->terminate(), 0);
    }
};

QTEST_GUILESS_MAIN(TestRemoteDebugging)
#include "tst_remotedebugging.moc"
