#pragma once

#include <QObject>

class QLocalServer;

namespace sak {

// One agent per user and data directory: two would fight over the same database, WhatsApp
// profile and session. The first one listens on a local socket named after both, in the
// user's private runtime directory (on Unix never under a name in the shared /tmp, where
// another user could take it first); a second launch finds it there, asks it to come to the
// front, and stops.
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
    // First: this process is the agent (and listens for later launches). AlreadyRunning: the
    // running agent was asked to show itself. Failed: the socket could not be set up; the
    // reason is in errorString() (e.g. a socket or directory of another user's in the way).
    Claim claim();
    QString errorString() const { return m_error; }
    // On Unix the socket file's full path; empty when no private directory could be had.
    QString socketName() const { return m_name; }

Q_SIGNALS:
    // Another launch asked this agent to show its window.
    void raiseRequested();

private:
    QString m_name;
    QString m_error;
    QLocalServer *m_server = nullptr;
};

} // namespace sak
