#pragma once

#include "cloudprotocol.h"
#include "relaypipeline.h"
#include "signing.h"

#include <QObject>
#include <QSslConfiguration>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

#include <functional>

namespace sak {

// The cloud's push channel for outbound work: a WebSocket to /v1/jobs, opened with a signed
// hello. Every frame from the server must carry a valid signature under the device's secret. A
// job is acknowledged only once the handler has queued it durably; the server sends again
// whatever was not acknowledged when the channel comes back. Reconnects with back-off and
// full jitter, without ever blocking the caller.
class JobChannel : public QObject
{
    Q_OBJECT
public:
    using JobHandler = std::function<Status(const cloud::OutboundJob &job)>;

    explicit JobChannel(QObject *parent = nullptr);
    ~JobChannel() override;

    // `pins`: the cloud's key pins (see keypins.h); empty for none.
    void configure(const QUrl &cloudUrl, const QSslConfiguration &tls,
                   const cloud::Credentials &credentials, const QStringList &pins = {});
    void setJobHandler(JobHandler handler) { m_handler = std::move(handler); }
    void setRetryPolicy(const RetryPolicy &policy) { m_retry = policy; }

    void start();
    void stop();
    bool isReady() const { return m_ready; }

Q_SIGNALS:
    void readyChanged(bool ready);

private:
    void onConnected();
    void onMessage(const QString &text);
    void onDisconnected();
    void setReady(bool ready);

    QWebSocket m_socket;
    QUrl m_url;
    cloud::Credentials m_credentials;
    QStringList m_pins;
    JobHandler m_handler;
    RetryPolicy m_retry{std::chrono::milliseconds(1000), std::chrono::milliseconds(60000), 0};
    QTimer m_reconnect;
    signing::NonceCache m_nonces;
    int m_attempt = 0;
    bool m_running = false;
    bool m_ready = false;
};

} // namespace sak
