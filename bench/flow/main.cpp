// bench/flow: the whole path, with pacing off. Customers' messages go into the simulated
// WhatsApp; the agent (a real sak-agent process with its QtWebEngine page) captures them,
// journals them, relays them to the stub over HTTPS, queues the replies and sends them back
// through the page. Prints messages per second end to end, the time the agent itself added
// per message (p50, p99; the cloud's time excluded), the agent's peak memory, and, as the
// ceiling to compare with, the raw rate of QWebChannel calls from a page.
#include "tests/support/processharness.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QWebChannel>
#include <QWebEnginePage>
#include <QWebEngineScript>

#include <algorithm>
#include <chrono>
#include <functional>
#ifdef Q_OS_UNIX
#include <unistd.h>
#endif
#include <cstdio>

using namespace Qt::Literals::StringLiterals;
using sak::test::AgentProcess;
using sak::test::StubProcess;

namespace {

constexpr int kMessages = 2000;
constexpr int kChats = 50;
constexpr int kSteadyMessages = 300;
constexpr int kSteadyRate = 20; // messages per second in the latency phase

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

qint64 peakMemoryKiB(qint64 pid)
{
    QFile status(u"/proc/%1/status"_s.arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

// CPU time (user + system, ms) of the agent's process and of Chromium's processes under it.
struct CpuTimes
{
    qint64 agentMs = 0;
    qint64 rendererMs = 0;
    qint64 stubMs = 0; // the cloud stub and the simulated WhatsApp servers
};

qint64 cpuMs(const QByteArray &stat)
{
    // After the command's closing parenthesis: state is field 3, utime 14, stime 15.
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return 0;
    static const long ticks = sysconf(_SC_CLK_TCK);
    return (fields.at(11).toLongLong() + fields.at(12).toLongLong()) * 1000 / ticks;
}

CpuTimes cpuTimes(qint64 agentPid, qint64 stubPid)
{
    CpuTimes times;
    const auto read = [](const QString &path) {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    };
    times.agentMs = cpuMs(read(u"/proc/%1/stat"_s.arg(agentPid)));
    times.stubMs = cpuMs(read(u"/proc/%1/stat"_s.arg(stubPid)));
    const QStringList pids = QDir(u"/proc"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &pid : pids) {
        const QByteArray stat = read(u"/proc/%1/stat"_s.arg(pid));
        const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
        if (fields.size() < 2)
            continue;
        // Chromium's processes descend from the agent through its zygote: walk up the parents.
        qint64 parent = fields.at(1).toLongLong();
        for (int depth = 0; depth < 4 && parent > 1 && parent != agentPid; ++depth) {
            const QByteArray up = read(u"/proc/%1/stat"_s.arg(parent));
            parent = up.mid(up.lastIndexOf(')') + 2).split(' ').value(1).toLongLong();
        }
        // (A renderer forked by the zygote shows the zygote's command line: all of Chromium's
        // processes are counted, and the renderer is nearly all of it.)
        if (parent == agentPid)
            times.rendererMs += cpuMs(stat);
    }
    return times;
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

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    return values.at(std::min<qsizetype>(values.size() - 1, qsizetype(p * double(values.size()))));
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
    if (!qEnvironmentVariableIsSet("SAK_BIN_DIR")) // sak-agent and the stub sit next to it
        qputenv("SAK_BIN_DIR", QCoreApplication::applicationDirPath().toLocal8Bit());
    QTemporaryDir dir;
    StubProcess stub;
    if (!dir.isValid() || !stub.start()) {
        std::fprintf(stderr, "bench/flow: the stub did not start\n");
        return 1;
    }
    QFile key(dir.filePath(u"key"_s));
    if (!key.open(QIODevice::WriteOnly) || key.write(QByteArray(32, 'b')) != 32)
        return 1;
    key.close();
    key.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    // The latency lines are debug messages: the agent writes none below its --log-level
    // (info by default) whatever the category rules say, so it is asked for debug, and the
    // rules keep every other category at info.
    AgentProcess agent(stub, dir.filePath(u"data"_s), dir.filePath(u"run"_s),
                       {u"--key-file"_s, key.fileName(), u"--log-level"_s, u"debug"_s},
                       "[pacing]\nenabled=false\n");
    agent.setLogRules(u"*.debug=false;sak.*.info=true;sak.relay.info=false;sak.cloud.info=false;"
                      u"sak.latency.debug=true"_s);
    if (!agent.startAndScan()) {
        std::fprintf(stderr, "bench/flow: the agent did not connect\n");
        return 1;
    }

    QNetworkAccessManager network;
    int injected = 0; // messages the simulator took
    const auto inject = [&](int i) {
        QNetworkRequest request(
            QUrl(u"http://127.0.0.1:%1/control/inject"_s.arg(stub.controlPort())));
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        const QString chat = u"4917600%1@c.us"_s.arg(i % kChats, 5, 10, QChar(u'0'));
        QNetworkReply *reply = network.post(
            request, QJsonDocument(QJsonObject{{u"chatId"_s, chat},
                                               {u"body"_s, u"how much is a latte? %1"_s.arg(i)}})
                         .toJson());
        QObject::connect(reply, &QNetworkReply::finished, reply, [&injected, reply] {
            injected += reply->error() == QNetworkReply::NoError ? 1 : 0;
            reply->deleteLater();
        });
    };
    const auto repliesArrived = [&](int count, QJsonArray &sent) {
        return QTest::qWaitFor(
            [&] {
                sent = stub.control(u"/control/sent"_s)[u"messages"_s].toArray();
                return sent.size() >= count;
            },
            600000);
    };
    const auto agentLatencies = [&](qsizetype fromLogByte) {
        QList<double> ms;
        static const QRegularExpression latency(u"\\[latency\\] agent=(\\d+)ms"_s);
        auto it = latency.globalMatch(QString::fromUtf8(agent.log().mid(fromLogByte)));
        while (it.hasNext())
            ms.append(it.next().captured(1).toDouble());
        return ms;
    };

    // Phase 1, throughput: all at once (the network takes six at a time), so the agent always
    // has work; the driver must not be what is measured.
    QElapsedTimer injecting;
    injecting.start();
    const qint64 startMs = QDateTime::currentMSecsSinceEpoch();
    const CpuTimes cpuBefore = cpuTimes(agent.processId(), stub.processId());
    for (int i = 0; i < kMessages; ++i)
        inject(i);
    if (!waitInEventLoop([&] { return injected >= kMessages; }, std::chrono::minutes(2))) {
        std::fprintf(stderr, "bench/flow: the simulator took only %d of %d messages\n", injected,
                     kMessages);
        return 1;
    }
    const double injectSeconds = double(injecting.elapsed()) / 1000.0;
    QJsonArray sent;
    if (!repliesArrived(kMessages, sent)) {
        std::fprintf(stderr, "bench/flow: only %lld of %d replies arrived\n",
                     qlonglong(sent.size()), kMessages);
        agent.printLogTail(40);
        return 1;
    }
    const CpuTimes cpuAfter = cpuTimes(agent.processId(), stub.processId());
    qint64 lastMs = 0;
    for (const auto m : sent)
        lastMs = std::max(lastMs, m[u"receivedMs"_s].toInteger());
    const double seconds = double(lastMs - startMs) / 1000.0;
    const QList<double> burstMs = agentLatencies(0);

    // Phase 2, latency: a steady load well below the throughput, so that what is measured is
    // the agent's own work per message and not the wait behind a backlog.
    const qsizetype logMark = agent.log().size();
    int next = 0;
    QTimer pace;
    pace.setTimerType(Qt::PreciseTimer);
    QObject::connect(&pace, &QTimer::timeout, [&] {
        if (next < kSteadyMessages)
            inject(kMessages + next++);
    });
    pace.start(1000 / kSteadyRate);
    if (!waitInEventLoop([&] { return injected >= kMessages + kSteadyMessages; },
                         std::chrono::minutes(2)) ||
        !repliesArrived(kMessages + kSteadyMessages, sent)) {
        std::fprintf(stderr, "bench/flow: the steady phase did not finish\n");
        agent.printLogTail(40);
        return 1;
    }
    pace.stop();
    const QList<double> steadyMs = agentLatencies(logMark);
    const qint64 peak = peakMemoryKiB(agent.processId());
    agent.terminate();
    // A latency with nothing behind it is not a figure.
    if (burstMs.isEmpty() || steadyMs.isEmpty()) {
        std::fprintf(stderr,
                     "bench/flow: the agent logged no reply latency (%lld in the burst, %lld at "
                     "the steady rate): nothing was measured\n",
                     qlonglong(burstMs.size()), qlonglong(steadyMs.size()));
        return 1;
    }

    const double channelRate = webChannelRate();
    const double agentCpuMs = double(cpuAfter.agentMs - cpuBefore.agentMs) / kMessages;
    const double rendererCpuMs = double(cpuAfter.rendererMs - cpuBefore.rendererMs) / kMessages;
    const double stubCpuMs = double(cpuAfter.stubMs - cpuBefore.stubMs) / kMessages;
    std::printf("bench/flow: %d customer messages over %d chats, each answered (pacing off)\n",
                kMessages, kChats);
    std::printf("  injected in %.1f s; all %d replies in the chats after %.1f s\n", injectSeconds,
                kMessages, seconds);
    std::printf("  end to end:            %.0f messages/s (in and out: %.0f/s)\n",
                kMessages / seconds, 2 * kMessages / seconds);
    std::printf("  agent-added latency:   p50 %.0f ms, p99 %.0f ms under that burst (queueing "
                "behind the backlog included)\n",
                percentile(burstMs, 0.50), percentile(burstMs, 0.99));
    std::printf("                         p50 %.0f ms, p99 %.0f ms at a steady %d messages/s "
                "(%lld samples); the cloud's time excluded\n",
                percentile(steadyMs, 0.50), percentile(steadyMs, 0.99), kSteadyRate,
                qlonglong(steadyMs.size()));
    std::printf("  CPU per message:       agent %.2f ms (main process: bridge, store, HTTPS, "
                "Chromium's browser side), page %.2f ms (renderer: WhatsApp simulator and page "
                "agent; Chromium's other processes included)\n",
                agentCpuMs, rendererCpuMs);
    std::printf("                         stub %.2f ms (cloud API and simulated WhatsApp servers); "
                "the agent's share alone would carry %.0f messages/s on one core\n",
                stubCpuMs, agentCpuMs > 0 ? 1000.0 / agentCpuMs : 0.0);
    std::printf("  agent peak memory:     %.1f MiB (main process; the page's renderer is apart)\n",
                double(peak) / 1024.0);
    if (channelRate > 0)
        std::printf("  QWebChannel ceiling:   %.0f calls/s from a page to C++\n", channelRate);
    else
        std::printf(
            "  QWebChannel ceiling:   not measured (the page did not make its calls in 60 s)\n");
    return 0;
}

#include "main.moc"
