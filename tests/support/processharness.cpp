#include "tests/support/processharness.h"

#include "tests/support/testenv.h"

#include <QFile>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTest>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#endif

using namespace Qt::Literals::StringLiterals;

namespace sak::test {
namespace {
QString binary(const QString &name)
{
    return qEnvironmentVariable("SAK_BIN_DIR") + u'/' + name;
}
} // namespace

StubProcess::StubProcess() = default;

StubProcess::~StubProcess()
{
    m_process.terminate();
    if (!m_process.waitForFinished(10000))
        m_process.kill();
}

bool StubProcess::start(const QString &stateFile)
{
    m_stateFile = stateFile;
    m_https = m_control = m_jobs = 0;
    return launch();
}

bool StubProcess::restart(int downtimeMs)
{
    m_process.terminate();
    const bool stopped =
        m_process.waitForFinished(10000) && m_process.exitStatus() == QProcess::NormalExit;
    m_log += m_process.readAll();
    if (!stopped)
        return false;
    QTest::qWait(downtimeMs);
    return launch();
}

bool StubProcess::launch()
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"QT_LOGGING_RULES"_s, u"sak.*.info=true"_s);
    m_process.setProcessEnvironment(env);
    QStringList arguments{
        u"--port"_s,      QString::number(m_https), u"--control-port"_s, QString::number(m_control),
        u"--jobs-port"_s, QString::number(m_jobs),  u"--cert"_s,         certPath(u"server.pem"_s),
        u"--key"_s,       certPath(u"server.key"_s)};
    if (!m_stateFile.isEmpty())
        arguments << u"--state-file"_s << m_stateFile;
    m_process.start(binary(u"sak-cloud-stub"_s), arguments);
    if (!m_process.waitForStarted())
        return false;
    static const QRegularExpression httpsPort(u"https://127\\.0\\.0\\.1:(\\d+)/v1/"_s);
    static const QRegularExpression jobsPort(u"wss://127\\.0\\.0\\.1:(\\d+)/v1/jobs"_s);
    static const QRegularExpression controlPort(u"http://127\\.0\\.0\\.1:(\\d+)/customer"_s);
    QByteArray banner;
    if (!QTest::qWaitFor(
            [&] {
                const QByteArray more = m_process.readAll();
                banner += more;
                m_log += more;
                return controlPort.match(QString::fromUtf8(banner)).hasMatch();
            },
            15000)) {
        qWarning("the stub did not start: %s", banner.constData());
        return false;
    }
    m_https = httpsPort.match(QString::fromUtf8(banner)).captured(1).toInt();
    m_jobs = jobsPort.match(QString::fromUtf8(banner)).captured(1).toInt();
    m_control = controlPort.match(QString::fromUtf8(banner)).captured(1).toInt();
    return m_https > 0 && m_control > 0 && m_jobs > 0;
}

QByteArray StubProcess::log()
{
    m_log += m_process.readAll();
    return m_log;
}

QJsonObject StubProcess::control(const QString &path, const QByteArray &body,
                                 const QByteArray &verb)
{
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_control).arg(path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    QNetworkReply *reply = !verb.isEmpty() ? m_network.sendCustomRequest(request, verb, body)
                           : body.isNull() ? m_network.get(request)
                                           : m_network.post(request, body);
    if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 10000))
        qWarning("control API did not answer %s", qPrintable(path));
    const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return answer;
}

QString StubProcess::inject(const QString &chatId, const QString &body)
{
    return control(u"/control/inject"_s,
                   QJsonDocument(QJsonObject{{u"chatId"_s, chatId}, {u"body"_s, body}}).toJson())
        .value(u"serialized"_s)
        .toString();
}

QJsonArray StubProcess::inboundAtCloud(const QString &tenant)
{
    return control(u"/admin/inbound?tenant=%1"_s.arg(tenant))[u"messages"_s].toArray();
}

QJsonArray StubProcess::sentMessages()
{
    return control(u"/control/sent"_s)[u"messages"_s].toArray();
}

