// bench/flow: the whole path, with pacing off. Customers' messages go into the simulated
// WhatsApp; the agent (a real sak-agent process with its QtWebEngine page) captures them,
// journals them, relays them to the stub over HTTPS, queues the replies and sends them back
// through the page. Each phase prints its figures as it ends; all run by default, in this
// order, or some of them with `--only burst,idle` (about 4 minutes for all on 2 cores):
//
//   burst    2,000 messages over 50 chats injected at once: messages per second end to end,
//            the agent-added latency under the burst, CPU per message of the agent's process
//            (split by its threads: the main thread, Chromium's, Qt's), of its whole tree
//            (the agent and its Chromium processes) and of the stub; the agent's peak memory.
//   latency  300 messages at a steady 20 per second: the agent-added latency (p50, p99), the
//            cloud's time excluded.
//   idle     60 s with nothing to do after the traffic: CPU of the agent's tree and of its
//            main process, as a percentage of one core.
//   start    three restarts on the sealed session (data dir and key kept, no QR scan): from
//            starting sak-agent until it says connected, split by its log's marks into the
//            agent before the page, the page's load and wa-js becoming ready, and the session.
//   backlog  the overnight backlog: the agent stopped, 5,000 messages from 200 customers
//            written meanwhile (the simulator holds them and hands them over as WhatsApp's
//            offline burst), the agent started again on its sealed session: time until all
//            are answered, messages per second beside the live burst's, CPU per message.
//   channel  the QWebChannel ceiling: calls per second a page can make to a C++ object.
//
// A phase that measured nothing fails the bench (exit 1) and says what; a figure with no
// measurement behind it is not printed as 0.
#include "agent/keys/keyfiles.h"
#include "bench/support/processtree.h"
#include "tests/support/processharness.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QWebChannel>
#include <QWebEnginePage>
#include <QWebEngineScript>

#include <algorithm>
#include <chrono>
#include <functional>
#include <limits>
#ifdef Q_OS_UNIX
#include <unistd.h>
#endif
#include <cstdio>

using namespace Qt::Literals::StringLiterals;
using sak::test::AgentProcess;
using sak::test::StubProcess;
namespace bench = sak::bench;

namespace {

constexpr int kMessages = 2000;
constexpr int kChats = 50;
constexpr int kSteadyMessages = 300;
constexpr int kSteadyRate = 20; // messages per second in the latency phase
constexpr int kIdleSeconds = 60;
constexpr int kStarts = 3;
constexpr int kBacklog = 5000;
constexpr int kBacklogCustomers = 200;
// The simulator's page writes its session to its storage a moment after it connects; a
// restart sooner than this could find no session to restore (tests/integration/tst_overnight
// waits as long).
constexpr qint64 kSessionSettleMs = 7000;

const QStringList kPhases{u"burst"_s, u"latency"_s, u"idle"_s,
                          u"start"_s, u"backlog"_s, u"channel"_s};

class Counter : public QObject
{
    Q_OBJECT
public:
    explicit Counter(int expected)
        : m_expected(expected)
    {}
    Q_INVOKABLE void post(const QString &)
    {
        if (m_calls++ == 0)
            m_clock.start();
        if (m_calls == m_expected) {
            m_elapsedNs = m_clock.nsecsElapsed();
            Q_EMIT done();
        }
    }
    double rate() const
    {
        return m_elapsedNs > 0 ? (m_expected - 1) * 1e9 / double(m_elapsedNs) : 0;
    }
Q_SIGNALS:
    void done();

private:
    const int m_expected;
    int m_calls = 0;
    QElapsedTimer m_clock;
    qint64 m_elapsedNs = 0;
};

// Calls per second a page can make to a C++ object over QWebChannel, from the first call to
// the last (the page's loading left out): the bridge's ceiling. A real event loop, not
// QTest::qWaitFor, which sleeps between its rounds and would measure its own naps.
double webChannelRate()
{
    constexpr int kCalls = 20000;
    QWebEnginePage page;
    QWebChannel channel;
    Counter counter(kCalls);
    channel.registerObject(u"counter"_s, &counter);
    page.setWebChannel(&channel);
    QFile api(u":/qtwebchannel/qwebchannel.js"_s);
    if (!api.open(QIODevice::ReadOnly))
        return 0;
    // Concatenated, not arg()-ed: the library's own text may hold "%1".
    const QString html = u"<script>"_s + QString::fromUtf8(api.readAll()) +
                         u"</script><script>new QWebChannel(qt.webChannelTransport, (c) => { "_s +
                         u"for (let i = 0; i < "_s + QString::number(kCalls) +
                         u"; ++i) c.objects.counter.post('x'); });</script>"_s;
    QEventLoop loop;
    QObject::connect(&counter, &Counter::done, &loop, &QEventLoop::quit);
    QTimer::singleShot(std::chrono::seconds(60), &loop, &QEventLoop::quit);
    page.setHtml(html, QUrl(u"https://bench.local/"_s));
    loop.exec();
    return counter.rate();
}

// Runs the event loop until the condition holds (checked every millisecond) or time is up.
bool waitInEventLoop(const std::function<bool()> &done, std::chrono::milliseconds timeout)
{
    QEventLoop loop;
    QTimer check;
    check.setTimerType(Qt::PreciseTimer);
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    QTimer::singleShot(timeout, &loop, &QEventLoop::quit);
    check.start(1);
    loop.exec();
    return done();
}

// Lets the event loop run for a while without polling anything: the idle phase's bench must
// not be what wakes the machine.
void runFor(std::chrono::milliseconds duration)
{
    QEventLoop loop;
    QTimer::singleShot(duration, &loop, &QEventLoop::quit);
    loop.exec();
}

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    return values.at(std::min<qsizetype>(values.size() - 1, qsizetype(p * double(values.size()))));
}

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? 0 : values.at(values.size() / 2);
}

