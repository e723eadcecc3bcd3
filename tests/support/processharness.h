#pragma once

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <memory>

// The product's executables as a user runs them, for the end-to-end tests: sak-cloud-stub on
// free ports, and sak-agent --headless against it with a data and a runtime directory of the
// test's own.
namespace sak::test {

class StubProcess
{
public:
    StubProcess();
    ~StubProcess();

    // Starts on free ports; with a state file, what the stub knows survives restart().
    bool start(const QString &stateFile = {});
    // Stops the stub (SIGTERM, it writes its state) and, after `downtimeMs`, starts it again on
    // the same ports.
    bool restart(int downtimeMs = 0);
    int httpsPort() const { return m_https; }
    int controlPort() const { return m_control; }
    qint64 processId() const { return m_process.processId(); }
    // Everything the stub printed, across restarts.
    QByteArray log();
    // A call to the control or admin API; a null body is a GET, unless `verb` names another
    // method (e.g. "DELETE").
    QJsonObject control(const QString &path, const QByteArray &body = {},
                        const QByteArray &verb = {});
    // A customer writes to the shop (the simulator); the message's serialized id.
    QString inject(const QString &chatId, const QString &body);
    // The messages the cloud got from a tenant's agents, and what the shop's WhatsApp sent.
    QJsonArray inboundAtCloud(const QString &tenant = QStringLiteral("e2e-shop"));
    QJsonArray sentMessages();

private:
    QProcess m_process;
    QNetworkAccessManager m_network;
    bool launch();

    QString m_stateFile;
    QByteArray m_log;
    int m_https = 0;
    int m_control = 0;
    int m_jobs = 0;
};

class AgentProcess
{
public:
    // `ini`: the agent's configuration file (e.g. [pacing]); null for fast test pacing.
    AgentProcess(StubProcess &stub, QString dataDir, QString runtimeDir,
                 QStringList extraArguments = {}, QByteArray ini = {});
    // Fast but real pacing, so that tests see seen, typing and gaps without waiting minutes.
    static QByteArray testPacing();
    ~AgentProcess();

    // Pairs this agent's data directory with the stub (a code from its admin API, then
    // sak-agent --pair), unless it is paired already.
    bool pair();
    bool start();
    // Starts, then plays the shop owner: scans the QR the page shows (through the simulator)
    // and waits until WhatsApp is connected. Prints the log when it does not get there.
    bool startAndScan();
    // Runs a one-shot command of sak-agent (e.g. --unpair) on the same data; its exit code.
    // The test's event loop runs meanwhile (a server of the test's own can answer it).
    int runCommand(const QStringList &command, QByteArray *output = nullptr);
    // The same, started and left to the test (e.g. to write to its standard input).
    std::unique_ptr<QProcess> startCommand(const QStringList &command) const;
    bool waitForLog(const QByteArray &text, int timeoutMs);
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    // SIGTERM, and the exit code (-1 when it did not exit cleanly in time).
    int terminate();
    void kill9();

    const QByteArray &log() const { return m_log; }
    void setLogRules(const QString &rules) { m_logRules = rules; }
    // From the next start(), the agent's standard output is a terminal (a pseudo-terminal, as
    // when started from a shell); what it prints there is terminalOutput(), apart from log().
    void setStdoutOnTerminal(bool on) { m_onTerminal = on; }
    QByteArray terminalOutput();
    bool waitForTerminal(const QByteArray &text, int timeoutMs);
    // An environment variable for the agent's next start (on top of the test's own).
    void setEnvironment(const QString &name, const QString &value)
    {
        m_extraEnv.insert(name, value);
    }
    qint64 processId() const { return m_process.processId(); }
    // The log's last lines as warnings: a test's failure message would cut it short.
    void printLogTail(int lines) const;

private:
    QStringList arguments() const;
    QProcessEnvironment environment() const;

    StubProcess &m_stub;
    QHash<QString, QString> m_extraEnv;
    QString m_dataDir;
    QString m_runtimeDir;
    QStringList m_extra;
    QByteArray m_ini;
    QProcess m_process;
    QByteArray m_log;
    bool m_paired = false;
    bool m_reading = false;
    QString m_logRules{QStringLiteral("sak.*.info=true")};
    bool m_onTerminal = false;
    int m_terminalMaster = -1;
    QByteArray m_terminal;
};

} // namespace sak::test
