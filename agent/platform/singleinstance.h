#pragma once

#include <QObject>

#include <memory>

class QLocalServer;
class QLockFile;

namespace sak {

// One agent per data directory: two would fight over the same database, WhatsApp profile and
// session, and send the same messages twice. The exclusion is a lock file in the data
// directory itself (agent.lock), so it holds whatever the environment of each launch (the
// service, sudo -u, su, cron, a login session: each has its own runtime directory). The lock
// is stale only when the process that took it is gone, on this host. The local socket is only
// the channel through which a second launch asks the running agent to come to the front; it
// lives in the user's private runtime directory (on Unix never under a name in the shared
// /tmp, where another user could take it first).
class SingleInstance : public QObject
{
    Q_OBJECT
public:
    explicit SingleInstance(const QString &dataDir, QObject *parent = nullptr);
    ~SingleInstance() override;

    enum class Claim
    {
        First,
        AlreadyRunning,
        Failed
    };
    enum class Channel
    {
        Listen, // the agent: later launches can ask it to show its window
        None    // a command that must not run beside an agent (e.g. --rotate-key)
    };
    // First: this process holds the data directory's lock until it ends (and, with
    // Channel::Listen, listens for later launches). AlreadyRunning: another process holds it;
    // errorString() names it (process id, host, lock file) and raised() tells whether its
    // window was asked to come to the front. Failed: the lock could not be taken for another
    // reason (e.g. no permission to write in the data directory); errorString() says why.
    Claim claim(Channel channel = Channel::Listen);
    QString errorString() const { return m_error; }
    bool raised() const { return m_raised; }
    // After First: why later launches cannot reach this agent through the socket (empty when
    // they can). Not a reason to stop: the lock still keeps the exclusion.
    QString channelError() const { return m_channelError; }
    QString lockFileName() const { return m_lockName; }
    // On Unix the socket file's full path; empty when no private directory could be had.
    QString socketName() const { return m_name; }

Q_SIGNALS:
    // Another launch asked this agent to show its window.
    void raiseRequested();

private:
    bool askToRaise();
    void listen();

    QString m_dataDir;
    QString m_lockName;
    QString m_name;
    QString m_error;
    QString m_channelError;
    bool m_raised = false;
    std::unique_ptr<QLockFile> m_lock;
    QLocalServer *m_server = nullptr;
};

} // namespace sak