// The time (ms since the epoch) of the agent's first log line that holds `text`, from the
// line's own timestamp (the agent's text format starts each line with local
// "yyyy-MM-dd hh:mm:ss.zzz"); -1 when there is none.
qint64 logTimeMs(const QByteArray &log, const QByteArray &text)
{
    const qsizetype at = log.indexOf(text);
    if (at < 0)
        return -1;
    const qsizetype line = log.lastIndexOf('\n', at) + 1;
    const QDateTime time =
        QDateTime::fromString(QString::fromLatin1(log.mid(line, 23)), u"yyyy-MM-dd hh:mm:ss.zzz"_s);
    return time.isValid() ? time.toMSecsSinceEpoch() : -1;
}

// CPU of the agent's process by thread, of its whole tree, and of the stub, at one moment.
struct CpuSample
{
    qint64 agentMs = -1;
    qint64 treeMs = -1;
    qint64 stubMs = -1;
    int processes = 0; // in the agent's tree
    QHash<QByteArray, qint64> threadsMs;
    QHash<QByteArray, qint64> chromiumMs; // Chromium's processes, summed by kind
    QByteArray mainThread;                // the process's own name, which its main thread carries
};

// A Chromium process's kind, from its --type switch (zygote, utility, ...). A renderer is
// forked by the zygote and keeps the zygote's command line: a zygote's child is the renderer.
QByteArray kindOf(const bench::ProcessInfo &p, const QList<bench::ProcessInfo> &tree)
{
    static const QRegularExpression type(u"--type=([a-z-]+)"_s);
    const QString kind = type.match(QString::fromUtf8(p.cmdline)).captured(1);
    if (kind == u"zygote"_s) {
        for (const bench::ProcessInfo &parent : tree) {
            if (parent.pid == p.parent && parent.cmdline.contains("--type=zygote"))
                return "renderer";
        }
    }
    return kind.isEmpty() ? p.name : kind.toUtf8();
}

CpuSample sampleCpu(qint64 agentPid, qint64 stubPid)
{
    CpuSample s;
    s.agentMs = bench::cpuMs(agentPid);
    s.threadsMs = bench::threadCpuMs(agentPid);
    const QList<bench::ProcessInfo> tree = bench::processTree(agentPid);
    if (!tree.isEmpty())
        s.treeMs = 0;
    for (const bench::ProcessInfo &p : tree) {
        s.treeMs += p.cpuMs;
        if (p.pid == agentPid)
            s.mainThread = p.name;
        else
            s.chromiumMs[kindOf(p, tree)] += p.cpuMs;
    }
    s.processes = int(tree.size());
    s.stubMs = stubPid > 0 ? bench::cpuMs(stubPid) : -1;
    return s;
}

// "name figure, ..." for the entries that grew between two samples, largest first.
QString largest(const QHash<QByteArray, qint64> &before, const QHash<QByteArray, qint64> &after,
                double divisor, const std::function<bool(const QByteArray &)> &keep, int most)
{
    QList<std::pair<QByteArray, qint64>> grown;
    for (auto it = after.cbegin(); it != after.cend(); ++it) {
        const qint64 delta = it.value() - before.value(it.key());
        if (delta > 0 && keep(it.key()))
            grown.append({it.key(), delta});
    }
    std::sort(grown.begin(), grown.end(),
              [](const auto &a, const auto &b) { return a.second > b.second; });
    QStringList parts;
    for (qsizetype i = 0; i < std::min<qsizetype>(most, grown.size()); ++i)
        parts.append(u"%1 %2"_s.arg(QString::fromUtf8(grown.at(i).first))
                         .arg(double(grown.at(i).second) / divisor, 0, 'f', 2));
    return parts.isEmpty() ? u"none"_s : parts.join(u", "_s);
}

