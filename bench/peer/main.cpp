// bench/peer: sak-agent side by side with WPPConnect, the wa-js host most shops would use
// instead, on the same simulated WhatsApp Web page and the same customer traffic.
//   (a) ours:   sak-agent --headless (pacing off), its QtWebEngine page on the stub's simulator;
//   (b) theirs: bench/peer/bot.js, a minimal WPPConnect bot (Node, Puppeteer, Debian's
//               chromium), whose https://web.whatsapp.com/ is the same simulator.
// Each side gets a stub of its own (the same binary, rules and page), so that neither starts
// with the other's chats in its history; one side runs after the other, never both at once.
// For each: the time from start to the QR and to connected (the QR scanned as soon as the page
// shows it), the memory (PSS) of the side's whole process tree idle after connecting and at the
// end, its idle CPU, then a burst of customer messages injected at once and, until every one is
// answered, the tree's CPU per message and the messages answered per second. The stub and the
// simulator's servers are outside both trees. Exits 1 saying what when a side measured nothing
// or left a message unanswered; 77 (skipped) when node, chromium or the bot's npm packages are
// missing (bench/peer/run.sh installs them).
//   sak-bench-peer [--messages 1000] [--chats 50]
#include "agent/keys/keyfiles.h"
#include "bench/support/processtree.h"
#include "tests/support/processharness.h"
#include "tests/support/testenv.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <functional>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;
using sak::test::AgentProcess;
using sak::test::StubProcess;

