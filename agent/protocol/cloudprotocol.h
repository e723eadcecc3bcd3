#pragma once

#include "agent/base/result.h"
#include "agent/protocol/messagetypes.h"

#include <QByteArray>
#include <QList>

// The JSON messages of the cloud protocol (docs/protocol.md), shared by the agent's client and
// the cloud stub so both sides read and write exactly the same shapes.
namespace sak::cloud {

inline constexpr int kProtocolVersion = 1;
// An inbound message with the largest media the agent takes (as base64) fits.
inline constexpr qsizetype kMaxRequestBytes = 96 * 1024 * 1024;
inline constexpr qsizetype kMaxRepliesPerMessage = 20;
// The most the agent reads of an answer: the replies to a message and a long-poll's jobs may
// carry files (as large as a request), every other answer is a few bytes. A larger answer is
// refused before it is read.
inline constexpr qsizetype kMaxAnswerBytes = kMaxRequestBytes;
inline constexpr qsizetype kMaxSmallAnswerBytes = 64 * 1024;
// One message on the job channel's socket: a frame carries a job as large as a request.
inline constexpr qsizetype kMaxFrameBytes = kMaxRequestBytes + 64 * 1024;
// The latest time the protocol carries (9999-12-31T23:59:59Z): later unix seconds would
// overflow as milliseconds, and no shop waits that long.
inline constexpr qint64 kMaxUnixSeconds = 253402300799;

struct InboundRequest
{
    QString tenantId;
    QString agentId;
    InboundMessage message;
    // Written while the agent was off (or could not read it) longer than [cloud] late-after:
    // the cloud may answer it differently from a live one.
    bool late = false;
};

struct Reply
{
    QString clientId; // idempotency key of this outbound item, chosen by the cloud
    QString chatId;
    QString text; // the text, or the caption of the media
    // Optional: the message this one quotes (a serialized id), and an image or document.
    QString quotedId{};
    QString mimetype{};
    QString filename{};
    QByteArray media{};
    Poll poll{}; // a poll instead of a text: `text` is its question

    bool operator==(const Reply &) const = default;
};

struct InboundResponse
{
    QString messageId; // echoes the inbound message id
    QList<Reply> replies;
};

// An outbound item's state change, reported by the agent.
struct StatusReport
{
    QString tenantId;
    QString agentId;
    QString clientId;
    QString waMessageId;
    QString chatId;
    QString state; // see docs/protocol.md: queued ... unknown
    QString detail;
    qint64 timestamp{};
    // Who it went to, as far as WhatsApp told: the chat it was sent in (a number's LID chat),
    // the number and the LID; each empty while not known.
    Recipient recipient{};
};

// Several state changes in one request: the agent's usual way to report, because a busy shop
// makes four changes per message and one request each would cost more than the message.
struct StatusBatch
{
    QString tenantId;
    QString agentId;
    QList<StatusReport> reports; // tenantId/agentId of each are the batch's
};
inline constexpr int kMaxStatusBatch = 100;

// Pairing: a short code from the cloud dashboard, exchanged once for device credentials.
struct PairRequest
{
    QString code;
    QString agentName; // e.g. the computer's name, shown in the dashboard
    QString agentVersion;
};

// What the agent needs to talk to the cloud; kept only in the encrypted store.
struct Credentials
{
    QString tenantId;
    QString agentId;
    QString token;     // identifies the device; sent with every request
    QByteArray secret; // signs requests (HMAC-SHA256); never sent again after pairing
    int jobsPort =
        0; // the job channel's port (wss://<cloud host>:<port>/v1/jobs); 0: the cloud URL's