// The agent's threads fall in three groups by their names. Qt's main thread carries the
// program's name; Qt names its own threads after their QThread objects (QNetworkAccessManager's
// HTTP thread, QDBusConnection, "Thread (pooled)"); GLib's helpers are GLib's; every other
// thread of the process is Chromium's (Chrome_IOThread, NetworkService, ThreadPool*, ...).
enum class Group
{
    Main,
    Chromium,
    Qt,
    Other
};

Group groupOf(const QByteArray &name, const QByteArray &mainThread)
{
    if (name == mainThread)
        return Group::Main;
    if (name.startsWith('Q') || name == "Thread (pooled)")
        return Group::Qt;
    static const QList<QByteArray> glib{"gmain", "gdbus", "dconf worker", "pool-spawner"};
    if (glib.contains(name))
        return Group::Other;
    return Group::Chromium;
}

// How the agent's process spent its CPU between two samples, per group of threads and per
// thread name, divided by `divisor` (messages, or the duration in units of 1 % of a core).
void printSplit(const CpuSample &before, const CpuSample &after, double divisor, const char *unit)
{
    qint64 groups[4] = {0, 0, 0, 0};
    qint64 listed = 0;
    for (auto it = after.threadsMs.cbegin(); it != after.threadsMs.cend(); ++it) {
        const qint64 delta = it.value() - before.threadsMs.value(it.key());
        groups[int(groupOf(it.key(), after.mainThread))] += delta;
        listed += delta;
    }
    const auto in = [&](Group group) {
        return largest(
            before.threadsMs, after.threadsMs, divisor,
            [&](const QByteArray &name) { return groupOf(name, after.mainThread) == group; }, 4);
    };
    const auto line = [&](const char *label, qint64 ms, const QString &detail) {
        std::printf("    %-25s %6.2f %s%s%s\n", label, double(ms) / divisor, unit,
                    detail.isEmpty() ? "" : "  ", qPrintable(detail));
    };
    const qint64 process = after.agentMs - before.agentMs;
    const QByteArray main = "main thread \"" + after.mainThread + "\":";
    line(main.constData(), groups[int(Group::Main)],
         u"(Qt's main thread: our pipeline, store and bridge AND Chromium's browser UI-thread "
         u"tasks; /proc cannot split one thread)"_s);
    line("Chromium's threads:", groups[int(Group::Chromium)], u"(%1)"_s.arg(in(Group::Chromium)));
    line("Qt's threads:", groups[int(Group::Qt)],
         u"(%1; QNetworkAccessM is Qt's HTTP thread: the agent's HTTPS to the cloud)"_s.arg(
             in(Group::Qt)));
    if (groups[int(Group::Other)] != 0)
        line("other threads:", groups[int(Group::Other)], u"(%1)"_s.arg(in(Group::Other)));
    // A thread that ended between the samples is in the process's total but in no thread's;
    // so is what the kernel rounded differently per thread than for the process (10 ms ticks).
    if (process != listed)
        line("in no live thread:", process - listed, u"(threads that ended; rounding)"_s);
    line("whole process:", process, {});
    std::printf("    top threads:              %s (%s)\n",
                qPrintable(largest(
                    before.threadsMs, after.threadsMs, divisor,
                    [](const QByteArray &) { return true; }, 6)),
                unit);
}

// Chromium's processes under the agent, by kind: "renderer 1.35, zygote 0.01".
QString chromiumSplit(const CpuSample &before, const CpuSample &after, double divisor)
{
    return largest(
        before.chromiumMs, after.chromiumMs, divisor, [](const QByteArray &) { return true; }, 4);
}

// The stub's CPU between two samples, or "not measured" when either could not read it.
QString stubFigure(const CpuSample &before, const CpuSample &after, double divisor)
{
    if (before.stubMs < 0 || after.stubMs < 0)
        return u"(not measured)"_s;
    return QString::number(double(after.stubMs - before.stubMs) / divisor, 'f', 2);
}

bool measured(const CpuSample &s)
{
    return s.agentMs >= 0 && s.treeMs >= 0 && !s.threadsMs.isEmpty();
}

int fail(const char *what)
{
    std::fprintf(stderr, "bench/flow: %s\n", what);
    return 1;
}

// What the phases share: the stub, the agent, and the customers' side.
class Flow
{
public:
    Flow(StubProcess &stub, AgentProcess &agent)
        : m_stub(stub)
        , m_agent(agent)
    {}

