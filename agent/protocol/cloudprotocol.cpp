// The HTTPS half of the cloud protocol (cloudprotocol.h): heartbeats, pairing, inbound
// messages and their replies, status reports and errors. The job channel's messages are in
// cloudprotocoljobs.cpp.
#include "agent/protocol/cloudprotocol.h"

#include "agent/protocol/bridgeprotocol.h"
#include "agent/protocol/cloudprotocoljson.h"
#include "agent/protocol/jsonutil.h"

#include <QRegularExpression>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace sak::cloud {

using json::Json;
using namespace detail;

namespace {

// The tenant and agent ids every agent request carries.
Result<std::pair<QString, QString>> accountIds(const Json &r)
{
    const auto tenant = json::string(r, "tenantId", 64);
    const auto agent = json::string(r, "agentId", 64);
    if (!tenant || !isValidAccountId(*tenant) || !agent || !isValidAccountId(*agent))
        return invalid(
            u"tenantId and agentId must be 1-64 characters of letters, digits, '.', '_' or '-', starting with a letter or a digit."_s);
    return std::pair{*tenant, *agent};
}

// The body of a request an agent signs: a JSON object naming a valid tenant and agent.
struct AccountRequest
{
    Json body;
    QString tenantId;
    QString agentId;
};

Result<AccountRequest> accountRequest(const QByteArray &bytes)
{
    auto root = parseObject(bytes);
    if (!root)
        return root.error();
    const auto ids = accountIds(root.value());
    if (!ids)
        return ids.error();
    return AccountRequest{std::move(root.value()), ids.value().first, ids.value().second};
}

// One state change's own members, shared by the single report and the batch.
Json statusFields(const StatusReport &report)
{
    Json fields = {
        {"clientId", json::str(report.clientId)}, {"waMessageId", json::str(report.waMessageId)},
        {"chatId", json::str(report.chatId)},     {"state", json::str(report.state)},
        {"detail", json::str(report.detail)},     {"t", report.timestamp},
    };
    const Recipient &r = report.recipient;
    if (!r.chatId.isEmpty())
        fields["waChatId"] = json::str(r.chatId);
    if (!r.phone.isEmpty())
        fields["phone"] = json::str(r.phone);
    if (!r.lid.isEmpty())
        fields["lid"] = json::str(r.lid);
    return fields;
}

Result<StatusReport> statusChange(const Json &r)
{
    const auto clientId = json::string(r, "clientId", bridge::kMaxIdLength);
    const auto waId = json::string(r, "waMessageId", bridge::kMaxIdLength);
    const auto chatId = json::string(r, "chatId", bridge::kMaxIdLength);
    const auto state = json::string(r, "state", 32);
    const auto detail = json::optionalString(r, "detail", 1024);
    const auto t = json::integer(r, "t");
    if (!clientId || clientId->isEmpty() || !waId || !chatId || chatId->isEmpty() || !state ||
        !detail || !t)
        return invalid(u"clientId, waMessageId, chatId, state, detail and t are required."_s);
    static const QStringList states{u"queued"_s,    u"sending"_s, u"sent"_s,   u"delivered"_s,
                                    u"read"_s,      u"played"_s,  u"failed"_s, u"expired"_s,
                                    u"cancelled"_s, u"unknown"_s};
    if (!states.contains(*state))
        return invalid(u"state must be one of %1."_s.arg(states.join(u", "_s)));
    const auto waChat = json::optionalString(r, "waChatId", bridge::kMaxIdLength);
    auto who = json::person(r);
    if (!waChat || !who)
        return invalid(u"waChatId must be a chat id, phone an E.164 number (+491701234567) and "
                       u"lid a LID (…@lid)."_s);
    who->chatId = *waChat;
    return StatusReport{{}, {}, *clientId, *waId, *chatId, *state, *detail, *t, *who};
}

} // namespace