AgentProcess::AgentProcess(StubProcess &stub, QString dataDir, QString runtimeDir,
                           QStringList extraArguments, QByteArray ini)
    : m_stub(stub)
    , m_dataDir(std::move(dataDir))
    , m_runtimeDir(std::move(runtimeDir))
    , m_extra(std::move(extraArguments))
    , m_ini(ini.isNull() ? testPacing() : std::move(ini))
{
    QFile file(m_dataDir + u".ini"_s);
    if (file.open(QIODevice::WriteOnly))
        file.write(m_ini);
}

QByteArray AgentProcess::testPacing()
{
    // Every rule on, with numbers that let a test send hundreds of messages in seconds.
    return "[pacing]\nquiet-hours=off\nwarmup-days=0\nhourly-cap=10000\ndaily-cap=100000\n"
           "per-minute=3000\nchat-per-minute=300\ngap-min-ms=10\ngap-max-ms=60\n"
           "reply-gap-min-ms=5\nreply-gap-max-ms=30\ntyping-min-ms=10\ntyping-max-ms=60\n"
           "typing-per-char-ms=1\n";
}

AgentProcess::~AgentProcess()
{
    if (m_process.state() != QProcess::NotRunning)
        terminate();
    if (m_process.state() != QProcess::NotRunning)
        kill9();
#ifdef Q_OS_UNIX
    if (m_terminalMaster >= 0)
        ::close(m_terminalMaster);
#endif
}

QProcessEnvironment AgentProcess::environment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"QT_LOGGING_RULES"_s, m_logRules);
    env.insert(u"XDG_RUNTIME_DIR"_s, m_runtimeDir);
#ifdef Q_OS_UNIX
    if (geteuid() == 0)
        env.insert(u"QTWEBENGINE_DISABLE_SANDBOX"_s, u"1"_s); // root test runs only
#endif
    for (auto it = m_extraEnv.cbegin(); it != m_extraEnv.cend(); ++it)
        env.insert(it.key(), it.value());
    return env;
}

QStringList AgentProcess::arguments() const
{
    const QString https = u"https://127.0.0.1:%1"_s.arg(m_stub.httpsPort());
    return QStringList{u"--cloud-url"_s,
                       https,
                       u"--ca-file"_s,
                       certPath(u"ca.pem"_s),
                       u"--whatsapp-url"_s,
                       https + u"/wa/"_s,
                       u"--whatsapp-spki-pins"_s,
                       serverPin(),
                       u"--data-dir"_s,
                       m_dataDir,
                       u"--config"_s,
                       m_dataDir + u".ini"_s} +
           m_extra;
}

bool AgentProcess::pair()
{
    if (m_paired || QFile::exists(m_dataDir + u".paired-by-test"_s))
        return true;
    const QString code = m_stub.control(u"/admin/pairing-codes"_s, R"({"tenantId":"e2e-shop"})")
                             .value(u"code"_s)
                             .toString();
    // As the README says: the code on standard input, never on the command line.
    const auto pairing = startCommand({u"--pair"_s});
    pairing->write(code.toUtf8() + '\n');
    pairing->closeWriteChannel();
    if (!pairing->waitForFinished(60000) || pairing->exitCode() != 0) {
        qWarning("pairing failed: %s", pairing->readAll().constData());
        return false;
    }
    m_log += pairing->readAll();
    QFile marker(m_dataDir + u".paired-by-test"_s);
    m_paired = marker.open(QIODevice::WriteOnly);
    return m_paired;
}

std::unique_ptr<QProcess> AgentProcess::startCommand(const QStringList &command) const
{
    auto process = std::make_unique<QProcess>();
    process->setProcessEnvironment(environment());
    process->setProcessChannelMode(QProcess::MergedChannels);
    process->start(binary(u"sak-agent"_s), command + arguments());
    process->waitForStarted();
    return process;
}