    // Writes `count` customer messages over `chats` chats (numbers from `prefix`) as fast as
    // the simulator takes them (the network sends six at a time); true when it took them all.
    bool injectAll(int count, int chats, const QString &prefix)
    {
        const int target = m_injected + count;
        for (int i = 0; i < count; ++i)
            injectOne(prefix, i % chats);
        return waitInEventLoop([&] { return m_injected >= target; }, std::chrono::minutes(3));
    }
    void injectOne(const QString &prefix, int chat)
    {
        QNetworkRequest request(
            QUrl(u"http://127.0.0.1:%1/control/inject"_s.arg(m_stub.controlPort())));
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        const QString chatId = u"%1%2@c.us"_s.arg(prefix).arg(chat, 5, 10, QChar(u'0'));
        QNetworkReply *reply = m_network.post(
            request,
            QJsonDocument(QJsonObject{{u"chatId"_s, chatId},
                                      {u"body"_s, u"how much is a latte? %1"_s.arg(m_written++)}})
                .toJson());
        QObject::connect(reply, &QNetworkReply::finished, reply, [this, reply] {
            m_injected += reply->error() == QNetworkReply::NoError ? 1 : 0;
            reply->deleteLater();
        });
    }
    int injected() const { return m_injected; }

    QJsonArray sent() { return m_stub.control(u"/control/sent"_s)[u"messages"_s].toArray(); }

    // Waits until the simulator's chats hold `count` replies of the business. It asks four
    // times a second, not in a tight loop: each answer lists every reply so far, and the stub
    // shares the two cores with what is measured. (The replies' own arrival times come from
    // the simulator, so the polling does not blur them.) False when nothing new arrived for
    // `stall`.
    bool waitForReplies(qsizetype count, QJsonArray &sent, std::chrono::seconds stall)
    {
        QElapsedTimer quiet;
        quiet.start();
        qsizetype last = -1;
        for (;;) {
            sent = this->sent();
            if (sent.size() >= count)
                return true;
            if (sent.size() != last) {
                last = sent.size();
                quiet.restart();
            } else if (quiet.elapsed() > std::chrono::milliseconds(stall).count()) {
                return false;
            }
            QTest::qWait(250);
        }
    }

    // The newest reply's arrival (ms since the epoch, the simulator's clock).
    static qint64 lastReplyMs(const QJsonArray &sent, qsizetype from = 0)
    {
        qint64 last = 0;
        for (qsizetype i = from; i < sent.size(); ++i)
            last = std::max(last, sent.at(i)[u"receivedMs"_s].toInteger());
        return last;
    }

    QList<double> agentLatencies(qsizetype fromLogByte) const
    {
        QList<double> ms;
        static const QRegularExpression latency(u"\\[latency\\] agent=(\\d+)ms"_s);
        auto it = latency.globalMatch(QString::fromUtf8(m_agent.log().mid(fromLogByte)));
        while (it.hasNext())
            ms.append(it.next().captured(1).toDouble());
        return ms;
    }

    // Stops the agent (it drains, seals the session and exits 0), after giving a session that
    // connected just now the moment its page needs to store it.
    bool stop()
    {
        const qint64 connectedFor = QDateTime::currentMSecsSinceEpoch() - m_connectedAtMs;
        if (connectedFor < kSessionSettleMs)
            runFor(std::chrono::milliseconds(kSessionSettleMs - connectedFor));
        return m_agent.terminate() == 0;
    }
    void connectedNow() { m_connectedAtMs = QDateTime::currentMSecsSinceEpoch(); }

    StubProcess &stub() { return m_stub; }
    AgentProcess &agent() { return m_agent; }

private:
    StubProcess &m_stub;
    AgentProcess &m_agent;
    QNetworkAccessManager m_network;
    int m_injected = 0; // messages the simulator took
    int m_written = 0;
    qint64 m_connectedAtMs = 0;
};

// Live figures the later phases compare with.
struct Live
{
    double burstRate = 0;
};

