#pragma once

#include "agent/base/result.h"

#include <QByteArray>
#include <QHttpServerResponse>
#include <QJsonObject>

#include <optional>

class QHttpServer;
class QHttpServerRequest;

// The stub's HTTP answers, the same on both listeners: JSON bodies, errors in the cloud's
// shape (docs/protocol.md), the bundled web files, and a JSON 404 for any other path.
namespace sak::stub {

QHttpServerResponse jsonResponse(const QByteArray &body, int status = 200);
QHttpServerResponse jsonResponse(const QJsonObject &object, int status = 200);
QHttpServerResponse errorResponse(const sak::Error &error, int status);
// The object, or the error answered with `failStatus`.
QHttpServerResponse resultResponse(const Result<QJsonObject> &result, int failStatus = 400);
// The request's body when it is a JSON object.
std::optional<QJsonObject> bodyObject(const QHttpServerRequest &request);
// A file of web/ (from the resources), never cached.
QHttpServerResponse staticFile(const QString &name, const QByteArray &mimeType);
void notFound(QHttpServer *server);
// A JSON array `depth` levels deep ("[[[...]]]"), for the faults that test the agent's readers.
QByteArray deeplyNested(int depth);
inline constexpr int kNestedFaultDepth = 100000;

} // namespace sak::stub