namespace {

constexpr int kSkipped = 77; // what ctest and automake read as "skipped"
constexpr double kMiB = 1024.0 * 1024.0;
constexpr int kSettleMs = 5000; // after connecting, before the idle window
constexpr int kIdleMs = 10000;  // the idle window: CPU and memory with nothing to do
constexpr int kDrainMs = 2000;  // after the last reply: acks and status reports finish
constexpr int kReplyTimeoutMs = 10 * 60 * 1000;
const QString kPeerDir = QStringLiteral(SAK_SOURCE_DIR "/bench/peer");

struct Side
{
    qint64 root = 0;       // the process whose tree is measured
    double qrSeconds = -1; // start to the QR on the page
    double connectedSeconds = -1;
    qint64 idlePss = -1;        // bytes, after connecting
    qint64 endPss = -1;         // bytes, when every message is answered
    double idleCpuPercent = -1; // of one core
    int idleProcesses = 0;
    qint64 burstCpuMs = -1;   // from the first injection to the last reply (and the drain)
    double burstSeconds = -1; // from the first injection to the last reply
    int answered = 0;
    // By kind of process (kindOf): how many, their memory idle, their CPU in the burst.
    QMap<QString, int> processes;
    QMap<QString, qint64> idlePssByKind;
    QMap<QString, qint64> burstCpuByKind;
};

// What a process of a side's tree is: the root itself (ours: sak-agent, which holds Chromium's
// browser side; theirs: node), Chromium's browser process, or the type Chromium gives a child.
// QtWebEngine's children of a zygote keep the zygote's command line (Chromium's own rewrite
// theirs): they are named by their parent.
QString kindOf(const sak::bench::ProcessInfo &p, const QList<sak::bench::ProcessInfo> &tree,
               qint64 root)
{
    if (p.pid == root)
        return QString::fromUtf8(p.name);
    static const QRegularExpression type(u"--type=(\\S+)"_s);
    static const QRegularExpression service(u"--utility-sub-type=\\S*\\.mojom\\.(\\w+)"_s);
    const QString command = QString::fromUtf8(p.cmdline);
    const auto typed = type.match(command);
    if (!typed.hasMatch())
        return QString::fromUtf8(p.name) + u" (browser)"_s;
    const auto utility = service.match(command);
    if (utility.hasMatch())
        return u"utility: "_s + utility.captured(1);
    const auto parent =
        std::find_if(tree.cbegin(), tree.cend(), [&](const auto &q) { return q.pid == p.parent; });
    if (typed.captured(1) == u"zygote"_s && parent != tree.cend() && parent->cmdline == p.cmdline)
        return u"zygote's child (renderer, ...)"_s;
    return typed.captured(1);
}

void waitMs(int ms)
{
    QTest::qWait(ms);
}

// Whether every injected message got exactly one reply, in its own chat; a sentence if not.
QString checkReplies(const QJsonArray &sent, const QHash<QString, int> &injectedPerChat, int total)
{
    QHash<QString, int> repliesPerChat;
    for (const auto &value : sent) {
        const QJsonObject m = value.toObject();
        if (m[u"body"_s].toString().isEmpty())
            return u"a reply in %1 is empty"_s.arg(m[u"chatId"_s].toString());
        if (m[u"sendCount"_s].toInt() != 1)
            return u"reply %1 was sent %2 times"_s.arg(m[u"id"_s].toString())
                .arg(m[u"sendCount"_s].toInt());
        ++repliesPerChat[m[u"chatId"_s].toString()];
    }
    for (auto it = injectedPerChat.cbegin(); it != injectedPerChat.cend(); ++it) {
        if (repliesPerChat.value(it.key()) != it.value())
            return u"chat %1 got %2 replies to %3 messages"_s.arg(it.key())
                .arg(repliesPerChat.value(it.key()))
                .arg(it.value());
    }
    if (sent.size() != total)
        return u"%1 replies to %2 messages"_s.arg(sent.size()).arg(total);
    return {};
}

// The idle window and the burst, the same for both sides; an empty string when all went well.
// `broken` says why the side gave up on a message, if it did (the bench stops waiting then).
QString measure(StubProcess &stub, Side &side, int messages, int chats,
                const std::function<QString()> &broken = {})
{
    waitMs(kSettleMs);
    const qint64 idleFrom = sak::bench::treeCpuMs(side.root);
    QElapsedTimer idle;
    idle.start();
    waitMs(kIdleMs);
    const qint64 idleTo = sak::bench::treeCpuMs(side.root);
    if (idleFrom < 0 || idleTo < 0)
        return u"its process tree is gone (no CPU time to read)"_s;
    side.idleCpuPercent = 100.0 * double(idleTo - idleFrom) / double(idle.elapsed());
    // Each process's PSS read once: the total is the sum of the rows printed by kind. A kind
    // with a process that could not be read is printed as not measured (-1), not as 0.
    const QList<sak::bench::ProcessInfo> idleTree = sak::bench::processTree(side.root);
    side.idleProcesses = int(idleTree.size());
    qint64 idlePss = 0;
    for (const sak::bench::ProcessInfo &p : idleTree) {
        const QString kind = kindOf(p, idleTree, side.root);
        ++side.processes[kind];
        const qint64 bytes = sak::bench::pssBytes(p.pid);
        qint64 &byKind = side.idlePssByKind[kind];
        if (bytes < 0 || byKind < 0) {
            byKind = -1;
            continue;
        }
        byKind += bytes;
        idlePss += bytes;
    }
    side.idlePss = idlePss;
    if (side.idlePss <= 0)
        return u"its memory could not be read"_s;

    // All at once (the network takes six at a time), so the side always has work to do.
    QNetworkAccessManager network;
    int injected = 0;
    int refused = 0;
    QHash<QString, int> perChat;
    const qint64 startMs = QDateTime::currentMSecsSinceEpoch();
    const qint64 cpuBefore = sak::bench::treeCpuMs(side.root);
    QHash<qint64, qint64> cpuBeforeByPid;
    for (const sak::bench::ProcessInfo &p : sak::bench::processTree(side.root))
        cpuBeforeByPid.insert(p.pid, p.cpuMs);
    for (int i = 0; i < messages; ++i) {
        QNetworkRequest request(
            QUrl(u"http://127.0.0.1:%1/control/inject"_s.arg(stub.controlPort())));
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        const QString chat = u"4917600%1@c.us"_s.arg(i % chats, 5, 10, QChar(u'0'));
        ++perChat[chat];
        QNetworkReply *reply = network.post(
            request, QJsonDocument(QJsonObject{{u"chatId"_s, chat},
                                               {u"body"_s, u"how much is a latte? %1"_s.arg(i)}})
                         .toJson(QJsonDocument::Compact));
        QObject::connect(reply, &QNetworkReply::finished, reply, [&, reply] {
            (reply->error() == QNetworkReply::NoError ? injected : refused) += 1;
            reply->deleteLater();
        });
    }
    if (!QTest::qWaitFor([&] { return injected + refused >= messages; }, 120000) || refused > 0)
        return u"the simulator took only %1 of %2 messages"_s.arg(injected).arg(messages);

    QJsonArray sent;
    const bool all = QTest::qWaitFor(
        [&] {
            sent = stub.control(u"/control/sent"_s)[u"messages"_s].toArray();
            return sent.size() >= messages || sak::bench::cpuMs(side.root) < 0 ||
                   (broken && !broken().isEmpty());
        },
        kReplyTimeoutMs);
    side.answered = int(sent.size());
    qint64 lastMs = 0;
    for (const auto m : std::as_const(sent))
        lastMs = std::max(lastMs, m[u"receivedMs"_s].toInteger());
    waitMs(kDrainMs);
    const qint64 cpuAfter = sak::bench::treeCpuMs(side.root);
    const QList<sak::bench::ProcessInfo> endTree = sak::bench::processTree(side.root);
    for (const sak::bench::ProcessInfo &p : endTree)
        side.burstCpuByKind[kindOf(p, endTree, side.root)] +=
            p.cpuMs - cpuBeforeByPid.value(p.pid, 0);
    side.endPss = sak::bench::treePssBytes(side.root);
    if (broken && !broken().isEmpty())
        return u"it gave up on a message: "_s + broken();
    if (!all)
        return u"only %1 of %2 messages were answered within %3 minutes"_s.arg(sent.size())
            .arg(messages)
            .arg(kReplyTimeoutMs / 60000);
    if (const QString wrong = checkReplies(sent, perChat, messages); !wrong.isEmpty())
        return u"not every message got its one reply: "_s + wrong;
    if (cpuBefore < 0 || cpuAfter <= cpuBefore || side.endPss <= 0 || lastMs <= startMs)
        return u"nothing was measured (CPU %1 -> %2 ms, memory %3 bytes)"_s.arg(cpuBefore)
            .arg(cpuAfter)
            .arg(side.endPss);
    side.burstCpuMs = cpuAfter - cpuBefore;
    side.burstSeconds = double(lastMs - startMs) / 1000.0;
    return {};
}

// Plays the shop owner: scans the QR (through the simulator) once a page shows one.
bool scan(StubProcess &stub)
{
    return QTest::qWaitFor(
        [&] { return stub.control(u"/control/scan"_s, "{}").contains(u"pageId"_s); }, 15000);
}

QString ours(StubProcess &stub, const QString &dir, Side &side, int messages, int chats)
{
    const QString keyFile = dir + u"/key"_s;
    if (!sak::writeKeyFile(keyFile, sak::newDataKey()))
        return u"cannot write the store key in %1"_s.arg(dir);
    // Pacing off, as in bench/flow: the bench measures the work, not the human-like waits.
    AgentProcess agent(stub, dir + u"/agent-data"_s, dir + u"/agent-run"_s,
                       {u"--key-file"_s, keyFile}, "[pacing]\nenabled=false\n");
    if (!agent.pair()) // a step of its own before the start, as for a real shop
        return u"the agent could not pair with the stub"_s;
    QElapsedTimer clock;
    clock.start();
    if (!agent.start() || !agent.waitForLog("-> needs-pairing", 120000)) {
        agent.printLogTail(40);
        return u"the agent's page did not show a QR code"_s;
    }
    side.qrSeconds = double(clock.elapsed()) / 1000.0;
    if (!scan(stub) || !agent.waitForLog("-> connected", 60000)) {
        agent.printLogTail(40);
        return u"the agent did not connect after its QR was scanned"_s;
    }
    side.connectedSeconds = double(clock.elapsed()) / 1000.0;
    side.root = agent.processId();
    const QString failure = measure(stub, side, messages, chats);
    if (!failure.isEmpty())
        agent.printLogTail(40);
    agent.terminate();
    return failure;
}

// The bot's lines: "peer-bot: {json}".
class Bot
{
public:
    bool start(const QString &node, const QStringList &arguments)
    {
        m_process.setWorkingDirectory(kPeerDir);
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        QObject::connect(&m_process, &QProcess::readyRead, &m_process, [this] {
            m_output += m_process.readAll();
            qsizetype end = 0;
            while ((end = m_output.indexOf('\n')) >= 0) {
                const QByteArray line = m_output.left(end).trimmed();
                m_output.remove(0, end + 1);
                m_log.append(line);
                if (line.startsWith("peer-bot: "))
                    m_events.append(QJsonDocument::fromJson(line.mid(10)).object());
            }
        });
        m_process.start(node, QStringList{kPeerDir + u"/bot.js"_s} + arguments);
        return m_process.waitForStarted();
    }
    // Waits for an event the predicate accepts; false when the bot ended or time is up.
    bool waitFor(const std::function<bool(const QJsonObject &)> &accept, int timeoutMs)
    {
        const auto seen = [&] {
            return std::any_of(m_events.cbegin(), m_events.cend(), accept);
        };
        return QTest::qWaitFor([&] { return seen() || m_process.state() == QProcess::NotRunning; },
                               timeoutMs) &&
               seen();
    }
    // What the bot said last went wrong ("error": it stopped; "failed": a message it could
    // not answer); empty when nothing did.
    QString lastError() const
    {
        for (auto it = m_events.crbegin(); it != m_events.crend(); ++it) {
            if ((*it)[u"event"_s] == u"error"_s || (*it)[u"event"_s] == u"failed"_s)
                return (*it)[u"message"_s].toString();
        }
        if (m_process.state() == QProcess::NotRunning)
            return u"the bot exited with %1"_s.arg(m_process.exitCode());
        return {};
    }
    void printLogTail(int lines) const
    {
        for (qsizetype i = std::max<qsizetype>(0, m_log.size() - lines); i < m_log.size(); ++i)
            std::fprintf(stderr, "bot: %s\n", m_log.at(i).constData());
    }
    qint64 processId() const { return m_process.processId(); }
    // SIGTERM (the bot closes its browser), then SIGKILL for whatever of its tree is left:
    // Puppeteer starts Chromium in a process group of its own, which outlives a killed Node.
    void stop()
    {
        const QList<sak::bench::ProcessInfo> tree = sak::bench::processTree(processId());
        m_process.terminate();
        if (!m_process.waitForFinished(20000)) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
        for (const sak::bench::ProcessInfo &p : tree) {
            if (sak::bench::cpuMs(p.pid) >= 0)
                ::kill(pid_t(p.pid), SIGKILL);
        }
    }

private:
    QProcess m_process;
    QByteArray m_output;
    QList<QByteArray> m_log;
    QList<QJsonObject> m_events;
};

QString theirs(StubProcess &stub, const QString &dir, const QString &node, const QString &chromium,
               Side &side, int messages, int chats)
{
    Bot bot;
    QElapsedTimer clock;
    clock.start();
    if (!bot.start(node, {u"--port"_s, QString::number(stub.httpsPort()), u"--pin"_s,
                          sak::test::serverPin(), u"--ca-file"_s, sak::test::certPath(u"ca.pem"_s),
                          u"--profile"_s, dir + u"/bot-profile"_s, u"--chromium"_s, chromium}))
        return u"node did not start"_s;
    const auto event = [](const char *name) {
        return [name](const QJsonObject &e) {
            return e[u"event"_s] == QLatin1String(name);
        };
    };
    // WPPConnect reports the QR through catchQR, and "notLogged" when it waits for a scan.
    const bool qr = bot.waitFor(
        [](const QJsonObject &e) {
            return e[u"event"_s] == u"qr"_s ||
                   (e[u"event"_s] == u"status"_s && e[u"status"_s] == u"notLogged"_s);
        },
        120000);
    QString failure;
    if (!qr) {
        failure = u"WPPConnect's page did not show a QR code (%1)"_s.arg(bot.lastError());
    } else {
        side.qrSeconds = double(clock.elapsed()) / 1000.0;
        if (!scan(stub) || !bot.waitFor(event("connected"), 60000)) {
            failure =
                u"WPPConnect did not connect after its QR was scanned (%1)"_s.arg(bot.lastError());
        } else {
            side.connectedSeconds = double(clock.elapsed()) / 1000.0;
            side.root = bot.processId();
            failure = measure(stub, side, messages, chats, [&bot] { return bot.lastError(); });
        }
    }
    if (!failure.isEmpty())
        bot.printLogTail(40);
    bot.stop();
    return failure;
}

QString wppconnectVersion()
{
    QFile file(kPeerDir + u"/node_modules/@wppconnect-team/wppconnect/package.json"_s);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll())[u"version"_s].toString();
}

