#pragma once

#include "agent/base/result.h"
#include "agent/status/statusserver.h"

#include <QObject>

#include <functional>

namespace sak {

class AgentStatus;
class RelayPipeline;
class Store;

// What the operator and monitoring may ask a running agent and have it do, served by a
// StatusServer (127.0.0.1 only, a token on every request); docs/protocol.md, "The local status
// endpoint". ask() is the other end, for sak-agent --status and --metrics.
class StatusEndpoint : public QObject
{
    Q_OBJECT
public:
    StatusEndpoint(AgentStatus *status, RelayPipeline *pipeline, Store *store,
                   QObject *parent = nullptr);

    Status listen(quint16 port, const QString &dataDir);
    quint16 port() const { return m_server.port(); }

    // Asks the agent that runs on `dataDir` for "status" (indented JSON) or "metrics"
    // (Prometheus text); `done` runs in `context`'s thread with the answer or what is wrong.
    static void ask(const QString &dataDir, const QString &what, QObject *context,
                    std::function<void(Result<QByteArray>)> done);

private:
    StatusServer::Response outbox(const StatusServer::Request &request) const;
    StatusServer::Response outboxAction(const StatusServer::Request &request);

    AgentStatus *m_status;
    RelayPipeline *m_pipeline;
    Store *m_store;
    StatusServer m_server;
};

} // namespace sak
