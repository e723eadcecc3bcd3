#include "agent/protocol/cloudprotocoljson.h"

#include "agent/protocol/bridgeprotocol.h"
#include "agent/protocol/cloudprotocol.h"

using namespace Qt::Literals::StringLiterals;

namespace sak::cloud::detail {

using json::Json;

Error invalid(const QString &what)
{
    return Error{u"invalid-request"_s, what};
}

Result<Json> parseObject(const QByteArray &bytes)
{
    if (bytes.size() > kMaxRequestBytes)
        return invalid(u"The body is larger than %1 bytes."_s.arg(kMaxRequestBytes));
    bool tooDeep = false;
    Json root = json::parse(bytes, &tooDeep);
    if (tooDeep)
        return invalid(u"The body is nested more than %1 levels deep; no message of the protocol "
                       u"is."_s.arg(json::kMaxDepth));
    if (root.is_discarded() || !root.is_object())
        return invalid(u"The body is not a JSON object."_s);
    return root;
}

void putAttachment(Json &object, const Attachment &a)
{
    if (!a.quotedId.isEmpty())
        object["quotedId"] = json::str(a.quotedId);
    if (!a.media.isEmpty()) {
        object["mimetype"] = json::str(a.mimetype);
        object["filename"] = json::str(a.filename);
        object["data"] = json::base64(a.media);
    }
    if (!a.poll.isEmpty())
        object["poll"] = json::pollJson(a.poll);
}

std::optional<Attachment> attachment(const Json &object)
{
    const auto quoted = json::optionalString(object, "quotedId", bridge::kMaxIdLength);
    const auto mimetype = json::optionalString(object, "mimetype", 256);
    const auto filename = json::optionalString(object, "filename", 1024);
    const auto data = json::optionalBase64(object, "data", bridge::kMaxMediaBytes);
    if (!quoted || !mimetype || !filename || !data || data->isEmpty() != mimetype->isEmpty())
        return std::nullopt;
    Attachment a{*quoted, *mimetype, *filename, *data};
    if (const auto poll = object.find("poll"); poll != object.end()) {
        // Shapes only here: what WhatsApp takes is attachmentProblem()'s to say.
        const auto options = poll->is_object() ? poll->find("options") : poll->end();
        const auto multiple =
            poll->is_object() ? json::optionalBoolean(*poll, "multipleChoice") : std::nullopt;
        if (!poll->is_object() || options == poll->end() || !options->is_array() ||
            options->size() > 64 || !multiple)
            return std::nullopt;
        for (const Json &option : *options) {
            if (!option.is_string() || option.get_ref<const std::string &>().size() > 4096)
                return std::nullopt;
            a.poll.options.append(QString::fromStdString(option.get<std::string>()));
        }
        a.poll.multipleChoice = *multiple;
        a.pollGiven = true;
    }
    return a;
}

QString attachmentProblem(const QString &text, const Attachment &a)
{
    if (!a.pollGiven)
        return {};
    if (!a.media.isEmpty())
        return u"A poll cannot carry a file."_s;
    return pollProblem(text, a.poll);
}

} // namespace sak::cloud::detail
