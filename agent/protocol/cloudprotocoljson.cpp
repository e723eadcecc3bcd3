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
    Json root = json::parse(bytes);
    if (root.is_discarded() || !root.is_object())
        return invalid(u"The body is not a JSON object."_s);
    return root;
}

void putAttachment(Json &object, const QString &quotedId, const QString &mimetype,
                   const QString &filename, const QByteArray &media)
{
    if (!quotedId.isEmpty())
        object["quotedId"] = json::str(quotedId);
    if (!media.isEmpty()) {
        object["mimetype"] = json::str(mimetype);
        object["filename"] = json::str(filename);
        object["data"] = json::base64(media);
    }
}

// quotedId, and an image or document as mimetype + filename + data (base64); all optional.
std::optional<Attachment> attachment(const Json &object)
{
    const auto quoted = json::optionalString(object, "quotedId", bridge::kMaxIdLength);
    const auto mimetype = json::optionalString(object, "mimetype", 256);
    const auto filename = json::optionalString(object, "filename", 1024);
    const auto data = json::optionalBase64(object, "data", bridge::kMaxMediaBytes);
    if (!quoted || !mimetype || !filename || !data || data->isEmpty() != mimetype->isEmpty())
        return std::nullopt;
    return Attachment{*quoted, *mimetype, *filename, *data};
}

} // namespace sak::cloud::detail