int burstPhase(Flow &flow, Live &live)
{
    AgentProcess &agent = flow.agent();
    const qsizetype base = flow.sent().size();
    // All at once, so that the agent always has work; the driver must not be what is measured.
    QElapsedTimer injecting;
    injecting.start();
    const qint64 startMs = QDateTime::currentMSecsSinceEpoch();
    const CpuSample before = sampleCpu(agent.processId(), flow.stub().processId());
    if (!flow.injectAll(kMessages, kChats, u"4917600"_s)) {
        std::fprintf(stderr, "bench/flow: the simulator took only %d of %d messages\n",
                     flow.injected(), kMessages);
        return 1;
    }
    const double injectSeconds = double(injecting.elapsed()) / 1000.0;
    QJsonArray sent;
    if (!flow.waitForReplies(base + kMessages, sent, std::chrono::seconds(60))) {
        std::fprintf(stderr, "bench/flow: only %lld of %d replies arrived (none for 60 s)\n",
                     qlonglong(sent.size() - base), kMessages);
        agent.printLogTail(40);
        return 1;
    }
    const CpuSample after = sampleCpu(agent.processId(), flow.stub().processId());
    const double seconds = double(Flow::lastReplyMs(sent, base) - startMs) / 1000.0;
    const QList<double> burstMs = flow.agentLatencies(0);
    if (!measured(before) || !measured(after) || seconds <= 0)
        return fail("the burst's CPU or time could not be measured (/proc unreadable?)");
    if (burstMs.isEmpty())
        return fail("the agent logged no reply latency under the burst: nothing was measured");
    live.burstRate = kMessages / seconds;

    std::printf("burst: %d customer messages over %d chats at once, each answered (pacing off)\n",
                kMessages, kChats);
    std::printf("  injected in %.1f s; all %d replies in the chats after %.1f s\n", injectSeconds,
                kMessages, seconds);
    std::printf("  end to end:            %.0f messages/s (in and out: %.0f/s)\n", live.burstRate,
                2 * live.burstRate);
    std::printf("  agent-added latency:   p50 %.0f ms, p99 %.0f ms under that burst (queueing "
                "behind the backlog included; %lld samples)\n",
                percentile(burstMs, 0.50), percentile(burstMs, 0.99), qlonglong(burstMs.size()));
    const double agentMs = double(after.agentMs - before.agentMs) / kMessages;
    const double treeMs = double(after.treeMs - before.treeMs) / kMessages;
    std::printf("  CPU per message:       agent's tree %.2f ms (the agent's process and its %d "
                "Chromium processes), of which\n",
                treeMs, after.processes - 1);
    std::printf("                         agent's process %.2f ms, Chromium's processes %.2f ms "
                "(%s; the renderer runs the WhatsApp simulator's page, wa-js and our page "
                "agent)\n",
                agentMs, treeMs - agentMs, qPrintable(chromiumSplit(before, after, kMessages)));
    std::printf("                         stub %s ms (cloud API and simulated WhatsApp "
                "servers; not ours)\n",
                qPrintable(stubFigure(before, after, kMessages)));
    std::printf("  the agent's process per message, by thread (ms):\n");
    printSplit(before, after, kMessages, "ms");
    const qint64 peak = bench::peakRssBytes(agent.processId());
    if (peak > 0)
        std::printf("  agent peak memory:     %.1f MiB (main process, VmHWM; the page's renderer "
                    "is apart)\n",
                    double(peak) / 1048576.0);
    std::fflush(stdout);
    return 0;
}

int latencyPhase(Flow &flow)
{
    AgentProcess &agent = flow.agent();
    const qsizetype base = flow.sent().size();
    const qsizetype logMark = agent.log().size();
    // A steady load well below the throughput, so that what is measured is the agent's own
    // work per message and not the wait behind a backlog.
    const int target = flow.injected() + kSteadyMessages;
    int next = 0;
    QTimer pace;
    pace.setTimerType(Qt::PreciseTimer);
    QObject::connect(&pace, &QTimer::timeout, [&] {
        if (next < kSteadyMessages) {
            flow.injectOne(u"4917600"_s, next % kChats);
            ++next;
        }
    });
    pace.start(1000 / kSteadyRate);
    QJsonArray sent;
    if (!waitInEventLoop([&] { return flow.injected() >= target; }, std::chrono::minutes(2)) ||
        !flow.waitForReplies(base + kSteadyMessages, sent, std::chrono::seconds(60))) {
        agent.printLogTail(40);
        return fail("the steady phase did not finish");
    }
    pace.stop();
    const QList<double> steadyMs = flow.agentLatencies(logMark);
    if (steadyMs.isEmpty())
        return fail("the agent logged no reply latency at the steady rate: nothing was measured");
    std::printf("latency: %d messages at a steady %d messages/s\n", kSteadyMessages, kSteadyRate);
    std::printf("  agent-added latency:   p50 %.0f ms, p99 %.0f ms (%lld samples); the cloud's "
                "time excluded\n",
                percentile(steadyMs, 0.50), percentile(steadyMs, 0.99), qlonglong(steadyMs.size()));
    std::fflush(stdout);
    return 0;
}

