// The job channel's messages (cloudprotocol.h): the jobs the cloud pushes, the signed frames
// that carry them over the WebSocket, and the long-poll fallback's requests and answers.
#include "agent/protocol/bridgeprotocol.h"
#include "agent/protocol/cloudprotocol.h"
#include "agent/protocol/cloudprotocoljson.h"

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace sak::cloud {

using json::Json;
using namespace detail;

QByteArray encode(const OutboundJob &job)
{
    const bool image = job.mimetype.startsWith(u"image/"_s);
    Json content = {{"type", !job.poll.isEmpty()   ? "poll"
                             : job.media.isEmpty() ? "text"
                             : image               ? "image"
                                                   : "document"},
                    {"text", json::str(job.text)}};
    putAttachment(content, {job.quotedId, job.mimetype, job.filename, job.media, job.poll});
    const Json body = {{"clientId", json::str(job.clientId)}, {"chatId", json::str(job.chatId)},
                       {"content", std::move(content)},       {"priority", job.priority},
                       {"notBefore", job.notBefore},          {"expiresAt", job.expiresAt}};
    return QByteArray::fromStdString(body.dump());
}

Result<OutboundJob> decodeOutboundJob(const QByteArray &bytes)
{
    auto root = parseObject(bytes);
    if (!root)
        return root.error();
    const Json &r = root.value();
    const auto clientId = json::string(r, "clientId", bridge::kMaxIdLength);
    const auto chatId = json::string(r, "chatId", bridge::kMaxIdLength);
    const auto content = r.find("content");
    const auto priority = json::integer(r, "priority");
    const auto notBefore = json::integer(r, "notBefore");
    const auto expiresAt = json::integer(r, "expiresAt");
    if (!clientId || clientId->isEmpty() || !chatId || !chatId->contains(u'@') ||
        content == r.end() || !priority || !notBefore || !expiresAt)
        return invalid(
            u"A job needs clientId, chatId, content, priority, notBefore and expiresAt."_s);
    // Refused rather than clamped: a time past the year 9999 is a bug at the cloud, and the
    // agent would otherwise keep the job (or drop it) for a reason nobody asked for.
    for (const auto &[name, seconds] :
         {std::pair{"notBefore", *notBefore}, {"expiresAt", *expiresAt}}) {
        if (seconds < 0 || seconds > kMaxUnixSeconds)
            return invalid(
                u"Job %1: %2 must be unix seconds from 0 (none) to %3 (the year 9999); it is %4."_s
                    .arg(*clientId, QLatin1String(name))
                    .arg(kMaxUnixSeconds)
                    .arg(seconds));
    }
    const auto type = json::string(*content, "type", 16);
    const auto text = json::optionalString(*content, "text", bridge::kMaxBodyLength);
    const auto extra = attachment(*content);
    if (!type || !QStringList{u"text"_s, u"image"_s, u"document"_s, u"poll"_s}.contains(*type))
        return invalid(u"content.type must be text, image, document or poll (it is '%1')."_s.arg(
            type.value_or(QString())));
    if (!text || !extra)
        return invalid(
            u"content needs text (at most 65536 characters) and, for an image or document, mimetype, filename and data (base64); for a poll, poll: {options: [text], multipleChoice: boolean}."_s);
    const bool poll = *type == u"poll"_s;
    if (poll != extra->pollGiven)
        return invalid(u"A poll job needs content.poll, and only a poll job has one."_s);
    if (const QString problem = attachmentProblem(*text, *extra); !problem.isEmpty())
        return invalid(problem);
    if (!poll &&
        ((*type == u"text"_s) != extra->media.isEmpty() || (*type == u"text"_s && text->isEmpty())))
        return invalid(
            u"A text job needs content.text; an image or document job needs its data."_s);
    OutboundJob job{*clientId,  *chatId,   *text, int(std::clamp<qint64>(*priority, -1000, 1000)),
                    *notBefore, *expiresAt};
    job.quotedId = extra->quotedId;
    job.mimetype = extra->mimetype;
    job.filename = extra->filename;
    job.media = extra->media;
    job.poll = extra->poll;
    return job;
}

namespace {

Json frameJson(const SignedFrame &frame)
{
    return {{"type", json::str(frame.type)},
            {"payload", frame.payload.toStdString()},
            {"ts", frame.timestamp.toStdString()},
            {"nonce", frame.nonce.toStdString()},
            {"sig", frame.signature.toStdString()}};
}

// A frame read from its JSON object, wherever it came: a socket message or a poll's answer.
Result<SignedFrame> frameFrom(const Json &r)
{
    const auto type = json::string(r, "type", 16);
    const auto payload = json::optionalString(r, "payload", kMaxRequestBytes);
    const auto ts = json::optionalString(r, "ts", 32);
    const auto nonce = json::optionalString(r, "nonce", 64);
    const auto sig = json::optionalString(r, "sig", 128);
    if (!type || !payload || !ts || !nonce || !sig)
        return invalid(u"A frame needs type, payload, ts, nonce and sig."_s);
    return SignedFrame{*type, payload->toUtf8(), ts->toLatin1(), nonce->toLatin1(),
                       sig->toLatin1()};
}

} // namespace

Result<SignedFrame> decodeFrame(const QByteArray &bytes)
{
    auto root = parseObject(bytes);
    if (!root)
        return root.error();
    return frameFrom(root.value());
}

QByteArray encodeFrame(const SignedFrame &frame)
{
    return QByteArray::fromStdString(frameJson(frame).dump());
}

QByteArray encodeHello(const QString &token, const QByteArray &timestamp, const QByteArray &nonce,
                       const QByteArray &signature)
{
    const Json body = {{"type", "hello"},
                       {"token", json::str(token)},
                       {"ts", timestamp.toStdString()},
                       {"nonce", nonce.toStdString()},
                       {"sig", signature.toStdString()}};
    return QByteArray::fromStdString(body.dump());
}

QByteArray encodeAck(const QString &clientId)
{
    const Json body = {{"type", "ack"}, {"clientId", json::str(clientId)}};
    return QByteArray::fromStdString(body.dump());
}

QByteArray encode(const JobsPoll &poll)
{
    Json acks = Json::array();
    for (const QString &id : poll.acks)
        acks.push_back(json::str(id));
    const Json body = {{"acks", acks}, {"wait", poll.waitSeconds}};
    return QByteArray::fromStdString(body.dump());
}

Result<JobsPoll> decodeJobsPoll(const QByteArray &bytes)
{
    auto root = parseObject(bytes);
    if (!root)
        return root.error();
    const Json &r = root.value();
    const auto wait = json::integer(r, "wait");
    const auto acks = r.find("acks");
    if (!wait || *wait < 0 || *wait > kMaxPollWaitSeconds || acks == r.end() || !acks->is_array() ||
        qsizetype(acks->size()) > kMaxAcksPerPoll)
        return invalid(
            u"A poll needs wait (0 to %1 seconds) and acks (a list of at most %2 client ids)."_s
                .arg(kMaxPollWaitSeconds)
                .arg(kMaxAcksPerPoll));
    JobsPoll poll;
    poll.waitSeconds = int(*wait);
    for (const Json &id : *acks) {
        if (!id.is_string() || id.get_ref<const std::string &>().empty() ||
            qsizetype(id.get_ref<const std::string &>().size()) > bridge::kMaxIdLength)
            return invalid(u"Every acknowledged id must be a non-empty string."_s);
        poll.acks.append(QString::fromStdString(id.get<std::string>()));
    }
    return poll;
}

QByteArray encodeFrames(const QList<SignedFrame> &frames)
{
    Json list = Json::array();
    for (const SignedFrame &frame : frames)
        list.push_back(frameJson(frame));
    const Json body = {{"frames", list}};
    return QByteArray::fromStdString(body.dump());
}

Result<QList<SignedFrame>> decodeFrames(const QByteArray &bytes)
{
    auto root = parseObject(bytes);
    if (!root)
        return root.error();
    const auto frames = root.value().find("frames");
    if (frames == root.value().end() || !frames->is_array())
        return invalid(u"A poll answer needs frames (a list)."_s);
    QList<SignedFrame> out;
    for (const Json &frame : *frames) {
        // Read where it lies: a frame is never written out again before its signature is
        // checked (that cost a copy of each job, and recursed on a deep value).
        if (!frame.is_object())
            return invalid(u"Every frame of a poll answer must be an object."_s);
        auto decoded = frameFrom(frame);
        if (!decoded)
            return decoded.error();
        out.append(std::move(decoded).value());
    }
    return out;
}

} // namespace sak::cloud
