#pragma once

#include "agent/base/result.h"
#include "agent/protocol/jsonutil.h"
#include "agent/protocol/messagetypes.h"

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
    Poll poll{};
    bool pollGiven = false; // "poll" was there (its options may still be too few)
};

void putAttachment(json::Json &object, const Attachment &attachment);
// quotedId, an image or document as mimetype + filename + data (base64), and a poll as
// poll: {options, multipleChoice}; all optional. Empty when a field has the wrong shape;
// attachmentProblem() then tells what the cloud must change.
std::optional<Attachment> attachment(const json::Json &object);
// Why this text with this attachment cannot be sent (a poll that WhatsApp would refuse, a poll
// with a file); empty when it can.
QString attachmentProblem(const QString &text, const Attachment &attachment);

} // namespace sak::cloud::detail
