#include "tests/support/pairedagenttest.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <sys/resource.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;
using sak::test::PairedAgentTest;

namespace {

quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

// The socket inodes of a process's open files (readable for root, or for the process's user
// while the process is dumpable).
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

// TCP ports (v4 and v6) listened on, by the sockets given or, without them, by anyone.
QList<int> listeningPorts(const std::optional<QSet<QString>> &of = std::nullopt)
{
    QList<int> ports;
    for (const QString &table : {u"/proc/net/tcp"_s, u"/proc/net/tcp6"_s}) {
        QFile file(table);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QList<QByteArray> lines = file.readAll().split('\n');
        for (const QByteArray &line : lines.mid(1)) { // after the header
            const QStringList f = QString::fromLatin1(line).split(u' ', Qt::SkipEmptyParts);
            // local_address is f[1] ("ADDR:PORT" in hex), st is f[3] (0A = LISTEN), inode f[9].
            if (f.size() > 9 && f.at(3) == u"0A"_s && (!of || of->contains(f.at(9))))
                ports.append(f.at(1).section(u':', -1).toInt(nullptr, 16));
        }
    }
    return ports;
}

// Every process below pid (Chromium's zygote, renderer, utility processes), from /proc.
QList<qint64> descendants(qint64 pid)
{
    QHash<qint64, QList<qint64>> children;
    const QStringList entries = QDir(u"/proc"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool number = false;
        const qint64 child = entry.toLongLong(&number);
        QFile stat(u"/proc/%1/stat"_s.arg(entry));
        if (!number || !stat.open(QIODevice::ReadOnly))
            continue;
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        const QByteArray line = stat.readAll();
        const QList<QByteArray> after = line.mid(line.lastIndexOf(')') + 2).split(' ');
        if (after.size() > 1)
            children[after.at(1).toLongLong()].append(child);
    }
    QList<qint64> all;
    QList<qint64> queue{pid};
    while (!queue.isEmpty()) {
        for (const qint64 child : children.value(queue.takeFirst())) {
            all.append(child);
            queue.append(child);
        }
    }
    return all;
}

// "soft hard" of RLIMIT_CORE as /proc/PID/limits shows it (e.g. "0 0", "unlimited unlimited").
QString coreLimit(qint64 pid)
{
    QFile limits(u"/proc/%1/limits"_s.arg(pid));
    if (!limits.open(QIODevice::ReadOnly))
        return u"unreadable"_s;
    // Read whole: a /proc file has no size, so it is at its end before it is read.
    for (const QByteArray &raw : limits.readAll().split('\n')) {
        const QString line = QString::fromLatin1(raw);
        if (line.startsWith(u"Max core file size"_s)) {
            const QStringList f = line.mid(26).split(u' ', Qt::SkipEmptyParts);
            return f.size() >= 2 ? f.at(0) + u' ' + f.at(1) : line;
        }
    }
    return u"missing"_s;
}

// The state letter of /proc/PID/stat: S sleeping (e.g. waiting for input), Z exited.
char processState(qint64 pid)
{
    QFile stat(u"/proc/%1/stat"_s.arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return '?';
    const QByteArray line = stat.readAll();
    const qsizetype end = line.lastIndexOf(')');
    return end > 0 && end + 2 < line.size() ? line.at(end + 2) : '?';
}

QString commandLine(qint64 pid)
{
    QFile file(u"/proc/%1/cmdline"_s.arg(pid));
    return file.open(QIODevice::ReadOnly)
               ? QString::fromLocal8Bit(file.readAll().replace('\0', ' '))
               : QString();
}

// Root may read any process's memory; what is tested is what another process of the same
// user without privileges can do. As root, both sides run without capabilities (setpriv),
// which leaves the same user id and nothing else.
QStringList unprivileged(const QString &program, const QStringList &arguments)
{
    if (::geteuid() != 0)
        return QStringList{program} + arguments;
    return QStringList{u"setpriv"_s, u"--bounding-set=-all"_s, u"--inh-caps=-all"_s, program} +
           arguments;
}

// Whether such a process can read /proc/PID/environ (the check the kernel makes for it is the
// one for /proc/PID/mem, short of attaching).
bool environReadableBySameUser(qint64 pid)
{
    const QStringList command = unprivileged(u"cat"_s, {u"/proc/%1/environ"_s.arg(pid)});
    QProcess cat;
    cat.start(command.first(), command.mid(1));
    return cat.waitForFinished(10000) && cat.exitStatus() == QProcess::NormalExit &&
           cat.exitCode() == 0;
}

} // namespace

// Nothing on the computer gets into the agent's process or its browser: remote debugging,
// asked for in every spelling Chromium and Qt accept, opens no port; no core file can be
// written; another process of the same user cannot read the agent's memory.
class TestRemoteDebugging : public PairedAgentTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        // Core files allowed as far as this environment allows, for every process started
        // below: the agent must switch them off itself (the stub shows that it would not be
        // off otherwise).
        rlimit core{};
        QCOMPARE(::getrlimit(RLIMIT_CORE, &core), 0);
        core.rlim_cur = core.rlim_max;
        QCOMPARE(::setrlimit(RLIMIT_CORE, &core), 0);
        m_coreAllowed = core.rlim_max != 0;

