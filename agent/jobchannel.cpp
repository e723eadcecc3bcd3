#include "jobchannel.h"

#include "keypins.h"
#include "logging.h"

#include <QDateTime>

using namespace Qt::Literals::StringLiterals;

namespace sak {

JobChannel::JobChannel(QObject *parent)
    : QObject(parent)
{
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this,
            [this] { m_socket.open(QNetworkRequest(m_url)); });
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
                           const cloud::Credentials &credentials, const QStringList &pins)
{
    m_pins = pins;
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
    m_socket.open(QNetworkRequest(m_url));
}

void JobChannel::stop()
{
    m_running = false;
    m_reconnect.stop();
    m_socket.close();
}

void JobChannel::setReady(bool ready)
{
    if (ready == m_ready)
        return;
    m_ready = ready;
    Q_EMIT readyChanged(ready);
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

void JobChannel::onMessage(const QString &text)
{
    const auto frame = cloud::decodeFrame(text.toUtf8());
    if (!frame) {
        qCWarning(lcCloud).noquote()
            << "Dropped a malformed frame from the job channel:" << frame.error().message;
        return;
    }
    const auto &f = frame.value();
    const Status verified = signing::verify({m_credentials.secret}, "PUSH", "/v1/jobs", f.payload,
                                            {f.timestamp, f.nonce, f.signature},
                                            QDateTime::currentSecsSinceEpoch(), m_nonces);
    if (!verified) {
        qCWarning(lcCloud).noquote()
            << "Dropped a frame from the job channel that is not signed by the cloud:"
            << verified.error().message;
        return;
    }
    if (f.type == u"welcome"_s) {
        qCInfo(lcCloud) << "Job channel open";
        m_attempt = 0;
        setReady(true);
    } else if (f.type == u"error"_s) {
        qCWarning(lcCloud).noquote()
            << "The cloud closed the job channel:" << QString::fromUtf8(f.payload);
    } else if (f.type == u"job"_s) {
        const auto job = cloud::decodeOutboundJob(f.payload);
        if (!job) {
            qCWarning(lcCloud).noquote() << "Refused a job from the cloud:" << job.error().message;
            return;
        }
        const Status queued = m_handler ? m_handler(job.value())
                                        : Status(Error{u"no-handler"_s, u"No queue for jobs."_s});
        if (!queued) {
            // Not acknowledged: the cloud sends it again when the channel comes back.
            qCWarning(lcCloud).noquote()
                << "Could not queue job" << job.value().clientId << ":" << queued.error().message;
            return;
        }
        m_socket.sendTextMessage(QString::fromUtf8(cloud::encodeAck(job.value().clientId)));
    }
}

void JobChannel::onDisconnected()
{
    setReady(false);
    if (!m_running)
        return;
    const auto delay = m_retry.delayFor(m_attempt++);
    qCInfo(lcCloud).noquote() << "Job channel closed (" << m_socket.closeReason()
                              << m_socket.errorString() << "); reconnecting in" << delay.count()
                              << "ms";
    m_reconnect.start(delay);
}

} // namespace sak