int idlePhase(Flow &flow)
{
    AgentProcess &agent = flow.agent();
    // The last replies' status reports and the customers' read receipts come a moment after
    // the replies: let them pass, then measure a quiet minute.
    runFor(std::chrono::seconds(5));
    const CpuSample before = sampleCpu(agent.processId(), flow.stub().processId());
    QElapsedTimer clock;
    clock.start();
    runFor(std::chrono::seconds(kIdleSeconds));
    const CpuSample after = sampleCpu(agent.processId(), flow.stub().processId());
    const double elapsedMs = double(clock.elapsed());
    if (!measured(before) || !measured(after))
        return fail("the idle CPU could not be read from /proc: nothing was measured");
    const double percentDivisor = elapsedMs / 100.0; // ms of CPU per 1 % of one core
    std::printf("idle: %.0f s with nothing to do (the traffic done, its reports sent)\n",
                elapsedMs / 1000.0);
    std::printf("  agent's tree:          %.2f %% of one core (%lld ms of CPU; the agent and its "
                "%d Chromium processes: %s %%)\n",
                double(after.treeMs - before.treeMs) / percentDivisor,
                qlonglong(after.treeMs - before.treeMs), after.processes - 1,
                qPrintable(chromiumSplit(before, after, percentDivisor)));
    std::printf("  agent's process:       %.2f %% of one core (%lld ms of CPU), by thread:\n",
                double(after.agentMs - before.agentMs) / percentDivisor,
                qlonglong(after.agentMs - before.agentMs));
    printSplit(before, after, percentDivisor, "%");
    std::printf("  stub (not ours):       %s %% of one core\n",
                qPrintable(stubFigure(before, after, percentDivisor)));
    std::fflush(stdout);
    return 0;
}

// One start of the already paired agent on its data dir: the marks of its log, in ms from the
// process's start, and the tree's CPU when it said connected.
struct Start
{
    qint64 openingMs = -1;  // "Opening WhatsApp Web at": the agent's own start is done
    qint64 loadedMs = -1;   // "WhatsApp Web loaded from": the page's document is loaded
    qint64 attachedMs = -1; // "Bridge attached to WhatsApp Web": wa-js is ready
    qint64 connectedMs = -1;
    qint64 treeCpuMs = -1;
    qint64 agentCpuMs = -1;
};

// Starts the agent and waits until it says connected; the error is printed.
bool startSealed(Flow &flow, Start &start, std::chrono::seconds timeout)
{
    AgentProcess &agent = flow.agent();
    const qint64 t0 = QDateTime::currentMSecsSinceEpoch();
    if (!agent.start()) {
        std::fprintf(stderr, "bench/flow: sak-agent did not start again\n");
        return false;
    }
    if (!agent.waitForLog("-> connected", int(std::chrono::milliseconds(timeout).count()))) {
        std::fprintf(stderr, "bench/flow: the restarted agent did not connect in %lld s%s\n",
                     qlonglong(timeout.count()),
                     agent.log().contains("-> needs-pairing")
                         ? ": it asked for a new QR scan (the sealed session was not restored)"
                         : "");
        agent.printLogTail(40);
        return false;
    }
    start.treeCpuMs = bench::treeCpuMs(agent.processId());
    start.agentCpuMs = bench::cpuMs(agent.processId());
    flow.connectedNow();
    if (agent.log().contains("-> needs-pairing")) {
        std::fprintf(stderr, "bench/flow: the restarted agent asked for a new QR scan: the "
                             "sealed session was not restored\n");
        return false;
    }
    const auto mark = [&](const char *text) {
        const qint64 at = logTimeMs(agent.log(), text);
        return at < 0 ? -1 : at - t0;
    };
    start.openingMs = mark("Opening WhatsApp Web at");
    start.loadedMs = mark("WhatsApp Web loaded from");
    start.attachedMs = mark("Bridge attached to WhatsApp Web");
    start.connectedMs = mark("-> connected");
    return start.connectedMs >= 0;
}

