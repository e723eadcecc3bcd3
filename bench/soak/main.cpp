// bench/soak: hours of steady traffic through the real page, and what they do to memory.
// Customers write to the simulated WhatsApp at a steady rate (the stub's simulator takes them
// in; the agent, a real sak-agent --headless with its QtWebEngine page, captures, relays and
// answers each), and every minute the bench prints the memory (PSS) of the agent's process,
// of the page's renderer, of all of Chromium's processes under the agent, and of the stub.
// At the end: the growth per hour of each, by least squares over the minutes after the first.
// It exits with 1 and says why when it measured nothing (or nothing was answered).
//   sak-bench-soak [--minutes 60] [--rate 60 (messages a minute)] [--chats 50]
#include "agent/keys/keyfiles.h"
#include "bench/support/processtree.h"
#include "tests/support/processharness.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QGuiApplication>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSet>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;
using sak::test::AgentProcess;
using sak::test::StubProcess;

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

struct Sample
{
    double minute = 0;
    qint64 agent = -1;    // the agent's own process
    qint64 renderer = -1; // the page's renderer
    qint64 chromium = -1; // every process under the agent (zygotes, renderer, GPU, utilities)
    qint64 stub = -1;
};

// Chromium's processes descend from the agent; the renderer is forked by its zygote, so it
// shows the zygote's command line: it is the (largest) process whose parent is a zygote.
Sample measure(qint64 agentPid, qint64 stubPid)
{
    Sample s;
    s.agent = sak::bench::pssBytes(agentPid);
    s.stub = sak::bench::pssBytes(stubPid);
    const QList<sak::bench::ProcessInfo> tree = sak::bench::processTree(agentPid);
    QSet<qint64> zygotes;
    for (const auto &p : tree) {
        if (p.cmdline.contains("--type=zygote"))
            zygotes.insert(p.pid);
    }
    qint64 chromium = 0;
    int found = 0;
    for (const auto &p : tree) {
        const qint64 bytes = p.pid == agentPid ? -1 : sak::bench::pssBytes(p.pid);
        if (bytes < 0)
            continue; // the agent itself, or a process that ended meanwhile
        chromium += bytes;
        ++found;
        if (zygotes.contains(p.parent) || p.cmdline.contains("--type=renderer"))
            s.renderer = std::max(s.renderer, bytes);
    }
    if (found > 0)
        s.chromium = chromium;
    return s;
}

// Least squares slope of y over x, per hour (x in minutes); nullopt below two points.
std::optional<double> slopePerHour(const QList<std::pair<double, double>> &points)
{
    if (points.size() < 2)
        return std::nullopt;
    double mx = 0, my = 0;
    for (const auto &[x, y] : points) {
        mx += x;
        my += y;
    }
    mx /= double(points.size());
    my /= double(points.size());
    double sxy = 0, sxx = 0;
    for (const auto &[x, y] : points) {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
    }
    return sxx > 0 ? std::optional<double>(sxy / sxx * 60.0) : std::nullopt;
}

QString mib(qint64 bytes)
{
    return bytes < 0 ? u"-"_s : QString::number(double(bytes) / kMiB, 'f', 1);
}

} // namespace

