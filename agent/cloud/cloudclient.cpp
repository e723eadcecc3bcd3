#include "agent/cloud/cloudclient.h"

#include "agent/base/logging.h"
#include "agent/cloud/keypins.h"
#include "agent/protocol/signing.h"

#include <QDateTime>
#include <QFile>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSslCertificate>

using namespace Qt::Literals::StringLiterals;

namespace sak {

CloudClient::CloudClient(QObject *parent)
    : QObject(parent)
    , m_ssl(QSslConfiguration::defaultConfiguration())
{
    // Connections are reused; one request per inbound message must not cost a TLS handshake.
    m_network.setAutoDeleteReplies(true);
}

Status CloudClient::configure(const CloudClientOptions &options)
{
    m_options = options;
    m_ssl = QSslConfiguration::defaultConfiguration();
    m_ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);
    if (!options.caFile.isEmpty()) {
        const QList<QSslCertificate> cas = QSslCertificate::fromPath(options.caFile, QSsl::Pem);
        if (cas.isEmpty())
            return Error{
                u"config"_s,
                u"The CA file %1 holds no PEM certificate; point --ca-file at the CA that signed the cloud server's certificate."_s
                    .arg(options.caFile)};
        m_ssl.addCaCertificates(cas);
        qCInfo(lcCloud) << "Trusting" << cas.size() << "extra CA certificate(s) from"
                        << options.caFile;
    }
    return Done{};
}

void CloudClient::pair(const QString &code, const QString &agentName, CredentialsCallback done)
{
    const QByteArray body =
        cloud::encode(cloud::PairRequest{code, agentName, QStringLiteral(SAK_VERSION)});
    post(u"/v1/pair"_s, body, false, cloud::kMaxSmallAnswerBytes,
         [done = std::move(done)](Result<QByteArray> reply) {
             done(reply ? cloud::decodeCredentials(reply.value())
                        : Result<cloud::Credentials>(reply.error()));
         });
}

