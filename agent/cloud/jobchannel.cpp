#include "agent/cloud/jobchannel.h"

#include "agent/base/logging.h"
#include "agent/cloud/cloudclient.h"
#include "agent/cloud/keypins.h"

#include <QDateTime>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {
// While polling, the socket is tried again this often: the network may have changed.
constexpr std::chrono::minutes kSocketRetryWhilePolling{5};
} // namespace

JobChannel::JobChannel(QObject *parent)
    : QObject(parent)
{
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, &JobChannel::openSocket);
    m_pollTimer.setSingleShot(true);
    connect(&m_pollTimer, &QTimer::timeout, this, &JobChannel::poll);
    // A message larger than the largest job closes the channel before it is read (it opens
    // again); without a limit a server could make the agent buffer gigabytes.
    m_socket.setMaxAllowedIncomingMessageSize(quint64(cloud::kMaxFrameBytes));
    m_socket.setMaxAllowedIncomingFrameSize(quint64(cloud::kMaxFrameBytes));
    connect(&m_socket, &QWebSocket::connected, this, &JobChannel::onConnected);
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &JobChannel::onMessage);
    connect(&m_socket, &QWebSocket::disconnected, this, &JobChannel::onDisconnected);
    connect(&m_socket, &QWebSocket::sslErrors, this, [](const QList<QSslError> &errors) {
        // Never ignored: the channel only talks to a server it can verify.
        qCWarning(lcCloud) << "The job channel's server certificate is not trusted:"
                           << errors.value(0).errorString();
    });
}

JobChannel::~JobChannel()
{
    // The socket outlives the timer as a member and reports its closing: it must not find a
    // half-destroyed channel to reconnect.
    m_running = false;
    disconnect(&m_socket, nullptr, this, nullptr);
    m_socket.abort();
}

void JobChannel::configure(const QUrl &cloudUrl, const QSslConfiguration &tls,
                           const cloud::Credentials &credentials, const QStringList &pins,
                           CloudClient *cloud)
{
    m_pins = pins;
    m_cloud = cloud;
    m_url = cloudUrl;
    m_url.setScheme(u"wss"_s);
    m_url.setPath(u"/v1/jobs"_s);
    if (credentials.jobsPort > 0)
        m_url.setPort(credentials.jobsPort);
    m_socket.setSslConfiguration(tls);
    m_credentials = credentials;
}

void JobChannel::start()
{
    m_running = true;
    m_socketFailures = 0;
    if (m_transport == Transport::Poll)
        startPolling();
    else
        openSocket();
}

void JobChannel::stop()
{
    m_running = false;
    m_polling = false;
    m_reconnect.stop();
    m_pollTimer.stop();
    m_socket.close();
    setReady(false);
}

void JobChannel::setReady(bool ready)
{
    if (ready == m_ready)
        return;
    m_ready = ready;
    Q_EMIT readyChanged(ready);
}

void JobChannel::openSocket()
{
    m_welcomed = false;
    m_socket.open(QNetworkRequest(m_url));
}

void JobChannel::onConnected()
{
    // Checked before the hello: a server without a pinned key never sees a signature.
    if (!keypins::chainMatches(m_socket.sslConfiguration().peerCertificateChain(), m_pins)) {
        qCWarning(lcCloud).noquote()
            << "The job channel's server presented a key that is not pinned; closing it. Check "
               "[cloud] spki-pins against the server's key.";
        m_socket.abort();
        return;
    }
    const QByteArray token = m_credentials.token.toUtf8();
    const auto signature = signing::sign(m_credentials.secret, "GET", "/v1/jobs", token,
                                         QDateTime::currentSecsSinceEpoch());
    m_socket.sendTextMessage(QString::fromUtf8(cloud::encodeHello(
        m_credentials.token, signature.timestamp, signature.nonce, signature.value)));
}

