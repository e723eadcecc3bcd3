#pragma once

#include "agent/cloud/retrypolicy.h"
#include "agent/protocol/cloudprotocol.h"
#include "agent/protocol/signing.h"

#include <QObject>
#include <QSslConfiguration>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

#include <functional>
#include <optional>

namespace sak {

class CloudClient;

// The cloud's push channel for outbound work: a WebSocket to /v1/jobs, opened with a signed
// hello, or, where the network cannot hold a socket (some proxies and firewalls), a long-poll
// of /v1/jobs/poll. Every frame from the server must carry a valid signature under the
// device's secret, whichever way it came. A job is acknowledged only once the handler has
// queued it durably; the server sends again whatever was not acknowledged. Reconnects with
// back-off and full jitter, without ever blocking the caller.
class JobChannel : public QObject
{
    Q_OBJECT
public:
    using JobHandler = std::function<Status(const cloud::OutboundJob &job)>;

    enum class Transport
    {
        Auto,      // the socket; the long-poll after kSocketFailuresBeforePolling failures
        WebSocket, // the socket only
        Poll,      // the long-poll only
    };
    static constexpr int kSocketFailuresBeforePolling = 3;

    explicit JobChannel(QObject *parent = nullptr);
    ~JobChannel() override;

    // `pins`: the cloud's key pins (see keypins.h); empty for none. `cloud` makes the
    // long-poll possible (it signs and sends the polls).
    void configure(const QUrl &cloudUrl, const QSslConfiguration &tls,
                   const cloud::Credentials &credentials, const QStringList &pins = {},
                   CloudClient *cloud = nullptr);
    void setTransport(Transport transport) { m_transport = transport; }
    void setJobHandler(JobHandler handler) { m_handler = std::move(handler); }
    void setRetryPolicy(const RetryPolicy &policy) { m_retry = policy; }
    // How long a poll may wait at the server (tests shorten it).
    void setPollWaitSeconds(int seconds) { m_pollWait = seconds; }

    void start();
    void stop();
    bool isReady() const { return m_ready; }
    bool isPolling() const { return m_polling; }

Q_SIGNALS:
    void readyChanged(bool ready);

private:
    void openSocket();
    void onConnected();
    void onMessage(const QString &text);
    void onDisconnected();
    void startPolling();
    void poll();
    // Verifies a frame and hands a job to the handler; the client id to acknowledge, if any.
    std::optional<QString> accept(const cloud::SignedFrame &frame);
    void setReady(bool ready);

    QWebSocket m_socket;
    QUrl m_url;
    cloud::Credentials m_credentials;
    QStringList m_pins;
    CloudClient *m_cloud = nullptr;
    Transport m_transport = Transport::Auto;
    JobHandler m_handler;
    RetryPolicy m_retry{std::chrono::milliseconds(1000), std::chrono::milliseconds(60000), 0};
    QTimer m_reconnect;
    QTimer m_pollTimer;
    signing::NonceCache m_nonces;
    QStringList m_pendingAcks; // queued since the last poll, sent with the next one
    int m_attempt = 0;
    int m_socketFailures = 0; // in a row, without a welcome
    int m_pollWait = cloud::kMaxPollWaitSeconds;
    bool m_running = false;
    bool m_ready = false;
    bool m_welcomed = false; // the current socket got its welcome
    bool m_polling = false;
    bool m_pollInFlight = false;
};

} // namespace sak
