#pragma once

#include "cloudprotocol.h"
#include "result.h"

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
    QString tenantId;
    QString agentId;
    std::chrono::milliseconds timeout{15000};
};

// Speaks the cloud protocol over HTTPS. TLS is always verified: against the system's CAs and,
// when configured, the CA file. Every request finishes with exactly one callback, on the
// thread of this object, carrying a result value.
class CloudClient : public QObject
{
    Q_OBJECT
public:
    explicit CloudClient(QObject *parent = nullptr);

    // Loads the CA file; fails with a sentence naming the file when it holds no certificate.
    Status configure(const CloudClientOptions &options);

    using InboundCallback = std::function<void(Result<cloud::InboundResponse>)>;
    using StatusCallback = std::function<void(Status)>;

    // POST /v1/inbound: hands a customer's message to the cloud and gets the replies.
    void postInbound(const InboundMessage &message, InboundCallback done);
    // POST /v1/status: reports an outbound item's state change.
    void postStatus(cloud::StatusReport report, StatusCallback done);

    const CloudClientOptions &options() const { return m_options; }

private:
    void post(const QString &path, const QByteArray &body,
              std::function<void(Result<QByteArray>)> done);

    QNetworkAccessManager m_network;
    QSslConfiguration m_ssl;
    CloudClientOptions m_options;
};

} // namespace sak