namespace {

// For requests whose answer is only "done": the body is not needed.
auto doneOnly(CloudClient::StatusCallback done)
{
    return [done = std::move(done)](Result<QByteArray> reply) {
        done(reply ? Status(Done{}) : Status(reply.error()));
    };
}

// What an answer is checked against.
struct Expected
{
    QUrl url;
    QString path;
    QByteArray signedPath;
    QByteArray nonce;  // the request's, when signed
    QByteArray secret; // the one that signed the request
    bool signedRequest = false;
    qsizetype maxBytes = 0;
};

// The body of a finished reply, or why it cannot be used.
Result<QByteArray> answerOf(QNetworkReply *reply, const Expected &expected)
{
    const QUrl &url = expected.url;
    if (reply->property("sakPinMismatch").toBool())
        return Error{
            u"tls-pin"_s,
            u"The cloud server %1 presented a key that is not pinned: it may not be your cloud server. Check [cloud] spki-pins (or --cloud-spki-pins) against the server's key."_s
                .arg(url.host())};
    if (reply->property("sakTooLarge").toBool()) {
        qCWarning(lcCloud).noquote()
            << "Refused an answer of" << url.host() << "to" << expected.path << "larger than"
            << expected.maxBytes << "bytes";
        return Error{
            u"too-large"_s,
            u"The answer of the cloud server %1 to %2 is larger than the %3 bytes the agent reads of it, and was not read; the cloud must answer in smaller parts (or something between the agent and the cloud sends something else)."_s
                .arg(url.host(), expected.path)
                .arg(expected.maxBytes)};
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray payload = reply->readAll();
    const auto error = reply->error();
    if (error == QNetworkReply::SslHandshakeFailedError)
        return Error{
            u"tls"_s,
            u"The cloud server %1 presented a certificate that is not trusted (%2). If it uses a private CA, configure that CA with --ca-file."_s
                .arg(url.host(), reply->errorString())};
    if (status == 0) {
        const bool timedOut =
            error == QNetworkReply::OperationCanceledError || error == QNetworkReply::TimeoutError;
        return Error{
            timedOut ? u"timeout"_s : u"network"_s,
            u"The cloud server %1 cannot be reached (%2)."_s.arg(url.host(), reply->errorString())};
    }
    if (status >= 300 && status <= 399)
        return Error{
            u"redirect"_s,
            u"The cloud server %1 answered %2 with a redirect (HTTP %3 to %4). The agent does not follow redirects, so that its signed requests and token go only to the server it was given: set [cloud] url (or --cloud-url) to the address the cloud really serves."_s
                .arg(url.host(), expected.path)
                .arg(status)
                .arg(QString::fromUtf8(reply->rawHeader("Location").left(512)))};
    if (expected.signedRequest) {
        const Status genuine =
            signing::verifyAnswer(expected.secret, expected.signedPath, expected.nonce, status,
                                  payload, reply->rawHeader(signing::kSignatureHeader));
        if (!genuine) {
            Error refused = genuine.error();
            refused.httpStatus = status; // a proxy's 413 refuses the request as surely
            // An unsigned refusal is not acted on, but its code is named: the genuine cloud
            // cannot sign for a device it does not know (unknown-token: pair again).
            static const QRegularExpression codePattern(u"^[a-z0-9-]{1,64}$"_s);
            if (const auto said = cloud::decodeError(payload);
                said && codePattern.match(said->code).hasMatch())
                refused.message += u" Unverified, it says: %1."_s.arg(said->code);
            qCWarning(lcCloud).noquote() << "Not acting on the answer of" << url.host() << "to"
                                         << expected.path << "-" << refused.message;
            return refused;
        }
    }
    if (status < 200 || status > 299) {
        const auto serverError = cloud::decodeError(payload);
        Error refusal{u"http-%1"_s.arg(status),
                      serverError ? u"The cloud refused the request (%1): %2"_s.arg(
                                        serverError->code, serverError->message)
                                  : u"The cloud answered HTTP %1."_s.arg(status)};
        refusal.httpStatus = status;
        if (status == 429 || status == 503) {
            bool numeric = false;
            const int seconds = reply->rawHeader("Retry-After").trimmed().toInt(&numeric);
            if (numeric && seconds > 0)
                refusal.retryAfterSeconds = std::min(seconds, 3600);
        }
        return refusal;
    }
    return payload;
}

} // namespace

void CloudClient::postHeartbeat(cloud::Heartbeat heartbeat, HeartbeatCallback done)
{
    heartbeat.tenantId = m_credentials.tenantId;
    heartbeat.agentId = m_credentials.agentId;
    post(u"/v1/heartbeat"_s, cloud::encode(heartbeat), true, cloud::kMaxSmallAnswerBytes,
         [done = std::move(done)](Result<QByteArray> reply) {
             done(reply ? cloud::decodeHeartbeatAnswer(reply.value())
                        : Result<cloud::HeartbeatAnswer>(reply.error()));
         });
}

void CloudClient::fetchBridgePackage(const QString &version, qsizetype maxBytes, BytesCallback done)
{
    // A few MiB: more than the small answers' time, as a slow shop line needs it.
    post(u"/v1/bridge/package"_s, cloud::encode(cloud::BridgePackageRequest{version}), true,
         maxBytes, std::move(done), std::chrono::minutes(2));
}

void CloudClient::rotateCredentials(CredentialsCallback done)
{
    // The answer is signed with the secret this request was signed with (the one being
    // replaced): the agent trusts the new secret only once the old one vouched for it.
    post(u"/v1/credentials/rotate"_s, "{}", true, cloud::kMaxSmallAnswerBytes,
         [done = std::move(done)](Result<QByteArray> reply) {
             done(reply ? cloud::decodeCredentials(reply.value())
                        : Result<cloud::Credentials>(reply.error()));
         });
}

void CloudClient::unpair(StatusCallback done)
{
    post(u"/v1/unpair"_s, "{}", true, cloud::kMaxSmallAnswerBytes, doneOnly(std::move(done)));
}

void CloudClient::postInbound(const InboundMessage &message, bool late, InboundCallback done)
{
    const QByteArray body = cloud::encode(
        cloud::InboundRequest{m_credentials.tenantId, m_credentials.agentId, message, late});
    post(u"/v1/inbound"_s, body, true, cloud::kMaxAnswerBytes,
         [done = std::move(done)](Result<QByteArray> reply) {
             if (!reply) {
                 done(reply.error());
                 return;
             }
             done(cloud::decodeInboundResponse(reply.value()));
         });
}

void CloudClient::postStatus(cloud::StatusReport report, StatusCallback done)
{
    report.tenantId = m_credentials.tenantId;
    report.agentId = m_credentials.agentId;
    if (report.timestamp == 0)
        report.timestamp = QDateTime::currentSecsSinceEpoch();
    post(u"/v1/status"_s, cloud::encode(report), true, cloud::kMaxSmallAnswerBytes,
         doneOnly(std::move(done)));
}

void CloudClient::postStatusBatch(QList<cloud::StatusReport> reports, StatusCallback done)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    for (cloud::StatusReport &report : reports) {
        if (report.timestamp == 0)
            report.timestamp = now;
    }
    const cloud::StatusBatch batch{m_credentials.tenantId, m_credentials.agentId,
                                   std::move(reports)};
    post(u"/v1/status/batch"_s, cloud::encode(batch), true, cloud::kMaxSmallAnswerBytes,
         doneOnly(std::move(done)));
}