int main(int argc, char **argv)
{
    // Like the tests and bench/flow: no screen, Chromium's sandbox off only for root.
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    if (geteuid() == 0)
        qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QGuiApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Steady traffic through the real WhatsApp page; the memory of the agent, its page and "
        "the stub every minute, and their growth per hour."_s);
    parser.addHelpOption();
    const QCommandLineOption minutesOption(u"minutes"_s, u"How long to run (default 60)."_s, u"N"_s,
                                           u"60"_s);
    const QCommandLineOption rateOption(
        u"rate"_s, u"Customer messages a minute, evenly spaced (default 60)."_s, u"N"_s, u"60"_s);
    const QCommandLineOption chatsOption(u"chats"_s, u"Customers they come from (default 50)."_s,
                                         u"N"_s, u"50"_s);
    parser.addOptions({minutesOption, rateOption, chatsOption});
    parser.process(app);
    bool ok1 = false, ok2 = false, ok3 = false;
    const int minutes = parser.value(minutesOption).toInt(&ok1);
    const int rate = parser.value(rateOption).toInt(&ok2);
    const int chats = parser.value(chatsOption).toInt(&ok3);
    if (!ok1 || !ok2 || !ok3 || minutes < 1 || minutes > 24 * 60 || rate < 1 || rate > 6000 ||
        chats < 1 || chats > 10000) {
        std::fprintf(stderr, "bench/soak: --minutes must be 1 to 1440, --rate 1 to 6000 and "
                             "--chats 1 to 10000\n");
        return 2;
    }
    if (!qEnvironmentVariableIsSet("SAK_BIN_DIR")) // sak-agent and the stub sit next to it
        qputenv("SAK_BIN_DIR", QCoreApplication::applicationDirPath().toLocal8Bit());

    QTemporaryDir dir;
    StubProcess stub;
    if (!dir.isValid() || !stub.start()) {
        std::fprintf(stderr, "bench/soak: the stub did not start\n");
        return 1;
    }
    const QString keyFile = dir.filePath(u"key"_s);
    if (!sak::writeKeyFile(keyFile, sak::newDataKey())) {
        std::fprintf(stderr, "bench/soak: the key file could not be written\n");
        return 1;
    }
    // Pacing off: the replies go as they come, so that the traffic is what --rate says.
    AgentProcess agent(stub, dir.filePath(u"data"_s), dir.filePath(u"run"_s),
                       {u"--key-file"_s, keyFile, u"--status-port"_s, u"0"_s},
                       "[pacing]\nenabled=false\n");
    agent.setLogRules(u"sak.*.info=true;sak.relay.info=false;sak.cloud.info=false"_s);
    if (!agent.startAndScan()) {
        std::fprintf(stderr, "bench/soak: the agent did not connect\n");
        return 1;
    }

    QNetworkAccessManager network;
    int injected = 0;
    int refused = 0;
    QTimer customers;
    customers.setTimerType(Qt::PreciseTimer);
    QObject::connect(&customers, &QTimer::timeout, [&] {
        QNetworkRequest request(
            QUrl(u"http://127.0.0.1:%1/control/inject"_s.arg(stub.controlPort())));
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        const int i = injected + refused;
        const QString chat = u"4917611%1@c.us"_s.arg(i % chats, 5, 10, QChar(u'0'));
        QNetworkReply *reply = network.post(
            request, QJsonDocument(QJsonObject{{u"chatId"_s, chat},
                                               {u"body"_s, u"how much is a latte? %1"_s.arg(i)}})
                         .toJson());
        QObject::connect(reply, &QNetworkReply::finished, reply, [&injected, &refused, reply] {
            (reply->error() == QNetworkReply::NoError ? injected : refused) += 1;
            reply->deleteLater();
        });
    });
    const auto answered = [&] {
        return int(stub.control(u"/control/sent"_s)[u"messages"_s].toArray().size());
    };

    std::printf("bench/soak: %d min, %d customer messages a minute over %d chats, pacing off\n",
                minutes, rate, chats);
    std::printf("%6s %9s %9s %11s %13s %13s %9s   (MiB, PSS)\n", "minute", "in", "answered",
                "agent", "renderer", "chromium", "stub");
    std::fflush(stdout);
    QList<Sample> samples;
    const auto print = [&](const Sample &s, int answers) {
        std::printf("%6.0f %9d %9d %11s %13s %13s %9s\n", s.minute, injected, answers,
                    qPrintable(mib(s.agent)), qPrintable(mib(s.renderer)),
                    qPrintable(mib(s.chromium)), qPrintable(mib(s.stub)));
        std::fflush(stdout);
    };
    Sample start = measure(agent.processId(), stub.processId());
    print(start, 0);
    samples.append(start);

    QElapsedTimer clock;
    clock.start();
    customers.start(std::max(1, 60000 / rate));
    QTimer everyMinute;
    QEventLoop loop;
    QObject::connect(&everyMinute, &QTimer::timeout, [&] {
        Sample s = measure(agent.processId(), stub.processId());
        s.minute = double(clock.elapsed()) / 60000.0;
        samples.append(s);
        print(s, answered());
        if (!agent.isRunning()) {
            std::fprintf(stderr, "bench/soak: the agent stopped\n");
            loop.exit(1);
        } else if (clock.elapsed() >= qint64(minutes) * 60000 - 1000) {
            loop.exit(0);
        }
    });
    everyMinute.start(std::chrono::minutes(1));
    const int stopped = loop.exec();
    customers.stop();
    everyMinute.stop();
    // The last replies: until every message the simulator took is answered (or a minute).
    QElapsedTimer tail;
    tail.start();
    int answers = answered();
    while (answers < injected && tail.elapsed() < 60000) {
        QEventLoop wait;
        QTimer::singleShot(1000, &wait, &QEventLoop::quit);
        wait.exec();
        answers = answered();
    }
    const int reloads = int(agent.log().count("Reloading WhatsApp Web"));
    const int agentExit = agent.terminate();

    // Growth per hour over the samples taken under traffic (minute 1 on).
    QList<std::pair<double, double>> agentPoints, rendererPoints, chromiumPoints, stubPoints;
    int measured = 0;
    for (const Sample &s : std::as_const(samples)) {
        if (s.agent > 0 && s.renderer > 0)
            ++measured;
        if (s.minute < 0.5)
            continue; // the one before the traffic
        const auto add = [&s](QList<std::pair<double, double>> &points, qint64 bytes) {
            if (bytes > 0)
                points.append({s.minute, double(bytes) / kMiB});
        };
        add(agentPoints, s.agent);
        add(rendererPoints, s.renderer);
        add(chromiumPoints, s.chromium);
        add(stubPoints, s.stub);
    }
    std::printf("bench/soak: ran %.1f min; %d customer messages taken by the simulator (%d "
                "refused), %d answered; the page was reloaded for its memory %d time(s)\n",
                double(clock.elapsed()) / 60000.0, injected, refused, answers, reloads);
    const auto growth = [](const char *what, const QList<std::pair<double, double>> &points) {
        if (const auto slope = slopePerHour(points))
            std::printf("  growth per hour, %-9s %+8.1f MiB/h (from %.1f to %.1f MiB)\n", what,
                        *slope, points.first().second, points.last().second);
        else
            std::printf("  growth per hour, %-9s not estimated: fewer than two samples under "
                        "traffic (run 2 minutes or more)\n",
                        what);
    };
    growth("agent:", agentPoints);
    growth("renderer:", rendererPoints);
    growth("chromium:", chromiumPoints);
    growth("stub:", stubPoints);
    std::fflush(stdout);
    if (measured == 0) {
        std::fprintf(stderr, "bench/soak: FAILED: no sample found both the agent's and the "
                             "renderer's memory; nothing was measured (is /proc readable?)\n");
        return 1;
    }
    if (answers == 0) {
        std::fprintf(stderr, "bench/soak: FAILED: no customer message was answered\n");
        agent.printLogTail(40);
        return 1;
    }
    if (stopped != 0 || agentExit != 0) {
        std::fprintf(stderr, "bench/soak: FAILED: the agent did not run to the end cleanly\n");
        return 1;
    }
    return 0;
}