int startPhase(Flow &flow)
{
    // The page loads the chats' history on each start: how much there is matters.
    const qsizetype replies = flow.sent().size();
    QList<Start> starts;
    for (int i = 0; i < kStarts; ++i) {
        if (!flow.stop())
            return fail("the agent did not stop cleanly before a restart");
        Start start;
        if (!startSealed(flow, start, std::chrono::seconds(60)))
            return 1;
        starts.append(start);
    }
    // Every split needs its marks and the CPU reading: a missing one is not printed as a figure.
    for (const Start &s : std::as_const(starts)) {
        if (s.openingMs < 0 || s.loadedMs < s.openingMs || s.attachedMs < s.openingMs ||
            s.connectedMs < s.attachedMs || s.treeCpuMs < 0 || s.agentCpuMs < 0)
            return fail("a start's log lacked the marks that split it (Opening WhatsApp Web, "
                        "WhatsApp Web loaded, Bridge attached, connected) or its CPU could not be "
                        "read: nothing printed");
    }
    std::printf("start: from starting sak-agent to \"connected\", on the sealed session (data "
                "dir and key kept, no QR scan), %d times; the chats hold %d customer messages "
                "and %lld replies\n",
                kStarts, flow.injected(), qlonglong(replies));
    QList<double> total, before, page, session, beyond, tree;
    for (int i = 0; i < starts.size(); ++i) {
        const Start &s = starts.at(i);
        std::printf("  run %d: %lld ms = agent before the page %lld ms + page load and wa-js "
                    "ready %lld ms (document loaded at +%lld ms) + session %lld ms; CPU at "
                    "connected: tree %lld ms, agent's process %lld ms\n",
                    i + 1, qlonglong(s.connectedMs), qlonglong(s.openingMs),
                    qlonglong(s.attachedMs - s.openingMs), qlonglong(s.loadedMs - s.openingMs),
                    qlonglong(s.connectedMs - s.attachedMs), qlonglong(s.treeCpuMs),
                    qlonglong(s.agentCpuMs));
        total.append(double(s.connectedMs));
        before.append(double(s.openingMs));
        page.append(double(s.attachedMs - s.openingMs));
        session.append(double(s.connectedMs - s.attachedMs));
        beyond.append(double(s.connectedMs - (s.attachedMs - s.openingMs)));
        tree.append(double(s.treeCpuMs));
    }
    std::printf("  median: %.0f ms to connected; agent before the page %.0f ms, page load and "
                "wa-js ready %.0f ms, session %.0f ms; beyond the page's own load %.0f ms; tree "
                "CPU %.0f ms\n",
                median(total), median(before), median(page), median(session), median(beyond),
                median(tree));
    std::printf("  (marks from the agent's log: the process started -> \"Opening WhatsApp Web\" "
                "-> \"Bridge attached\" (wa-js ready) -> \"-> connected\")\n");
    std::fflush(stdout);
    return 0;
}