    bool isValid() const
    {
        return !tenantId.isEmpty() && !agentId.isEmpty() && !token.isEmpty() && secret.size() >= 32;
    }
};

// Outbound work pushed by the cloud over the job channel (a WebSocket at /v1/jobs).
struct OutboundJob
{
    QString clientId; // the idempotency key: a job seen twice is queued once
    QString chatId;
    QString text;
    int priority = 0;     // higher goes first; replies to a waiting customer are above broadcasts
    qint64 notBefore = 0; // unix seconds; 0: at once
    qint64 expiresAt = 0; // unix seconds; 0: never
    // Optional, as in a reply: a quoted message, an image or document (text is its caption),
    // or a poll (text is its question).
    QString quotedId{};
    QString mimetype{};
    QString filename{};
    QByteArray media{};
    Poll poll{};
};

// Frames of the job channel. Every frame from the server is signed like a request
// (method "PUSH", path "/v1/jobs", body = payload) and verified by the agent.
struct SignedFrame
{
    QString type;       // "job", "welcome", "error"
    QByteArray payload; // the job (JSON) or the error message
    QByteArray timestamp;
    QByteArray nonce;
    QByteArray signature;
};

QByteArray encode(const OutboundJob &job);
Result<OutboundJob> decodeOutboundJob(const QByteArray &bytes);
QByteArray encodeFrame(const SignedFrame &frame);
Result<SignedFrame> decodeFrame(const QByteArray &bytes);
// The agent's first frame: its token, signed (method "GET", path "/v1/jobs", body = token).
QByteArray encodeHello(const QString &token, const QByteArray &timestamp, const QByteArray &nonce,
                       const QByteArray &signature);
QByteArray encodeAck(const QString &clientId);

// The long-poll fallback of the job channel, for networks that cannot hold a WebSocket:
// POST /v1/jobs/poll (signed) acknowledges jobs and waits up to `waitSeconds` for more; the
// answer carries the same signed frames as the socket.
inline constexpr int kMaxPollWaitSeconds = 25;
inline constexpr qsizetype kMaxAcksPerPoll = 500;
struct JobsPoll
{
    QStringList acks; // client ids queued durably since the last poll
    int waitSeconds = kMaxPollWaitSeconds;
};
QByteArray encode(const JobsPoll &poll);
Result<JobsPoll> decodeJobsPoll(const QByteArray &bytes);
QByteArray encodeFrames(const QList<SignedFrame> &frames);
Result<QList<SignedFrame>> decodeFrames(const QByteArray &bytes);

// The agent's periodic report of itself (and on every change of the WhatsApp session).
struct Heartbeat
{
    QString tenantId;
    QString agentId;
    QString session;    // the agent's session state (connected, needs-pairing, ...)
    QString health;     // "ok", or what is wrong, in a sentence
    QString protection; // keychain, key-file or passphrase
    qint64 inboundBacklog = 0;
    qint64 outboundBacklog = 0;
    QString agentVersion;
    QString whatsAppVersion;
    // The WhatsApp page's renderer ("memory", optional on the wire): its size (-1: not
    // measured), the ceiling it is reloaded above (0: never) and the reloads for it.
    qint64 rendererMb = -1;
    qint64 memoryCeilingMb = 0;
    qint64 memoryReloads = 0;
    // The page half of the bridge ("bridge", optional on the wire): the running package
    // ("builtin" or a delivered version) and the last one that failed here, with why.
    QString bridgeRunning;
    QString bridgeWaJs;
    QString bridgeFailed;
    QString bridgeFailure;
};

// A bridge package the cloud offers (the heartbeat's answer, docs/protocol.md "Bridge
// packages"): fetched with POST /v1/bridge/package, checked against this.
struct BridgeAnnouncement
{
    QString version;
    qint64 size = 0;
    QByteArray sha256; // lower-case hex of the document
};
struct HeartbeatAnswer
{
    std::optional<BridgeAnnouncement> bridge;
};
QByteArray encode(const HeartbeatAnswer &answer);
// An empty body, or {} is an answer without an announcement.
Result<HeartbeatAnswer> decodeHeartbeatAnswer(const QByteArray &bytes);
struct BridgePackageRequest
{
    QString version;
};
QByteArray encode(const BridgePackageRequest &request);
Result<BridgePackageRequest> decodeBridgePackageRequest(const QByteArray &bytes);

QByteArray encode(const Heartbeat &heartbeat);
Result<Heartbeat> decodeHeartbeat(const QByteArray &bytes);

QByteArray encode(const PairRequest &request);
QByteArray encode(const Credentials &credentials);
Result<PairRequest> decodePairRequest(const QByteArray &bytes);
Result<Credentials> decodeCredentials(const QByteArray &bytes);

QByteArray encode(const InboundRequest &request);
QByteArray encode(const InboundResponse &response);
QByteArray encode(const StatusReport &report);
QByteArray encode(const StatusBatch &batch);
QByteArray encodeError(const QString &code, const QString &message);

Result<InboundRequest> decodeInboundRequest(const QByteArray &bytes);
Result<InboundResponse> decodeInboundResponse(const QByteArray &bytes);
Result<StatusReport> decodeStatusReport(const QByteArray &bytes);
Result<StatusBatch> decodeStatusBatch(const QByteArray &bytes);
// The server's error body, if the bytes are one.
std::optional<Error> decodeError(const QByteArray &bytes);

// Tenant and agent ids (and account names): 1-64 characters of [A-Za-z0-9._-], the first a
// letter or a digit.
bool isValidAccountId(const QString &id);

} // namespace sak::cloud
