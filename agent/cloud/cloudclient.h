#pragma once

#include "agent/base/result.h"
#include "agent/protocol/cloudprotocol.h"

#include <QNetworkAccessManager>
#include <QObject>
#include <QSslConfiguration>
#include <QUrl>

#include <chrono>
#include <functional>

namespace sak {

struct CloudClientOptions
{
    QUrl baseUrl;   // https://host:port, the protocol's paths are appended
    QString caFile; // PEM CA certificates trusted in addition to the system's; may be empty
    std::chrono::milliseconds timeout{15000};
    QStringList spkiPins; // when set, the server's chain must carry one of these keys
};

// Speaks the cloud protocol over HTTPS. TLS is always verified: against the system's CAs and,
// when configured, the CA file. Answers to signed requests are used only when the cloud signed
// them; redirects are never followed; answers are read up to a size per endpoint. Every request
// finishes with exactly one callback, on the thread of this object, carrying a result value.
class CloudClient : public QObject
{
    Q_OBJECT
public:
    explicit CloudClient(QObject *parent = nullptr);

    // Loads the CA file; fails with a sentence naming the file when it holds no certificate.
    Status configure(const CloudClientOptions &options);

    // The device credentials from pairing; every request but pairing is signed with them.
    void setCredentials(const cloud::Credentials &credentials) { m_credentials = credentials; }
    const cloud::Credentials &credentials() const { return m_credentials; }

    using InboundCallback = std::function<void(Result<cloud::InboundResponse>)>;
    using StatusCallback = std::function<void(Status)>;
    using CredentialsCallback = std::function<void(Result<cloud::Credentials>)>;

    using HeartbeatCallback = std::function<void(Result<cloud::HeartbeatAnswer>)>;
    using BytesCallback = std::function<void(Result<QByteArray>)>;

    // POST /v1/heartbeat: the agent's state, periodically and on every session change; the
    // answer may announce a bridge package.
    void postHeartbeat(cloud::Heartbeat heartbeat, HeartbeatCallback done);
    // POST /v1/bridge/package: the package document of a version (unchecked: the caller
    // verifies it), refused unread when larger than `maxBytes`.
    void fetchBridgePackage(const QString &version, qsizetype maxBytes, BytesCallback done);
    // POST /v1/pair: exchanges a pairing code for device credentials (not signed).
    void pair(const QString &code, const QString &agentName, CredentialsCallback done);
    // POST /v1/credentials/rotate: a new signing secret (the old one stays valid meanwhile).
    void rotateCredentials(CredentialsCallback done);
    // POST /v1/unpair: the cloud forgets this device.
    void unpair(StatusCallback done);

    // POST /v1/inbound: hands a customer's message to the cloud and gets the replies; `late`:
    // it was written long before the agent could relay it (InboundRequest::late).
    void postInbound(const InboundMessage &message, bool late, InboundCallback done);
    // POST /v1/status: reports an outbound item's state change.
    void postStatus(cloud::StatusReport report, StatusCallback done);
    // POST /v1/status/batch: several state changes in one request (at most
    // cloud::kMaxStatusBatch).
    void postStatusBatch(QList<cloud::StatusReport> reports, StatusCallback done);

    using FramesCallback = std::function<void(Result<QList<cloud::SignedFrame>>)>;
    // POST /v1/jobs/poll: the job channel's fallback; the frames still need verifying.
    void pollJobs(const cloud::JobsPoll &poll, FramesCallback done);

    const CloudClientOptions &options() const { return m_options; }
    // The TLS settings every connection to the cloud uses (the job channel too).
    const QSslConfiguration &tlsConfiguration() const { return m_ssl; }

private:
    // `maxAnswerBytes`: a larger answer is refused unread; `timeout`: how long the answer may
    // take, zero for the configured one. The answer to a signed request must carry the cloud's
    // signature (signing::verifyAnswer) or it is an error; redirects are not followed.
    void post(const QString &path, const QByteArray &body, bool sign, qsizetype maxAnswerBytes,
              std::function<void(Result<QByteArray>)> done,
              std::chrono::milliseconds timeout = std::chrono::milliseconds(0));

    QNetworkAccessManager m_network;
    QSslConfiguration m_ssl;
    CloudClientOptions m_options;
    cloud::Credentials m_credentials;
};

} // namespace sak