bool isValidAccountId(const QString &id)
{
    // The agent id and the account name become directory names (the RAM profile is
    // <root>/<agentId>/<account>): a plain name only, never ".", ".." or a hidden name, and
    // never one an option parser could take for an option. \z, not $: "$" also matches
    // before a final line feed.
    static const QRegularExpression pattern(u"\\A[A-Za-z0-9][A-Za-z0-9._-]{0,63}\\z"_s);
    return pattern.match(id).hasMatch();
}

QByteArray encode(const Heartbeat &h)
{
    Json body = {
        {"v", kProtocolVersion},
        {"tenantId", json::str(h.tenantId)},
        {"agentId", json::str(h.agentId)},
        {"session", json::str(h.session)},
        {"health", json::str(h.health)},
        {"protection", json::str(h.protection)},
        {"queues", {{"inbound", h.inboundBacklog}, {"outbound", h.outboundBacklog}}},
        {"versions",
         {{"agent", json::str(h.agentVersion)}, {"whatsappWeb", json::str(h.whatsAppVersion)}}}};
    Json memory = {{"ceilingMb", h.memoryCeilingMb}, {"reloads", h.memoryReloads}};
    if (h.rendererMb >= 0)
        memory["rendererMb"] = h.rendererMb;
    body["memory"] = memory;
    if (!h.bridgeRunning.isEmpty()) {
        Json bridge = {{"running", json::str(h.bridgeRunning)}, {"waJs", json::str(h.bridgeWaJs)}};
        if (!h.bridgeFailed.isEmpty()) {
            bridge["failed"] = json::str(h.bridgeFailed);
            bridge["failure"] = json::str(h.bridgeFailure.left(1024)); // what the cloud reads
        }
        body["bridge"] = bridge;
    }
    return QByteArray::fromStdString(body.dump());
}

Result<Heartbeat> decodeHeartbeat(const QByteArray &bytes)
{
    auto root = parseObject(bytes);
    if (!root)
        return root.error();
    const Json &r = root.value();
    const auto tenant = json::string(r, "tenantId", 64);
    const auto agent = json::string(r, "agentId", 64);
    const auto session = json::string(r, "session", 32);
    const auto health = json::string(r, "health", 1024);
    const auto protection = json::string(r, "protection", 32);
    const auto queues = r.find("queues");
    const auto versions = r.find("versions");
    if (!tenant || !agent || !session || !health || !protection || queues == r.end() ||
        versions == r.end())
        return invalid(
            u"A heartbeat needs tenantId, agentId, session, health, protection, queues and versions."_s);
    const auto inbound = json::integer(*queues, "inbound");
    const auto outbound = json::integer(*queues, "outbound");
    const auto agentVersion = json::string(*versions, "agent", 32);
    const auto webVersion = json::optionalString(*versions, "whatsappWeb", 64);
    if (!inbound || !outbound || !agentVersion || !webVersion)
        return invalid(u"A heartbeat's queues and versions are malformed."_s);
    Heartbeat heartbeat;
    heartbeat.tenantId = *tenant;
    heartbeat.agentId = *agent;
    heartbeat.session = *session;
    heartbeat.health = *health;
    heartbeat.protection = *protection;
    heartbeat.inboundBacklog = *inbound;
    heartbeat.outboundBacklog = *outbound;
    heartbeat.agentVersion = *agentVersion;
    heartbeat.whatsAppVersion = *webVersion;
    // Optional: agents before the memory watchdog do not send it.
    if (const auto memory = r.find("memory"); memory != r.end()) {
        const bool measured = memory->is_object() && memory->contains("rendererMb");
        const auto renderer =
            measured ? json::integer(*memory, "rendererMb") : std::optional<qint64>(-1);
        const auto ceiling = json::integer(*memory, "ceilingMb");
        const auto reloads = json::integer(*memory, "reloads");
        if (!renderer || !ceiling || !reloads || (measured && *renderer < 0) || *ceiling < 0 ||
            *reloads < 0)
            return invalid(
                u"A heartbeat's memory must be {ceilingMb, reloads, rendererMb (optional)}, each a number of 0 or more."_s);
        heartbeat.rendererMb = *renderer;
        heartbeat.memoryCeilingMb = *ceiling;
        heartbeat.memoryReloads = *reloads;
    }
    // Optional: agents before bridge packages do not send it.
    if (const auto bridge = r.find("bridge"); bridge != r.end()) {
        const auto running = json::string(*bridge, "running", 32);
        const auto waJs = json::optionalString(*bridge, "waJs", 64);
        const auto failed = json::optionalString(*bridge, "failed", 32);
        const auto failure = json::optionalString(*bridge, "failure", 1024);
        if (!running || !waJs || !failed || !failure)
            return invalid(
                u"A heartbeat's bridge must be {running, waJs, failed (optional), failure (optional)}, each text."_s);
        heartbeat.bridgeRunning = *running;
        heartbeat.bridgeWaJs = *waJs;
        heartbeat.bridgeFailed = *failed;
        heartbeat.bridgeFailure = *failure;
    }
    return heartbeat;
}

