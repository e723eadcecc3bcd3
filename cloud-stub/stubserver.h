#pragma once

#include "agent/base/result.h"
#include "cloud-stub/cloudservice.h"
#include "cloud-stub/jobhub.h"
#include "cloud-stub/pagechannel.h"
#include "cloud-stub/whatsappsimulator.h"

#include <QHostAddress>
#include <QHttpServerResponse>
#include <QObject>

#include <functional>
#include <memory>
#include <optional>

class QHttpServer;
class QWebSocketServer;
class QHttpServerRequest;
class QTimer;

namespace sak::stub {

struct StubOptions
{
    QHostAddress address{QHostAddress::LocalHost};
    quint16 httpsPort = 8443; // cloud protocol (/v1) and WhatsApp simulator (/wa); 0: any free port
    quint16 controlPort = 8080; // loopback HTTP: customer panel, control and admin APIs; 0: any
    quint16 jobsPort = 8444;    // the job channel (secure WebSocket); 0: any free port
    QString certFile;           // server certificate (PEM), may be followed by its CA chain
    QString keyFile;            // its private key (PEM)
    QString rulesFile;          // reply rules (JSON)
    QString businessNumber{QStringLiteral("15550100200")};
    QString stateFile; // where paired devices are kept across restarts; empty: memory only
};

// sak-cloud-stub: a local stand-in for the cloud server and for WhatsApp Web, so that the agent
// runs and is tested offline. Two listeners: HTTPS for what the agent and its page talk to, and
// a loopback-only HTTP one for people and tests (customer panel, control, admin).
class StubServer : public QObject
{
    Q_OBJECT
public:
    explicit StubServer(QObject *parent = nullptr);
    ~StubServer() override;

    Status start(const StubOptions &options);

    quint16 httpsPort() const { return m_httpsPort; }
    quint16 controlPort() const { return m_controlPort; }
    quint16 jobsPort() const { return m_jobsPort; }
    CloudService &cloud() { return *m_cloud; }
    WhatsAppSimulator &simulator() { return *m_simulator; }
    JobHub &jobs() { return *m_jobs; }

    // Fault injection, for tests and demos of bad days.
    struct Faults
    {
        int status = 0;       // answer signed requests with this HTTP error...
        int retryAfter = 0;   // ...with this Retry-After (seconds) when set...
        int remaining = 0;    // ...for the next this many requests...
        double errorRate = 0; // ...or, at random, this fraction of all of them
        int latencyMs = 0;    // every signed request answered this much later
        QString path;         // only requests to this path (e.g. /v1/inbound); empty: all
        // What a proxy between agent and cloud could do to the answer (for the same requests
        // as `status`): "strip" its signature, or "tamper" with its body after signing.
        QString signature{};
        // A signed answer the agent must refuse all the same: "other-chat" (each reply for
        // another chat), "nested" (a value 100,000 levels deep), "oversized" (larger than the
        // agent reads).
        QString answer{};
    };
    void setFaults(const Faults &faults) { m_faults = faults; }
    // The next `count` signed requests are answered with `status` (and a Retry-After of
    // `retryAfter` seconds when set) instead of being served.
    void injectFault(int status, int retryAfter, int count, const QString &path = {})
    {
        m_faults.status = status;
        m_faults.retryAfter = retryAfter;
        m_faults.remaining = count;
        m_faults.path = path;
        m_faults.signature.clear(); // the answers are signed and whole
        m_faults.answer.clear();
    }

    // Every signed request, as the cloud saw it (the newest 5,000), for tests.
    struct RequestRecord
    {
        qint64 timeMs = 0;
        QString path;
        QString agentId; // empty when the request was not authenticated
        int status = 0;
    };
    const QList<RequestRecord> &requests() const { return m_requests; }

    // Writes the state file now (it is also written shortly after every change, and at exit).
    void saveState();

private:
    using SignedHandler = std::function<QHttpServerResponse(const DeviceRegistry::Device &,
                                                            const QHttpServerRequest &)>;
    // A POST route that answers 401 unless the request is signed by a paired device.
    void signedRoute(const QString &path, SignedHandler handler);
    // A call the simulated page makes over its WebSocket, served by the simulator.
    void pageApi(const QString &name,
                 Result<QJsonObject> (WhatsAppSimulator::*call)(const QJsonObject &));
    using ServiceHandler = CloudService::Answer (CloudService::*)(const DeviceRegistry::Device &,
                                                                  const QByteArray &);
    // A signed route answered by one of the cloud service's handlers.
    SignedHandler served(ServiceHandler handler);
    Status loadState();
    void record(const QString &path, const QString &agentId, int status);
    // The faults due for a request to this path, if any (counted down).
    std::optional<Faults> dueFault(const QString &path);
    void addHttpsRoutes();
    void addControlRoutes();

    std::unique_ptr<CloudService> m_cloud;
    WhatsAppSimulator *m_simulator = nullptr;
    JobHub *m_jobs = nullptr;
    PageChannel *m_pageChannel = nullptr;
    QHttpServer *m_https = nullptr;
    QHttpServer *m_control = nullptr;
    quint16 m_httpsPort = 0;
    quint16 m_controlPort = 0;
    quint16 m_jobsPort = 0;
    QWebSocketServer *m_jobsServer = nullptr;
    QString m_stateFile;
    QByteArray m_savedState; // what the file holds, to write only changes
    QTimer *m_saveTimer = nullptr;
    Faults m_faults;
    QList<RequestRecord> m_requests;
};

} // namespace sak::stub
