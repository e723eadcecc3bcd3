// bench/flow: the whole path, with pacing off. Customers' messages go into the simulated
// WhatsApp; the agent (a real sak-agent process with its QtWebEngine page) captures them,
// journals them, relays them to the stub over HTTPS, queues the replies and sends them back
// through the page. Prints messages per second end to end, the time the agent itself added
// per message (p50, p99; the cloud's time excluded), the agent's peak memory, and, as the
// ceiling to compare with, the raw rate of QWebChannel calls from a page.
#include "processharness.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QWebChannel>
#include <QWebEnginePage>
#include <QWebEngineScript>

#include <algorithm>
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

class Counter : public QObject
{
    Q_OBJECT
public:
    int calls = 0;
    Q_INVOKABLE void post(const QString &) { ++calls; }
};

// Calls per second a page can make to a C++ object over QWebChannel: the bridge's ceiling.
double webChannelRate()
{
    QWebEnginePage page;
    QWebChannel channel;
    Counter counter;
    channel.registerObject(u"counter"_s, &counter);
    page.setWebChannel(&channel);
    QFile api(u":/qtwebchannel/qwebchannel.js"_s);
    if (!api.open(QIODevice::ReadOnly))
        return 0;
    constexpr int kCalls = 20000;
    // Concatenated, not arg()-ed: the library's own text may hold "%1".
    const QString html = u"<script>"_s + QString::fromUtf8(api.readAll()) +
                         u"</script><script>new QWebChannel(qt.webChannelTransport, (c) => { "_s +
                         u"for (let i = 0; i < "_s + QString::number(kCalls) +
                         u"; ++i) c.objects.counter.post('x'); });</script>"_s;
    QElapsedTimer clock;
    clock.start();
    page.setHtml(html, QUrl(u"https://bench.local/"_s));
    if (!QTest::qWaitFor([&] { return counter.calls >= kCalls; }, 60000))
        return 0;
    return kCalls * 1000.0 / double(clock.elapsed());
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
    AgentProcess agent(stub, dir.filePath(u"data"_s), dir.filePath(u"run"_s),
                       {u"--key-file"_s, key.fileName()}, "[pacing]\nenabled=false\n");
    agent.setLogRules(
        u"sak.*.info=true;sak.relay.info=false;sak.cloud.info=false;sak.latency.debug=true"_s);
    if (!agent.startAndScan()) {
        std::fprintf(stderr, "bench/flow: the agent did not connect\n");
        return 1;
    }

    // All at once (the network takes six at a time): the driver must not be what is measured.
    QElapsedTimer injecting;
    injecting.start();
    const qint64 startMs = QDateTime::currentMSecsSinceEpoch();
    QNetworkAccessManager network;
    int answered = 0;
    for (int i = 0; i < kMessages; ++i) {
        QNetworkRequest request(
            QUrl(u"http://127.0.0.1:%1/control/inject"_s.arg(stub.controlPort())));
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        const QString chat = u"4917600%1@c.us"_s.arg(i % kChats, 5, 10, QChar(u'0'));
        QNetworkReply *reply = network.post(
            request, QJsonDocument(QJsonObject{{u"chatId"_s, chat},
                                               {u"body"_s, u"how much is a latte? %1"_s.arg(i)}})
                         .toJson());
        QObject::connect(reply, &QNetworkReply::finished, reply, [&answered, reply] {
            ++answered;
            reply->deleteLater();
        });
    }
    if (!QTest::qWaitFor([&] { return answered >= kMessages; }, 120000)) {
        std::fprintf(stderr, "bench/flow: the simulator took only %d of %d messages\n", answered,
                     kMessages);
        return 1;
    }
    const double injectSeconds = double(injecting.elapsed()) / 1000.0;
    QJsonArray sent;
    const bool done = QTest::qWaitFor(
        [&] {
            sent = stub.control(u"/control/sent"_s)[u"messages"_s].toArray();
            return sent.size() >= kMessages;
        },
        600000);
    if (!done) {
        std::fprintf(stderr, "bench/flow: only %lld of %d replies arrived\n",
                     qlonglong(sent.size()), kMessages);
        agent.printLogTail(40);
        return 1;
    }
    qint64 lastMs = 0;
    for (const auto m : sent)
        lastMs = std::max(lastMs, m[u"receivedMs"_s].toInteger());
    const double seconds = double(lastMs - startMs) / 1000.0;
    const qint64 peak = peakMemoryKiB(agent.processId());

    QList<double> agentMs;
    static const QRegularExpression latency(u"\\[latency\\] agent=(\\d+)ms"_s);
    auto it = latency.globalMatch(QString::fromUtf8(agent.log()));
    while (it.hasNext())
        agentMs.append(it.next().captured(1).toDouble());
    agent.terminate();

    const double channelRate = webChannelRate();
    std::printf("bench/flow: %d customer messages over %d chats, each answered (pacing off)\n",
                kMessages, kChats);
    std::printf("  injected in %.1f s; all %d replies in the chats after %.1f s\n", injectSeconds,
                kMessages, seconds);
    std::printf("  end to end:            %.0f messages/s (in and out: %.0f/s)\n",
                kMessages / seconds, 2 * kMessages / seconds);
    std::printf("  agent-added latency:   p50 %.0f ms, p99 %.0f ms (%lld samples; the cloud's time "
                "excluded, queueing included)\n",
                percentile(agentMs, 0.50), percentile(agentMs, 0.99), qlonglong(agentMs.size()));
    std::printf("  agent peak memory:     %.1f MiB (main process; the page's renderer is apart)\n",
                double(peak) / 1024.0);
    if (channelRate > 0)
        std::printf("  QWebChannel ceiling:   %.0f calls/s from a page to C++\n", channelRate);
    else
        std::printf("  QWebChannel ceiling:   not measured (the test page never called back)\n");
    return 0;
}

#include "main.moc"