QByteArray encode(const HeartbeatAnswer &answer)
{
    Json body = {{"ok", true}};
    if (answer.bridge)
        body["bridge"] = {{"version", json::str(answer.bridge->version)},
                          {"size", answer.bridge->size},
                          {"sha256", answer.bridge->sha256.toStdString()}};
    return QByteArray::fromStdString(body.dump());
}

Result<HeartbeatAnswer> decodeHeartbeatAnswer(const QByteArray &bytes)
{
    HeartbeatAnswer answer;
    if (bytes.trimmed().isEmpty())
        return answer;
    auto root = parseObject(bytes);
    if (!root)
        return root.error();
    const auto bridge = root.value().find("bridge");
    if (bridge == root.value().end() || bridge->is_null())
        return answer;
    const auto version = json::string(*bridge, "version", 32);
    const auto size = json::integer(*bridge, "size");
    const auto sha = json::string(*bridge, "sha256", 64);
    static const QRegularExpression hex(u"^[0-9a-f]{64}$"_s);
    if (!version || version->isEmpty() || !size || *size <= 0 || !sha ||
        !hex.match(*sha).hasMatch())
        return invalid(
            u"The heartbeat's answer announces a bridge package without a version, a size or a SHA-256 in hex."_s);
    answer.bridge = BridgeAnnouncement{*version, *size, sha->toLatin1()};
    return answer;
}

QByteArray encode(const BridgePackageRequest &request)
{
    const Json body = {{"v", kProtocolVersion}, {"version", json::str(request.version)}};
    return QByteArray::fromStdString(body.dump());
}

Result<BridgePackageRequest> decodeBridgePackageRequest(const QByteArray &bytes)
{
    auto root = parseObject(bytes);
    if (!root)
        return root.error();
    const auto version = json::string(root.value(), "version", 32);
    if (!version || version->isEmpty())
        return invalid(u"A bridge package request needs the version it asks for."_s);
    return BridgePackageRequest{*version};
}

QByteArray encode(const PairRequest &request)
{
    const Json body = {{"v", kProtocolVersion},
                       {"code", json::str(request.code)},
                       {"agentName", json::str(request.agentName)},
                       {"agentVersion", json::str(request.agentVersion)}};
    return QByteArray::fromStdString(body.dump());
}

QByteArray encode(const Credentials &credentials)
{
    const Json body = {{"v", kProtocolVersion},
                       {"tenantId", json::str(credentials.tenantId)},
                       {"agentId", json::str(credentials.agentId)},
                       {"token", json::str(credentials.token)},
                       {"secret", credentials.secret.toBase64().toStdString()},
                       {"jobsPort", credentials.jobsPort}};
    return QByteArray::fromStdString(body.dump());
}

