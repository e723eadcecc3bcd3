#pragma once

// The one place where the stub meets what changed in Qt HTTP Server between Qt 6.4 (the
// Debian 12 machines) and the later LTS releases (the Windows builds, docs/windows.md):
// response headers became QHttpHeaders, and the missing-route handler takes a context object
// and an lvalue responder. Everything else the stub uses is the same in both.

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
#include <QHttpServerWebSocketUpgradeResponse>
#endif
#include <QtGlobal>

namespace sak::stub::compat {

inline void addHeader(QHttpServerResponse &response, const QByteArray &name,
                      const QByteArray &value)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    QHttpHeaders headers = response.headers();
    headers.append(name, value);
    response.setHeaders(std::move(headers));
#else
    response.setHeader(name, value);
#endif
}

// `handler(request, responder)` answers every request no route takes.
template<typename Handler>
void setMissingHandler(QHttpServer *server, Handler handler)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    server->setMissingHandler(
        server, [handler](const QHttpServerRequest &request, QHttpServerResponder &responder) {
            handler(request, responder);
        });
#else
    server->setMissingHandler(
        [handler](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            handler(request, responder);
        });
#endif
}

// Lets WebSocket upgrades to `path` through (the server's newWebSocketConnection then has them).
// From 6.8 a verifier accepts them; Qt 6.4 upgrades a request only when a route takes it and
// writes no answer (any answer would reach the client before the handshake).
inline void acceptWebSockets(QHttpServer *server, const QString &path)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    server->addWebSocketUpgradeVerifier(server, [path](const QHttpServerRequest &request) {
        return request.url().path() == path ? QHttpServerWebSocketUpgradeResponse::accept()
                                            : QHttpServerWebSocketUpgradeResponse::passToNext();
    });
#else
    server->route(path, [](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        if (request.value("upgrade").compare("websocket", Qt::CaseInsensitive) == 0)
            return;
        responder.write(QHttpServerResponder::StatusCode::UpgradeRequired);
    });
#endif
}

} // namespace sak::stub::compat