        QVERIFY(startStub());
        // Each spelling gets a port of its own, so that a failure names the spelling that got
        // through. Chromium takes the last of equal switches: a spelling let through shows
        // as a listening port of its own or of a later one.
        const QStringList spellings{
            u"--remote-debugging-port=%1"_s,     u"--remote-debugging-port=\"%1\""_s,
            u"--REMOTE-DEBUGGING-PORT=%1"_s,     u"--remote_debugging_port=%1"_s,
            u"\"--remote-debugging-port=%1\""_s, u"-remote-debugging-port=%1"_s,
        };
        QStringList flags{u"--log-level=2"_s}; // allowed: must reach Chromium
        for (const QString &spelling : spellings) {
            const quint16 port = freePort();
            QVERIFY(port);
            m_ports.insert(port, u"QTWEBENGINE_CHROMIUM_FLAGS "_s + spelling.arg(port));
            flags.append(spelling.arg(port));
        }
        const quint16 byArgument = freePort();
        const quint16 bySingleDashArgument = freePort();
        const quint16 byWebEngineArgs = freePort();
        const quint16 byQtVariable = freePort();
        QVERIFY(byArgument && bySingleDashArgument && byWebEngineArgs && byQtVariable);
        m_ports.insert(byArgument, u"argument --remote-debugging-port"_s);
        m_ports.insert(bySingleDashArgument, u"argument -remote-debugging-port"_s);
        m_ports.insert(byWebEngineArgs, u"argument --webEngineArgs --remote-debugging-port"_s);
        m_ports.insert(byQtVariable, u"QTWEBENGINE_REMOTE_DEBUGGING"_s);
        // --webEngineArgs last: QtWebEngine hands Chromium everything after it.
        QVERIFY(makeAgent({u"--remote-debugging-port=%1"_s.arg(byArgument),
                           u"-remote-debugging-port=%1"_s.arg(bySingleDashArgument),
                           u"--status-port=0"_s, u"--webEngineArgs"_s,
                           u"--remote-debugging-port=%1"_s.arg(byWebEngineArgs)}));
        m_agent->setEnvironment(u"QTWEBENGINE_REMOTE_DEBUGGING"_s,
                                u"127.0.0.1:%1"_s.arg(byQtVariable));
        m_agent->setEnvironment(u"QTWEBENGINE_CHROMIUM_FLAGS"_s, flags.join(u' '));
        // Connected means the engine and the page are up: a DevTools server would be by now.
        QVERIFY(m_agent->startAndScan());
    }

    void cleanupTestCase()
    {
        if (m_agent && m_agent->isRunning())
            QCOMPARE(m_agent->terminate(), 0);
    }

    void askedForRemoteDebuggingTheAgentListensNowhere()
    {
        // The check sees a listening process (the stub) as one: its silence below means something.
        QVERIFY(listeningPorts(socketInodes(m_stub.processId())).contains(m_stub.httpsPort()));
        const QList<int> listening = listeningPorts();
        for (auto it = m_ports.cbegin(); it != m_ports.cend(); ++it) {
            QVERIFY2(
                !listening.contains(it.key()),
                qPrintable(u"port %1 listens, asked for by %2"_s.arg(it.key()).arg(it.value())));
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, it.key());
            QVERIFY2(
                !socket.waitForConnected(2000),
                qPrintable(u"something listens on port %1, asked for by %2"_s.arg(it.key()).arg(
                    it.value())));
        }
        // The one port it opens is its own status endpoint (127.0.0.1, token-protected). The
        // agent's sockets are visible to root only (it is not dumpable).
        QFile address(m_dir.filePath(u"data/status-address"_s));
        QVERIFY(address.open(QIODevice::ReadOnly));
        const int statusPort =
            QString::fromLatin1(address.readAll().trimmed()).section(u':', 1).toInt();
        QVERIFY(statusPort > 0);
        if (::geteuid() == 0) {
            const QList<int> agentPorts = listeningPorts(socketInodes(m_agent->processId()));
            QStringList shown;
            for (const int port : agentPorts)
                shown.append(QString::number(port));
            // (Once per address family it listens on.)
            QVERIFY2(!agentPorts.isEmpty() &&
                         QSet<int>(agentPorts.cbegin(), agentPorts.cend()) == QSet<int>{statusPort},
                     qPrintable(u"the agent listens on %1, its status endpoint is on %2"_s
                                    .arg(shown.join(u", "_s))
                                    .arg(statusPort)));
        }

        const QByteArray log = m_agent->log();
        for (const char *refused :
             {"Ignoring QTWEBENGINE_REMOTE_DEBUGGING", "Ignoring --remote-debugging-port (",
              "Ignoring -remote-debugging-port (", "Ignoring --webEngineArgs and the 1 argument",
              "Ignoring --remote-debugging-port in QTWEBENGINE_CHROMIUM_FLAGS",
              "Ignoring -remote-debugging-port in QTWEBENGINE_CHROMIUM_FLAGS",
              "Ignoring --REMOTE-DEBUGGING-PORT in QTWEBENGINE_CHROMIUM_FLAGS",
              "Ignoring --remote_debugging_port in QTWEBENGINE_CHROMIUM_FLAGS"})
            QVERIFY2(log.contains(refused), refused);
        QVERIFY(!log.contains("Ignoring --log-level"));
    }

    // The allowed switch did reach Chromium (its processes are started with it); none of the
    // debugging ones did.
    void allowedSwitchesReachChromium()
    {
        const QList<qint64> chromium = descendants(m_agent->processId());
        QVERIFY(!chromium.isEmpty());
        bool logLevelSeen = false;
        for (const qint64 pid : chromium) {
            const QString command = commandLine(pid);
            QVERIFY2(!command.contains(u"remote-debugging"_s, Qt::CaseInsensitive) &&
                         !command.contains(u"remote_debugging"_s, Qt::CaseInsensitive),
                     qPrintable(command));
            logLevelSeen = logLevelSeen || command.contains(u"--log-level=2"_s);
        }
        QVERIFY(logLevelSeen);
    }

    // A crash writes no core file, neither of the agent nor of Chromium's processes.
    void noCoreFiles()
    {
        if (!m_coreAllowed)
            QSKIP("this test runs with a hard core limit of 0: the agent's own limit cannot be "
                  "told from the one it was given");
        QVERIFY2(coreLimit(m_stub.processId()) != u"0 0"_s,
                 "the stub, started the same way, must keep the core limit it was given");
        QCOMPARE(coreLimit(m_agent->processId()), u"0 0"_s);
        const QList<qint64> chromium = descendants(m_agent->processId());
        QVERIFY(!chromium.isEmpty());
        for (const qint64 pid : chromium)
            QVERIFY2(coreLimit(pid) == u"0 0"_s,
                     qPrintable(u"%1: %2"_s.arg(commandLine(pid), coreLimit(pid))));
    }

    // Not dumpable from the start of main(), before any key is read: here sak-agent waits for
    // its passphrase on standard input, and another process of its user cannot read its
    // memory, while it can read that of an ordinary process (sleep) of the same user.
    void otherProcessesOfTheUserCannotReadItsMemory()
    {
        if (::geteuid() == 0 && QStandardPaths::findExecutable(u"setpriv"_s).isEmpty())
            QSKIP("As root this needs setpriv (util-linux) to drop the capabilities");
        QProcess ordinary;
        const QStringList sleep = unprivileged(u"sleep"_s, {u"60"_s});
        ordinary.start(sleep.first(), sleep.mid(1));
        QVERIFY(ordinary.waitForStarted());
        QVERIFY2(
            QTest::qWaitFor([&] { return environReadableBySameUser(ordinary.processId()); }, 10000),
            "the check must see an ordinary process's memory");

        QProcess agent;
        agent.setProcessChannelMode(QProcess::MergedChannels);
        const QStringList command =
            unprivileged(qEnvironmentVariable("SAK_BIN_DIR") + u"/sak-agent"_s,
                         {u"--outbox"_s, u"--data-dir"_s, m_dir.filePath(u"waiting"_s),
                          u"--passphrase-file"_s, u"-"_s});
        agent.start(command.first(), command.mid(1));
        QVERIFY(agent.waitForStarted());
        const bool closed =
            QTest::qWaitFor([&] { return !environReadableBySameUser(agent.processId()); }, 10000);
        // Closed while it lives and waits, not because it is gone.
        const char state = processState(agent.processId());
        const bool stillWaiting = agent.state() == QProcess::Running && state == 'S';
        ordinary.kill();
        agent.kill();
        ordinary.waitForFinished();
        agent.waitForFinished();
        QVERIFY2(stillWaiting, qPrintable(u"state %1: %2"_s.arg(QChar::fromLatin1(state))
                                              .arg(QString::fromLocal8Bit(agent.readAll()))));
        QVERIFY(closed);
    }

private:
    QHash<quint16, QString> m_ports; // port -> how it was asked for
    bool m_coreAllowed = false;
};

QTEST_GUILESS_MAIN(TestRemoteDebugging)
#include "tst_remotedebugging.moc"
