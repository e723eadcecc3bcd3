#pragma once

#include "agent/base/result.h"
#include "agent/protocol/jsonutil.h"

#include <QByteArray>
#include <QString>

#include <optional>

// What both halves of the cloud protocol's code read and write with: cloudprotocol.cpp (the
// HTTPS requests and answers) and cloudprotocoljobs.cpp (the job channel). Not part of the
// protocol's interface: cloudprotocol.h is.
namespace sak::cloud::detail {

// The error every malformed body gives.
Error invalid(const QString &what);
// The bytes as a JSON object of at most kMaxRequestBytes.
Result<json::Json> parseObject(const QByteArray &bytes);

// What the shop sends besides the text, shared by replies and jobs.
struct Attachment
{
    QString quotedId;
    QString mimetype;
    QString filename;
    QByteArray media;
};

void putAttachment(json::Json &object, const QString &quotedId, const QString &mimetype,
                   const QString &filename, const QByteArray &media);
// quotedId, and an image or document as mimetype + filename + data (base64); all optional.
std::optional<Attachment> attachment(const json::Json &object);

} // namespace sak::cloud::detail
