#pragma once

#include "agent/delivery/whatsappsession.h"

#include <QJsonObject>
#include <QString>
#include <QWebEngineScript>

class QWebEngineScriptCollection;

namespace sak::pagescripts {

// What the bridge injects into WhatsApp Web, on every navigation, before the page's own
// scripts: into the main world, in this order, wa-js's settings (js/config.js), the wa-js
// bundle and the page agent (the adapter over wa-js, given the agent's settings); into
// ApplicationWorld, qwebchannel.js and the relay that holds the channel. The bundle, the
// adapter and the relay are the built-in ones or a delivered bridge package's (BridgeCode);
// wa-js's settings are always the built-in ones (a package is trusted for its release key's
// signature; what keeps the page from third parties is the request policy).

QString libraryConfigSource(); // wa-js's settings
QString librarySource();       // the pinned wa-js bundle
// The adapter (the built-in one for an empty `adapter`) with the agent's settings as its
// argument, so that it has them from its first line (before a configure command could arrive).
QString pageAgentSource(const QJsonObject &settings = {}, const QString &adapter = {});
QString relaySource(const QString &relay = {});

// A script run in the top frame at document creation, in the given world.
QWebEngineScript documentScript(const QString &name, const QString &source,
                                quint32 world = QWebEngineScript::MainWorld);

// All of them (replacing what was there), the page agent with these settings.
void install(QWebEngineScriptCollection &scripts, const QJsonObject &settings,
             const BridgeCode &code = {});
// The page agent again, with new settings, for the next navigation.
void reinstallPageAgent(QWebEngineScriptCollection &scripts, const QJsonObject &settings,
                        const BridgeCode &code = {});

} // namespace sak::pagescripts
