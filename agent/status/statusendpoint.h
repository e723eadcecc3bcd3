#pragma once

#include "agent/base/result.h"
#include "agent/status/statusserver.h"

#include <QObject>

#include <functional>

namespace sak {

class AgentStatus;
class RelayPipeline;
class Store;
class WhatsAppSession;

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
    // WhatsApp's pairing QR code and link code, for GET /v1/pairing: where the agent has no
    // terminal (a service), sak-agent --show-pairing draws them in the operator's.
    void followPairing(WhatsAppSession *session);

    // Asks the agent that runs on `dataDir` for "status" (indented JSON), "metrics"
    // (Prometheus text) or "pairing" (JSON); `done` runs in `context`'s thread with the answer
    // or what is wrong. The token goes only to a server that proved it knows it first.
    static void ask(const QString &dataDir, const QString &what, QObject *context,
                    std::function<void(Result<QByteArray>)> done);

private:
    StatusServer::Response outbox(const StatusServer::Request &request) const;
    StatusServer::Response outboxAction(const StatusServer::Request &request);
    StatusServer::Response pairing() const;

    AgentStatus *m_status;
    RelayPipeline *m_pipeline;
    Store *m_store;
    StatusServer m_server;
    WhatsAppSession *m_session = nullptr;
    QString m_pairingQr; // WhatsApp's current QR code, while it needs pairing
    QString m_linkCode;  // the code to type on the phone instead, while it is valid
};

} // namespace sak
