#include "agent/protocol/jsonutil.h"

namespace sak::json {

Json parse(const QByteArray &bytes, bool *tooDeep)
{
    // nlohmann's reader is a loop with a stack of its own, so reading never recurses; only the
    // value it builds could be too deep for dump() or a recursive reader. A container that opens
    // at the limit is not kept (the callback discards it, and everything in it, while reading),
    // so a deep input costs one scan of its bytes, never a deep tree.
    bool deep = false;
    const Json::parser_callback_t limit = [&deep](int depth, Json::parse_event_t event, Json &) {
        if (depth >= kMaxDepth && (event == Json::parse_event_t::object_start ||
                                   event == Json::parse_event_t::array_start)) {
            deep = true;
            return false;
        }
        return true;
    };
    Json value =
        Json::parse(bytes.constBegin(), bytes.constEnd(), limit, /*allow_exceptions=*/false);
    if (tooDeep)
        *tooDeep = deep;
    return deep ? Json(Json::value_t::discarded) : value;
}

std::optional<QString> string(const Json &object, const char *key, qsizetype maxLength)
{
    if (!object.is_object())
        return std::nullopt;
    const auto it = object.find(key);
    if (it == object.end() || !it->is_string())
        return std::nullopt;
    const auto &raw = it->get_ref<const std::string &>();
    // The byte length bounds the character length from above; checked first so that a
    // huge string is refused before it is converted.
    if (qsizetype(raw.size()) > maxLength * 4)
        return std::nullopt;
    QString value = QString::fromStdString(raw);
    if (value.size() > maxLength)
        return std::nullopt;
    return value;
}

std::optional<QString> optionalString(const Json &object, const char *key, qsizetype maxLength)
{
    if (!object.is_object())
        return std::nullopt;
    const auto it = object.find(key);
    if (it == object.end() || it->is_null())
        return QString();
    return string(object, key, maxLength);
}

std::optional<qint64> integer(const Json &object, const char *key)
{
    if (!object.is_object())
        return std::nullopt;
    const auto it = object.find(key);
    if (it == object.end() || !it->is_number_integer())
        return std::nullopt;
    return it->get<qint64>();
}

std::optional<bool> boolean(const Json &object, const char *key)
{
    if (!object.is_object())
        return std::nullopt;
    const auto it = object.find(key);
    if (it == object.end() || !it->is_boolean())
        return std::nullopt;
    return it->get<bool>();
}

std::optional<bool> optionalBoolean(const Json &object, const char *key)
{
    if (!object.is_object())
        return std::nullopt;
    const auto it = object.find(key);
    if (it == object.end() || it->is_null())
        return false;
    return boolean(object, key);
}

std::optional<qint64> optionalInteger(const Json &object, const char *key)
{
    if (!object.is_object())
        return std::nullopt;
    const auto it = object.find(key);
    if (it == object.end() || it->is_null())
        return 0;
    return integer(object, key);
}

std::optional<double> optionalNumber(const Json &object, const char *key)
{
    if (!object.is_object())
        return std::nullopt;
    const auto it = object.find(key);
    if (it == object.end() || it->is_null())
        return 0.0;
    if (!it->is_number())
        return std::nullopt;
    return it->get<double>();
}

std::optional<QByteArray> optionalBase64(const Json &object, const char *key, qsizetype maxBytes)
{
    if (!object.is_object())
        return std::nullopt;
    const auto it = object.find(key);
    if (it == object.end() || it->is_null())
        return QByteArray();
    if (!it->is_string())
        return std::nullopt;
    const auto &raw = it->get_ref<const std::string &>();
    if (qsizetype(raw.size()) > (maxBytes + 2) / 3 * 4)
        return std::nullopt;
    auto decoded = QByteArray::fromBase64Encoding(QByteArray::fromStdString(raw),
                                                  QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    return *decoded;
}

std::optional<Recipient> person(const Json &object)
{
    const auto phone = optionalString(object, "phone", 16);
    const auto lid = optionalString(object, "lid", 256);
    if (!phone || !lid || (!phone->isEmpty() && !isInternationalNumber(*phone)) ||
        (!lid->isEmpty() && !lid->endsWith(QLatin1String("@lid"))))
        return std::nullopt;
    return Recipient{{}, *phone, *lid};
}

Json pollJson(const Poll &poll)
{
    Json options = Json::array();
    for (const QString &option : poll.options)
        options.push_back(str(option));
    return {{"options", std::move(options)}, {"multipleChoice", poll.multipleChoice}};
}

} // namespace sak::json