Result<PairRequest> decodePairRequest(const QByteArray &bytes)
{
    auto root = parseObject(bytes);
    if (!root)
        return root.error();
    const auto code = json::string(root.value(), "code", 32);
    const auto name = json::optionalString(root.value(), "agentName", 128);
    const auto version = json::optionalString(root.value(), "agentVersion", 32);
    if (!code || code->isEmpty() || !name || !version)
        return invalid(u"A pairing request needs a 'code' (at most 32 characters)."_s);
    return PairRequest{*code, *name, *version};
}

Result<Credentials> decodeCredentials(const QByteArray &bytes)
{
    auto root = parseObject(bytes);
    if (!root)
        return Error{u"bad-response"_s,
                     u"The cloud's pairing answer cannot be read: %1"_s.arg(root.error().message)};
    const Json &r = root.value();
    const auto tenant = json::string(r, "tenantId", 64);
    const auto agent = json::string(r, "agentId", 64);
    const auto token = json::string(r, "token", 256);
    const auto secret = json::string(r, "secret", 256);
    if (!tenant || !isValidAccountId(*tenant) || !agent || !isValidAccountId(*agent) || !token ||
        token->isEmpty() || !secret)
        return Error{u"bad-response"_s,
                     u"The cloud's pairing answer lacks tenantId, agentId, token or secret."_s};
    const auto jobsPort = json::integer(r, "jobsPort");
    Credentials credentials{*tenant, *agent, *token, QByteArray::fromBase64(secret->toLatin1()),
                            jobsPort && *jobsPort > 0 && *jobsPort < 65536 ? int(*jobsPort) : 0};
    if (!credentials.isValid())
        return Error{u"bad-response"_s,
                     u"The cloud sent a signing secret shorter than 32 bytes."_s};
    return credentials;
}

QByteArray encode(const InboundRequest &request)
{
    const InboundMessage &m = request.message;
    Json message = {{"id", json::str(m.id)},
                    {"chatId", json::str(m.chatId)},
                    {"author", json::str(m.author)},
                    {"type", json::str(m.type)},
                    {"body", json::str(m.body)},
                    {"t", m.timestamp},
                    {"senderName", json::str(m.senderName)}};
    if (!m.quotedId.isEmpty())
        message["quotedId"] = json::str(m.quotedId);
    if (!m.phone.isEmpty())
        message["phone"] = json::str(m.phone);
    if (!m.lid.isEmpty())
        message["lid"] = json::str(m.lid);
    if (m.isMedia()) {
        message["media"] = {{"mimetype", json::str(m.mimetype)},
                            {"filename", json::str(m.filename)},
                            {"size", m.mediaSize},
                            {"data", json::base64(m.media)},
                            {"error", json::str(m.mediaError)}};
    }
    if (m.type == u"location"_s)
        message["location"] = {{"latitude", m.latitude}, {"longitude", m.longitude}};
    const Json body = {
        {"v", kProtocolVersion},
        {"tenantId", json::str(request.tenantId)},
        {"agentId", json::str(request.agentId)},
        {"message", std::move(message)},
        {"late", request.late},
    };
    return QByteArray::fromStdString(body.dump());
}

QByteArray encode(const InboundResponse &response)
{
    Json replies = Json::array();
    for (const Reply &r : response.replies) {
        Json reply = {{"clientId", json::str(r.clientId)},
                      {"chatId", json::str(r.chatId)},
                      {"text", json::str(r.text)}};
        putAttachment(reply, {r.quotedId, r.mimetype, r.filename, r.media, r.poll});
        replies.push_back(std::move(reply));
    }
    const Json body = {{"v", kProtocolVersion},
                       {"messageId", json::str(response.messageId)},
                       {"replies", replies}};
    return QByteArray::fromStdString(body.dump());
}