void CloudClient::pollJobs(const cloud::JobsPoll &poll, FramesCallback done)
{
    // The server holds the answer up to the wait; the usual timeout comes on top of it.
    const auto timeout = std::chrono::seconds(poll.waitSeconds) + m_options.timeout;
    post(
        u"/v1/jobs/poll"_s, cloud::encode(poll), true, cloud::kMaxAnswerBytes,
        [done = std::move(done)](Result<QByteArray> reply) {
            done(reply ? cloud::decodeFrames(reply.value())
                       : Result<QList<cloud::SignedFrame>>(reply.error()));
        },
        std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
}

void CloudClient::post(const QString &path, const QByteArray &body, bool sign,
                       qsizetype maxAnswerBytes, std::function<void(Result<QByteArray>)> done,
                       std::chrono::milliseconds timeout)
{
    if (sign && !m_credentials.isValid()) {
        // Answered on the next turn of the event loop, like every other outcome.
        QMetaObject::invokeMethod(
            this,
            [done = std::move(done)] {
                done(Error{
                    u"not-paired"_s,
                    u"This agent is not paired with the cloud: run sak-agent --pair CODE with a code from the dashboard."_s});
            },
            Qt::QueuedConnection);
        return;
    }
    QUrl url = m_options.baseUrl;
    url.setPath(url.path().chopped(url.path().endsWith(u'/') ? 1 : 0) + path);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    request.setRawHeader("Accept", "application/json");
    request.setRawHeader("User-Agent", "sak-agent/" SAK_VERSION);
    request.setSslConfiguration(m_ssl);
    request.setTransferTimeout(int((timeout.count() > 0 ? timeout : m_options.timeout).count()));
    // Never followed: the signed request and the token would go wherever the answer points.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    const QByteArray signedPath = url.path(QUrl::FullyEncoded).toUtf8();
    // What the answer's signature is checked with: this request's nonce, and the secret that
    // signed it (a rotation may replace the credentials while the request is out).
    QByteArray nonce;
    QByteArray secret;
    if (sign) {
        const auto signature = signing::sign(m_credentials.secret, "POST", signedPath, body,
                                             QDateTime::currentSecsSinceEpoch());
        request.setRawHeader(signing::kTokenHeader, m_credentials.token.toUtf8());
        request.setRawHeader(signing::kTimestampHeader, signature.timestamp);
        request.setRawHeader(signing::kNonceHeader, signature.nonce);
        request.setRawHeader(signing::kSignatureHeader, signature.value);
        nonce = signature.nonce;
        secret = m_credentials.secret;
    }

    QNetworkReply *reply = m_network.post(request, body);
    if (!m_options.spkiPins.isEmpty()) {
        // Emitted after the handshake and before any byte of the request leaves: a server
        // without a pinned key never sees the token, the signature or the body.
        connect(reply, &QNetworkReply::encrypted, this, [this, reply] {
            if (keypins::chainMatches(reply->sslConfiguration().peerCertificateChain(),
                                      m_options.spkiPins))
                return;
            reply->setProperty("sakPinMismatch", true);
            reply->abort();
        });
    }
    // An answer larger than the endpoint's limit is refused as soon as its size shows, by its
    // Content-Length or by what arrived (after decompression), before it fills the memory.
    const auto refuseIfTooLarge = [reply, maxAnswerBytes] {
        if (reply->property("sakTooLarge").toBool() || reply->isFinished())
            return;
        const qint64 announced = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
        if (announced > maxAnswerBytes || reply->bytesAvailable() > maxAnswerBytes) {
            reply->setProperty("sakTooLarge", true);
            reply->abort();
        }
    };
    connect(reply, &QNetworkReply::metaDataChanged, this, refuseIfTooLarge);
    connect(reply, &QNetworkReply::readyRead, this, refuseIfTooLarge);
    const Expected expected{url, path, signedPath, nonce, secret, sign, maxAnswerBytes};
    connect(reply, &QNetworkReply::finished, this,
            [reply, expected, done = std::move(done)] { done(answerOf(reply, expected)); });
}

} // namespace sak
