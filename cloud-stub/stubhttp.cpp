#include "cloud-stub/stubhttp.h"

#include "agent/protocol/cloudprotocol.h"
#include "cloud-stub/httpservercompat.h"

#include <QFile>
#include <QHttpServer>
#include <QJsonDocument>
#include <QMetaEnum>

using namespace Qt::Literals::StringLiterals;

namespace sak::stub {
namespace {

using HttpStatus = QHttpServerResponse::StatusCode;

} // namespace

QHttpServerResponse jsonResponse(const QByteArray &body, int status)
{
    return QHttpServerResponse("application/json", body, static_cast<HttpStatus>(status));
}

QHttpServerResponse jsonResponse(const QJsonObject &object, int status)
{
    return jsonResponse(QJsonDocument(object).toJson(QJsonDocument::Compact), status);
}

QHttpServerResponse errorResponse(const sak::Error &error, int status)
{
    return jsonResponse(cloud::encodeError(error.code, error.message), status);
}

QHttpServerResponse resultResponse(const Result<QJsonObject> &result, int failStatus)
{
    return result ? jsonResponse(result.value()) : errorResponse(result.error(), failStatus);
}

std::optional<QJsonObject> bodyObject(const QHttpServerRequest &request)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(request.body(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

QHttpServerResponse staticFile(const QString &name, const QByteArray &mimeType)
{
    QFile file(u":/sak/stub/web/"_s + name);
    if (!file.open(QIODevice::ReadOnly))
        return errorResponse({u"not-found"_s, u"No such file."_s}, 404);
    QHttpServerResponse response(mimeType, file.readAll());
    compat::addHeader(response, "Cache-Control", "no-store");
    return response;
}

void notFound(QHttpServer *server)
{
    compat::setMissingHandler(server, [](const QHttpServerRequest &request,
                                         QHttpServerResponder &responder) {
        responder.write(
            cloud::encodeError(u"not-found"_s,
                               u"Nothing at %1 %2."_s.arg(
                                   QString::fromLatin1(
                                       QMetaEnum::fromType<QHttpServerRequest::Method>().valueToKey(
                                           int(request.method()))),
                                   request.url().path())),
            "application/json", QHttpServerResponder::StatusCode::NotFound);
    });
}

QByteArray deeplyNested(int depth)
{
    return QByteArray(depth, '[') + QByteArray(depth, ']');
}

} // namespace sak::stub