QString ratio(double ours, double theirs)
{
    return ours > 0 && theirs > 0 ? QString::number(ours / theirs, 'f', 2) : u"n/a"_s;
}

void row(const char *what, double ours, double theirs, const char *unit, int decimals)
{
    std::printf("  %-34s %10s %-3s %10s %-3s %8s\n", what,
                qPrintable(QString::number(ours, 'f', decimals)), unit,
                qPrintable(QString::number(theirs, 'f', decimals)), unit,
                qPrintable(ratio(ours, theirs)));
}

} // namespace

int main(int argc, char **argv)
{
    if (geteuid() == 0) // Chromium's sandbox off only for root, as in the tests
        qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"sak-agent side by side with a minimal WPPConnect bot on the same simulated "
        "WhatsApp Web page and the same traffic. Run it through bench/peer/run.sh, which "
        "installs the bot's npm packages first."_s);
    parser.addHelpOption();
    const QCommandLineOption messagesOption(u"messages"_s, u"Customer messages in the burst."_s,
                                            u"n"_s, u"1000"_s);
    const QCommandLineOption chatsOption(u"chats"_s, u"Chats they come from."_s, u"n"_s, u"50"_s);
    const QCommandLineOption chromiumOption(u"chromium"_s, u"The bot's browser."_s, u"path"_s,
                                            u"/usr/bin/chromium"_s);
    parser.addOptions({messagesOption, chatsOption, chromiumOption});
    parser.process(app);
    bool okMessages = false;
    bool okChats = false;
    const int messages = parser.value(messagesOption).toInt(&okMessages);
    const int chats = parser.value(chatsOption).toInt(&okChats);
    if (!okMessages || !okChats || messages < 1 || chats < 1 || chats > messages ||
        messages > 100000) {
        std::fprintf(stderr, "bench/peer: --messages (1-100000) and --chats (1 to --messages) "
                             "must be numbers\n");
        return 1;
    }
    if (!qEnvironmentVariableIsSet("SAK_BIN_DIR")) // sak-agent and the stub sit next to it
        qputenv("SAK_BIN_DIR", QCoreApplication::applicationDirPath().toLocal8Bit());

    const QString node = QStandardPaths::findExecutable(u"node"_s);
    const QString chromium = parser.value(chromiumOption);
    const QString version = wppconnectVersion();
    if (node.isEmpty()) {
        std::printf("bench/peer: skipped: node is not installed (apt-get install nodejs npm)\n");
        return kSkipped;
    }
    if (!QFileInfo(chromium).isExecutable()) {
        std::printf("bench/peer: skipped: no Chromium at %s (apt-get install chromium, or "
                    "--chromium PATH)\n",
                    qPrintable(chromium));
        return kSkipped;
    }
    if (version.isEmpty()) {
        std::printf("bench/peer: skipped: WPPConnect is not installed in %s/node_modules: run "
                    "bench/peer/run.sh (npm ci)\n",
                    qPrintable(kPeerDir));
        return kSkipped;
    }

    QTemporaryDir dir;
    if (!dir.isValid()) {
        std::fprintf(stderr, "bench/peer: no temporary directory\n");
        return 1;
    }
    std::printf("bench/peer: %d customer messages over %d chats, injected at once; ours "
                "(sak-agent), then theirs (WPPConnect %s), each on a fresh stub\n",
                messages, chats, qPrintable(version));
    std::fflush(stdout);
    Side a; // ours
    Side b; // theirs
    {
        StubProcess stub;
        if (!stub.start()) {
            std::fprintf(stderr, "bench/peer: the stub did not start\n");
            return 1;
        }
        const QString failure = ours(stub, dir.path(), a, messages, chats);
        if (!failure.isEmpty()) {
            std::fprintf(stderr, "bench/peer: ours (sak-agent): %s\n", qPrintable(failure));
            return 1;
        }
        std::printf("  ours done: %d answered in %.1f s\n", a.answered, a.burstSeconds);
        std::fflush(stdout);
    }
    {
        StubProcess stub;
        if (!stub.start()) {
            std::fprintf(stderr, "bench/peer: the stub did not start\n");
            return 1;
        }
        const QString failure = theirs(stub, dir.path(), node, chromium, b, messages, chats);
        if (!failure.isEmpty()) {
            std::fprintf(stderr, "bench/peer: theirs (WPPConnect %s): %s\n", qPrintable(version),
                         qPrintable(failure));
            return 1;
        }
        std::printf("  theirs done: %d answered in %.1f s\n", b.answered, b.burstSeconds);
    }

    std::printf("\n  %-34s %14s %14s %9s\n", "", "ours", "theirs", "ours/");
    std::printf("  %-34s %14s %14s %9s\n", "", "sak-agent", "WPPConnect", "theirs");
    row("start to QR shown", a.qrSeconds, b.qrSeconds, "s ", 1);
    row("start to connected (QR scanned)", a.connectedSeconds, b.connectedSeconds, "s ", 1);
    row("memory idle after connecting", double(a.idlePss) / kMiB, double(b.idlePss) / kMiB, "MiB",
        0);
    row("memory after the burst", double(a.endPss) / kMiB, double(b.endPss) / kMiB, "MiB", 0);
    row("memory growth per message", double(a.endPss - a.idlePss) / 1024.0 / messages,
        double(b.endPss - b.idlePss) / 1024.0 / messages, "KiB", 1);
    row("idle CPU (% of one core, 10 s)", a.idleCpuPercent, b.idleCpuPercent, "% ", 2);
    row("CPU per message", double(a.burstCpuMs) / messages, double(b.burstCpuMs) / messages, "ms",
        2);
    row("CPU for the whole burst", double(a.burstCpuMs) / 1000.0, double(b.burstCpuMs) / 1000.0,
        "s ", 1);
    row("burst: first in to last reply", a.burstSeconds, b.burstSeconds, "s ", 1);
    row("messages answered per second", messages / a.burstSeconds, messages / b.burstSeconds, "/s",
        1);
    std::printf("  %-34s %10d     %10d\n", "processes in the tree", a.idleProcesses,
                b.idleProcesses);
    for (const Side *side : {&a, &b}) {
        std::printf("\n  %s, by process%*s %14s %18s\n", side == &a ? "ours" : "theirs",
                    side == &a ? 21 : 19, "", "memory idle", "CPU per message");
        for (auto it = side->processes.cbegin(); it != side->processes.cend(); ++it) {
            const QString label =
                it.value() > 1 ? u"%1 (%2)"_s.arg(it.key()).arg(it.value()) : it.key();
            // A kind not read (its memory) or gone by the end of the burst (its CPU): "-".
            const qint64 pss = side->idlePssByKind.value(it.key(), -1);
            const auto cpu = side->burstCpuByKind.constFind(it.key());
            std::printf(
                "    %-40s %11s %18s\n", qPrintable(label),
                qPrintable(pss < 0 ? u"-"_s : u"%1 MiB"_s.arg(double(pss) / kMiB, 0, 'f', 0)),
                qPrintable(cpu == side->burstCpuByKind.cend()
                               ? u"-"_s
                               : u"%1 ms"_s.arg(double(*cpu) / messages, 0, 'f', 2)));
        }
    }
    std::printf(
        "\n  Per message, ours captures the message from the page, journals it in its encrypted "
        "store (SQLCipher, synchronous=FULL: fsync), relays it to the cloud in a signed request "
        "and checks the signed answer, persists the reply in its outbox, sends it through the "
        "page and reports the reply's state changes (sent, delivered) to the cloud in signed "
        "requests. Theirs asks the "
        "stub for the reply over HTTPS (no signature) and sends it: no journal, no signing, no "
        "outbox, no status reports; a message that arrives while it is down or crashes is "
        "lost.\n"
        "  CPU and memory: the whole process tree (ours: sak-agent and its QtWebEngine "
        "processes; theirs: node and its Chromium processes), read from /proc; the stub and the "
        "simulator's servers are outside both. CPU covers the burst plus %d s after the last "
        "reply (acks and statuses); idle is measured over %d s, %d s after connecting. "
        "Chromium's crash handlers, which leave the tree, are not counted.\n"
        "  Browsers: ours is QtWebEngine's Chromium, theirs Debian's chromium (%s). WPPConnect "
        "(LGPL-3.0-or-later) and its npm dependencies are installed by bench/peer/run.sh with "
        "npm ci; none of their code is part of this project.\n",
        kDrainMs / 1000, kIdleMs / 1000, kSettleMs / 1000, qPrintable(chromium));
    return 0;
}