int backlogPhase(Flow &flow, const Live &live)
{
    AgentProcess &agent = flow.agent();
    const qsizetype base = flow.sent().size();
    if (!flow.stop())
        return fail("the agent did not stop cleanly before the backlog");
    // Closing time: the customers write while the agent is away; the simulator holds it all
    // for the paired device.
    QElapsedTimer injecting;
    injecting.start();
    if (!flow.injectAll(kBacklog, kBacklogCustomers, u"4917700"_s)) {
        std::fprintf(stderr,
                     "bench/flow: the simulator took only part of the backlog (%d in all)\n",
                     flow.injected());
        return 1;
    }
    const double injectSeconds = double(injecting.elapsed()) / 1000.0;
    // Morning: the same data dir and key; the page gets the backlog as the offline burst.
    const qint64 t0 = QDateTime::currentMSecsSinceEpoch();
    Start start;
    if (!startSealed(flow, start, std::chrono::seconds(120)))
        return 1;
    QJsonArray sent;
    if (!flow.waitForReplies(base + kBacklog, sent, std::chrono::seconds(60))) {
        std::fprintf(stderr,
                     "bench/flow: the backlog stalled: %lld of %d answered after %.0f s, none for "
                     "60 s\n",
                     qlonglong(sent.size() - base), kBacklog,
                     double(QDateTime::currentMSecsSinceEpoch() - t0) / 1000.0);
        agent.printLogTail(40);
        return 1;
    }
    const CpuSample after = sampleCpu(agent.processId(), flow.stub().processId());
    qint64 firstMs = std::numeric_limits<qint64>::max();
    for (qsizetype i = base; i < sent.size(); ++i)
        firstMs = std::min(firstMs, sent.at(i)[u"receivedMs"_s].toInteger());
    const double seconds = double(Flow::lastReplyMs(sent, base) - t0) / 1000.0;
    const double answering = double(Flow::lastReplyMs(sent, base) - firstMs) / 1000.0;
    if (!measured(after) || seconds <= 0 || answering <= 0)
        return fail("the backlog's time or CPU could not be measured");
    std::printf("backlog: %d messages from %d customers written while the agent was stopped "
                "(in %.1f s), handed over as WhatsApp's offline burst when it started again on "
                "its sealed session\n",
                kBacklog, kBacklogCustomers, injectSeconds);
    std::printf("  all %d answered %.1f s after starting sak-agent: connected at +%.1f s, first "
                "answer at +%.1f s, last at +%.1f s\n",
                kBacklog, seconds, double(start.connectedMs) / 1000.0,
                double(firstMs - t0) / 1000.0, seconds);
    std::printf("  rate:                  %.0f messages/s from the start, %.0f messages/s from "
                "the first answer to the last",
                kBacklog / seconds, kBacklog / answering);
    if (live.burstRate > 0)
        std::printf("; the live burst: %.0f messages/s (backlog/live %.2f)\n", live.burstRate,
                    (kBacklog / answering) / live.burstRate);
    else
        std::printf(" (the live burst did not run: --only)\n");
    std::printf(
        "  CPU per message:       agent's tree %.2f ms, agent's process %.2f ms, Chromium's "
        "processes %s ms (from the processes' start: the start itself included, see "
        "start)\n",
        double(after.treeMs) / kBacklog, double(after.agentMs) / kBacklog,
        qPrintable(chromiumSplit(CpuSample{}, after, kBacklog)));
    std::printf("  the agent's process per message, by thread (ms, from its start):\n");
    CpuSample fromStart; // a new process: every thread started at 0
    fromStart.agentMs = 0;
    printSplit(fromStart, after, kBacklog, "ms");
    std::printf("  (the messages are younger than [cloud] late-after, 10 min, so the cloud answers "
                "each; a real night's backlog is late and relayed without an automatic answer)\n");
    std::fflush(stdout);
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    // A benchmark runs like the tests: no screen needed, Chromium's sandbox off only for root.
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
#ifdef Q_OS_UNIX
    if (geteuid() == 0)
        qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
#endif
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QGuiApplication app(argc, argv);

    QSet<QString> phases(kPhases.cbegin(), kPhases.cend());
    const QStringList arguments = app.arguments().mid(1);
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        if (arguments.at(i) == u"--only"_s && i + 1 < arguments.size()) {
            phases.clear();
            for (const QString &phase : arguments.at(++i).split(u',', Qt::SkipEmptyParts)) {
                if (!kPhases.contains(phase)) {
                    std::fprintf(stderr,
                                 "bench/flow: no phase \"%s\"; --only takes some of %s, "
                                 "separated by commas\n",
                                 qPrintable(phase), qPrintable(kPhases.join(u", "_s)));
                    return 2;
                }
                phases.insert(phase);
            }
        } else {
            std::fprintf(stderr,
                         "usage: sak-bench-flow [--only PHASE,...]   phases, in the "
                         "order they run: %s (all by default)\n",
                         qPrintable(kPhases.join(u", "_s)));
            return 2;
        }
    }

    if (!qEnvironmentVariableIsSet("SAK_BIN_DIR")) // sak-agent and the stub sit next to it
        qputenv("SAK_BIN_DIR", QCoreApplication::applicationDirPath().toLocal8Bit());
    QTemporaryDir dir;
    StubProcess stub;
    const bool needsAgent = phases != QSet<QString>{u"channel"_s};
    if (needsAgent && (!dir.isValid() || !stub.start()))
        return fail("the stub did not start");
    const QString keyFile = dir.filePath(u"key"_s);
    if (!sak::writeKeyFile(keyFile, sak::newDataKey()))
        return fail("the key file could not be written");
    // The latency lines are debug messages: the agent writes none below its --log-level
    // (info by default) whatever the category rules say, so it is asked for debug, and the
    // rules keep every other category at info.
    AgentProcess agent(stub, dir.filePath(u"data"_s), dir.filePath(u"run"_s),
                       {u"--key-file"_s, keyFile, u"--log-level"_s, u"debug"_s},
                       "[pacing]\nenabled=false\n");
    agent.setLogRules(u"*.debug=false;sak.*.info=true;sak.relay.info=false;sak.cloud.info=false;"
                      u"sak.latency.debug=true"_s);
    Flow flow(stub, agent);
    if (needsAgent) {
        if (!agent.startAndScan())
            return fail("the agent did not connect");
        flow.connectedNow();
    }

    Live live;
    const std::pair<QString, std::function<int()>> steps[] = {{u"burst"_s,
                                                               [&] {
                                                                   return burstPhase(flow, live);
                                                               }},
                                                              {u"latency"_s,
                                                               [&] {
                                                                   return latencyPhase(flow);
                                                               }},
                                                              {u"idle"_s,
                                                               [&] {
                                                                   return idlePhase(flow);
                                                               }},
                                                              {u"start"_s,
                                                               [&] {
                                                                   return startPhase(flow);
                                                               }},
                                                              {u"backlog"_s, [&] {
                                                                   return backlogPhase(flow, live);
                                                               }}};
    for (const auto &[phase, step] : steps) {
        if (phases.contains(phase))
            if (const int failed = step(); failed != 0)
                return failed;
    }
    if (needsAgent && agent.terminate() != 0)
        return fail("the agent did not stop cleanly at the end");

    if (phases.contains(u"channel"_s)) {
        const double channelRate = webChannelRate();
        if (channelRate <= 0)
            return fail("QWebChannel ceiling not measured (the page did not make its calls in "
                        "60 s)");
        std::printf("channel: QWebChannel ceiling %.0f calls/s from a page to C++\n", channelRate);
    }
    return 0;
}

#include "main.moc"