std::optional<QString> JobChannel::accept(const cloud::SignedFrame &f)
{
    const Status verified = signing::verify({m_credentials.secret}, "PUSH", "/v1/jobs", f.payload,
                                            {f.timestamp, f.nonce, f.signature},
                                            QDateTime::currentSecsSinceEpoch(), m_nonces);
    if (!verified) {
        qCWarning(lcCloud).noquote()
            << "Dropped a job-channel frame that is not signed by the cloud:"
            << verified.error().message;
        return std::nullopt;
    }
    if (f.type == u"welcome"_s) {
        qCInfo(lcCloud) << "Job channel open";
        m_attempt = 0;
        m_socketFailures = 0;
        m_welcomed = true;
        if (m_polling) {
            qCInfo(lcCloud) << "The job channel's socket works again; polling stops";
            m_polling = false;
            m_pollTimer.stop();
        }
        setReady(true);
    } else if (f.type == u"error"_s) {
        qCWarning(lcCloud).noquote()
            << "The cloud closed the job channel:" << QString::fromUtf8(f.payload);
    } else if (f.type == u"job"_s) {
        const auto job = cloud::decodeOutboundJob(f.payload);
        if (!job) {
            qCWarning(lcCloud).noquote() << "Refused a job from the cloud:" << job.error().message;
            return std::nullopt;
        }
        const Status queued = m_handler ? m_handler(job.value())
                                        : Status(Error{u"no-handler"_s, u"No queue for jobs."_s});
        if (!queued) {
            // Not acknowledged: the cloud sends it again.
            qCWarning(lcCloud).noquote()
                << "Could not queue job" << job.value().clientId << ":" << queued.error().message;
            return std::nullopt;
        }
        return job.value().clientId;
    }
    return std::nullopt;
}

void JobChannel::onMessage(const QString &text)
{
    const auto frame = cloud::decodeFrame(text.toUtf8());
    if (!frame) {
        qCWarning(lcCloud).noquote()
            << "Dropped a malformed frame from the job channel:" << frame.error().message;
        return;
    }
    if (const auto ack = accept(frame.value()))
        m_socket.sendTextMessage(QString::fromUtf8(cloud::encodeAck(*ack)));
}

void JobChannel::onDisconnected()
{
    if (!m_polling)
        setReady(false);
    if (m_socket.closeCode() == QWebSocketProtocol::CloseCodeTooMuchData)
        qCWarning(lcCloud).noquote()
            << "The job channel received a message larger than" << cloud::kMaxFrameBytes
            << "bytes and was closed without reading it (" << m_socket.closeReason() << ")";
    if (!m_running)
        return;
    if (!m_welcomed)
        ++m_socketFailures;
    if (m_polling) {
        m_reconnect.start(kSocketRetryWhilePolling);
        return;
    }
    if (m_transport == Transport::Auto && m_cloud &&
        m_socketFailures >= kSocketFailuresBeforePolling) {
        qCWarning(lcCloud).noquote()
            << "The job channel's socket failed" << m_socketFailures << "times in a row ("
            << m_socket.errorString() << "); polling the cloud for jobs instead";
        m_reconnect.start(kSocketRetryWhilePolling);
        startPolling();
        return;
    }
    const auto delay = m_retry.delayFor(m_attempt++);
    qCInfo(lcCloud).noquote() << "Job channel closed (" << m_socket.closeReason()
                              << m_socket.errorString() << "); reconnecting in" << delay.count()
                              << "ms";
    m_reconnect.start(delay);
}

void JobChannel::startPolling()
{
    if (!m_cloud) {
        qCWarning(lcCloud) << "The job channel cannot poll: no cloud client";
        return;
    }
    m_polling = true;
    m_attempt = 0;
    poll();
}

void JobChannel::poll()
{
    if (!m_running || !m_polling || m_pollInFlight)
        return;
    m_pollInFlight = true;
    const QStringList acks = m_pendingAcks.mid(0, cloud::kMaxAcksPerPoll);
    m_cloud->pollJobs({acks, m_pollWait}, [this, acks](Result<QList<cloud::SignedFrame>> frames) {
        m_pollInFlight = false;
        if (!m_running || !m_polling)
            return;
        if (!frames) {
            setReady(false);
            const auto delay = m_retry.delayAfter(frames.error(), m_attempt++);
            qCWarning(lcCloud).noquote() << "Polling for jobs failed:" << frames.error().message
                                         << "- again in" << delay.count() << "ms";
            m_pollTimer.start(delay);
            return;
        }
        // The server has the acknowledgements now.
        m_pendingAcks.erase(m_pendingAcks.begin(), m_pendingAcks.begin() + acks.size());
        m_attempt = 0;
        setReady(true);
        for (const cloud::SignedFrame &frame : frames.value()) {
            if (const auto ack = accept(frame); ack && !m_pendingAcks.contains(*ack))
                m_pendingAcks.append(*ack);
        }
        m_pollTimer.start(0);
    });
}

} // namespace sak