QByteArray encode(const StatusReport &report)
{
    Json body = statusFields(report);
    body["v"] = kProtocolVersion;
    body["tenantId"] = json::str(report.tenantId);
    body["agentId"] = json::str(report.agentId);
    return QByteArray::fromStdString(body.dump());
}

QByteArray encode(const StatusBatch &batch)
{
    Json reports = Json::array();
    for (const StatusReport &report : batch.reports)
        reports.push_back(statusFields(report));
    const Json body = {
        {"v", kProtocolVersion},
        {"tenantId", json::str(batch.tenantId)},
        {"agentId", json::str(batch.agentId)},
        {"reports", std::move(reports)},
    };
    return QByteArray::fromStdString(body.dump());
}

QByteArray encodeError(const QString &code, const QString &message)
{
    const Json body = {{"error", {{"code", json::str(code)}, {"message", json::str(message)}}}};
    return QByteArray::fromStdString(body.dump());
}

Result<InboundRequest> decodeInboundRequest(const QByteArray &bytes)
{
    const auto request = accountRequest(bytes);
    if (!request)
        return request.error();
    const Json &r = request.value().body;
    const auto it = r.find("message");
    if (it == r.end() || !it->is_object())
        return invalid(u"The member 'message' must be an object."_s);
    const Json &m = *it;
    const auto id = json::string(m, "id", bridge::kMaxIdLength);
    const auto chatId = json::string(m, "chatId", bridge::kMaxIdLength);
    const auto author = json::optionalString(m, "author", bridge::kMaxIdLength);
    const auto type = json::string(m, "type", 64);
    const auto body = json::optionalString(m, "body", bridge::kMaxBodyLength);
    const auto t = json::integer(m, "t");
    const auto name = json::optionalString(m, "senderName", 256);
    if (!id || id->isEmpty() || !chatId || !chatId->contains(u'@'))
        return invalid(u"message.id and message.chatId are required."_s);
    if (!type || !body || !author || !name || !t)
        return invalid(
            u"message.type, message.body and message.t must be present with the right types."_s);
    InboundMessage message{*id, *chatId, *author, *type, *body, *t, *name};
    const auto quoted = json::optionalString(m, "quotedId", bridge::kMaxIdLength);
    if (!quoted)
        return invalid(u"message.quotedId must be text."_s);
    message.quotedId = *quoted;
    const auto who = json::person(m);
    if (!who)
        return invalid(u"message.phone must be an E.164 number (+491701234567) and message.lid a "
                       u"LID (…@lid)."_s);
    message.phone = who->phone;
    message.lid = who->lid;
    if (const auto media = m.find("media"); media != m.end()) {
        const auto mimetype = json::optionalString(*media, "mimetype", 256);
        const auto filename = json::optionalString(*media, "filename", 1024);
        const auto size = json::optionalInteger(*media, "size");
        const auto data = json::optionalBase64(*media, "data", bridge::kMaxMediaBytes);
        const auto error = json::optionalString(*media, "error", 1024);
        if (!media->is_object() || !mimetype || !filename || !size || *size < 0 || !data || !error)
            return invalid(
                u"message.media must hold mimetype, filename, size, data (base64, at most %1 bytes) and error."_s
                    .arg(bridge::kMaxMediaBytes));
        message.mimetype = *mimetype;
        message.filename = *filename;
        message.mediaSize = *size;
        message.media = *data;
        message.mediaError = *error;
    }
    if (const auto location = m.find("location"); location != m.end()) {
        const auto lat = json::optionalNumber(*location, "latitude");
        const auto lng = json::optionalNumber(*location, "longitude");
        if (!location->is_object() || !lat || !lng || std::abs(*lat) > 90 || std::abs(*lng) > 180)
            return invalid(u"message.location must hold a latitude and a longitude."_s);
        message.latitude = *lat;
        message.longitude = *lng;
    }
    const auto late = json::optionalBoolean(r, "late");
    if (!late)
        return invalid(u"The member 'late' must be true or false."_s);
    return InboundRequest{request.value().tenantId, request.value().agentId, message, *late};
}