int AgentProcess::runCommand(const QStringList &command, QByteArray *output)
{
    const auto process = startCommand(command);
    if (!QTest::qWaitFor([&] { return process->state() == QProcess::NotRunning; }, 60000)) {
        process->kill();
        process->waitForFinished();
        return -1;
    }
    if (output)
        *output = process->readAll();
    return process->exitStatus() == QProcess::NormalExit ? process->exitCode() : -1;
}

bool AgentProcess::start()
{
    if (!pair())
        return false;
    m_process.setProcessEnvironment(environment());
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_log.clear();
    if (!m_reading) { // once: the process object is started again after a kill
        QObject::connect(&m_process, &QProcess::readyRead, &m_process,
                         [this] { m_log += m_process.readAll(); });
        m_reading = true;
    }
#ifdef Q_OS_UNIX
    if (m_terminalMaster >= 0)
        ::close(m_terminalMaster);
    m_terminalMaster = -1;
    m_terminal.clear();
    std::function<void()> modifier;
    if (m_onTerminal) {
        m_terminalMaster = ::posix_openpt(O_RDWR | O_NOCTTY);
        if (m_terminalMaster < 0 || ::grantpt(m_terminalMaster) != 0 ||
            ::unlockpt(m_terminalMaster) != 0) {
            qWarning("no pseudo-terminal for the agent");
            return false;
        }
        ::fcntl(m_terminalMaster, F_SETFL, ::fcntl(m_terminalMaster, F_GETFL) | O_NONBLOCK);
        const QByteArray terminal = ::ptsname(m_terminalMaster);
        // In the child between fork and exec: only calls that are safe there.
        modifier = [terminal] {
            const int fd = ::open(terminal.constData(), O_RDWR | O_NOCTTY);
            if (fd >= 0) {
                ::dup2(fd, STDOUT_FILENO);
                ::close(fd);
            }
        };
    }
    m_process.setChildProcessModifier(modifier);
#endif
    m_process.start(binary(u"sak-agent"_s), QStringList{u"--headless"_s} + arguments());
    return m_process.waitForStarted();
}

QByteArray AgentProcess::terminalOutput()
{
#ifdef Q_OS_UNIX
    char chunk[4096];
    ssize_t got = 0;
    while (m_terminalMaster >= 0 && (got = ::read(m_terminalMaster, chunk, sizeof chunk)) > 0)
        m_terminal.append(chunk, got);
#endif
    return m_terminal;
}

bool AgentProcess::waitForTerminal(const QByteArray &text, int timeoutMs)
{
    return QTest::qWaitFor([&] { return terminalOutput().contains(text); }, timeoutMs);
}

bool AgentProcess::startAndScan()
{
    const bool connected =
        start() && waitForLog("-> needs-pairing", 60000) &&
        QTest::qWaitFor(
            [&] { return m_stub.control(u"/control/scan"_s, "{}").contains(u"pageId"_s); },
            15000) &&
        waitForLog("-> connected", 30000);
    if (!connected)
        printLogTail(60);
    return connected;
}

bool AgentProcess::waitForLog(const QByteArray &text, int timeoutMs)
{
    return QTest::qWaitFor(
               [&] { return m_log.contains(text) || m_process.state() == QProcess::NotRunning; },
               timeoutMs) &&
           m_log.contains(text);
}

int AgentProcess::terminate()
{
    if (m_process.state() == QProcess::NotRunning &&
        m_process.exitStatus() == QProcess::NormalExit && !m_log.isEmpty())
        return m_process.exitCode(); // stopped already
    m_process.terminate();
    const bool exited = m_process.waitForFinished(30000);
    m_log += m_process.readAll();
    const int code =
        exited && m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    if (code != 0)
        printLogTail(60); // the end of the agent's log says why
    return code;
}

void AgentProcess::printLogTail(int lines) const
{
    const QList<QByteArray> all = m_log.split('\n');
    for (qsizetype i = std::max<qsizetype>(0, all.size() - lines); i < all.size(); ++i)
        qWarning("agent: %s", all.at(i).constData());
}

void AgentProcess::kill9()
{
    m_process.kill();
    m_process.waitForFinished(10000);
    m_log += m_process.readAll();
}

} // namespace sak::test
