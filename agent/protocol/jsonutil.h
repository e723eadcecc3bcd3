#pragma once

#include "agent/protocol/messagetypes.h"

#include <QString>

#include <nlohmann/json.hpp>

#include <optional>

// Small checked accessors over nlohmann::json that never throw: every input the agent reads
// (from the page or the network) is untrusted, and a wrong type must become an error value.
namespace sak::json {

using Json = nlohmann::json;

// Containers nested deeper than this are refused: nothing the page or the cloud sends needs
// more, and a deeper value would recurse in dump() (and in any recursive reader) until the
// stack ends.
inline constexpr int kMaxDepth = 32;

// Parses without exceptions; a discarded value (is_discarded()) means "not JSON", or nested
// deeper than kMaxDepth (then *tooDeep is set, when given). Nothing deeper is ever built.
Json parse(const QByteArray &bytes, bool *tooDeep = nullptr);

std::optional<QString> string(const Json &object, const char *key, qsizetype maxLength);
// Like string(), but a missing or null member is an empty string; a wrong type is still an error.
std::optional<QString> optionalString(const Json &object, const char *key, qsizetype maxLength);
std::optional<qint64> integer(const Json &object, const char *key);
std::optional<bool> boolean(const Json &object, const char *key);
// Absent (or null) is 0 / empty; present with the wrong type is nullopt.
std::optional<qint64> optionalInteger(const Json &object, const char *key);
std::optional<bool> optionalBoolean(const Json &object, const char *key); // absent: false
std::optional<double> optionalNumber(const Json &object, const char *key);
// Base64 text decoded to at most maxBytes bytes; nullopt when not base64 or larger.
std::optional<QByteArray> optionalBase64(const Json &object, const char *key, qsizetype maxBytes);
// Bytes as base64 text.
inline std::string base64(const QByteArray &bytes)
{
    return bytes.toBase64().toStdString();
}

inline std::string str(const QString &s)
{
    return s.toStdString();
}

// The shapes the page's and the cloud's messages share.
// A person's optional "phone" (E.164) and "lid" (<digits>@lid); nullopt when either is
// malformed. The result's chatId is empty.
std::optional<Recipient> person(const Json &object);
// A poll as {"options": [...], "multipleChoice": bool}.
Json pollJson(const Poll &poll);

} // namespace sak::json