Result<InboundResponse> decodeInboundResponse(const QByteArray &bytes)
{
    auto root = parseObject(bytes);
    if (!root)
        return Error{u"bad-response"_s,
                     u"The cloud's answer cannot be read: %1"_s.arg(root.error().message)};
    const Json &r = root.value();
    const auto messageId = json::string(r, "messageId", bridge::kMaxIdLength);
    const auto it = r.find("replies");
    if (!messageId || it == r.end() || !it->is_array())
        return Error{u"bad-response"_s, u"The cloud's answer lacks 'messageId' or 'replies'."_s};
    if (qsizetype(it->size()) > kMaxRepliesPerMessage)
        return Error{
            u"bad-response"_s,
            u"The cloud sent more than %1 replies to one message."_s.arg(kMaxRepliesPerMessage)};
    InboundResponse response{*messageId, {}};
    for (const Json &item : *it) {
        const auto clientId = json::string(item, "clientId", bridge::kMaxIdLength);
        const auto chatId = json::string(item, "chatId", bridge::kMaxIdLength);
        const auto text = json::optionalString(item, "text", bridge::kMaxBodyLength);
        const auto extra = attachment(item);
        if (!clientId || clientId->isEmpty() || !chatId || !chatId->contains(u'@') || !text ||
            !extra || (text->isEmpty() && extra->media.isEmpty()))
            return Error{
                u"bad-response"_s,
                u"A reply from the cloud lacks clientId, chatId, or text or media (mimetype, filename, data), or its poll is not {options: [text], multipleChoice: boolean}."_s};
        if (const QString problem = attachmentProblem(*text, *extra); !problem.isEmpty())
            return Error{u"bad-response"_s,
                         u"Reply %1 from the cloud cannot be sent: %2"_s.arg(*clientId, problem)};
        response.replies.append(Reply{*clientId, *chatId, *text, extra->quotedId, extra->mimetype,
                                      extra->filename, extra->media, extra->poll});
    }
    return response;
}

Result<StatusReport> decodeStatusReport(const QByteArray &bytes)
{
    auto request = accountRequest(bytes);
    if (!request)
        return request.error();
    auto report = statusChange(request.value().body);
    if (report) {
        report.value().tenantId = request.value().tenantId;
        report.value().agentId = request.value().agentId;
    }
    return report;
}

Result<StatusBatch> decodeStatusBatch(const QByteArray &bytes)
{
    auto request = accountRequest(bytes);
    if (!request)
        return request.error();
    const Json &body = request.value().body;
    const auto reports = body.find("reports");
    if (reports == body.end() || !reports->is_array() || reports->empty() ||
        reports->size() > size_t(kMaxStatusBatch))
        return invalid(u"reports must be a list of 1 to %1 status changes."_s.arg(kMaxStatusBatch));
    StatusBatch batch{request.value().tenantId, request.value().agentId, {}};
    for (const Json &item : *reports) {
        auto report = item.is_object() ? statusChange(item)
                                       : Result<StatusReport>(invalid(u"Not an object."_s));
        if (!report)
            return invalid(
                u"reports[%1]: %2"_s.arg(batch.reports.size()).arg(report.error().message));
        report.value().tenantId = batch.tenantId;
        report.value().agentId = batch.agentId;
        batch.reports.append(std::move(report.value()));
    }
    return batch;
}

std::optional<Error> decodeError(const QByteArray &bytes)
{
    const Json root = json::parse(bytes);
    if (root.is_discarded() || !root.is_object())
        return std::nullopt;
    const auto it = root.find("error");
    if (it == root.end() || !it->is_object())
        return std::nullopt;
    const auto code = json::string(*it, "code", 64);
    const auto message = json::string(*it, "message", 1024);
    if (!code || !message)
        return std::nullopt;
    return Error{*code, *message};
}

} // namespace sak::cloud
