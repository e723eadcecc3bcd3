#pragma once

#include <QJsonObject>
#include <QString>
#include <QWebEngineScript>

class QWebEngineScriptCollection;

namespace sak::pagescripts {

// What the bridge injects into WhatsApp Web, on every navigation, before the page's own
// scripts: into the main world, in this order, wa-js's settings (js/config.js), the pinned wa-js
// bundle and the page agent (the adapter over wa-js, given the agent's settings); into
// ApplicationWorld, qwebchannel.js and the relay that holds the channel.

QString libraryConfigSource(); // wa-js's settings
QString librarySource();       // the pinned wa-js bundle
// The adapter with the agent's settings as its argument, so that it has them from its first
// line (before a configure command could arrive).
QString pageAgentSource(const QJsonObject &settings = {});
QString relaySource();

// A script run in the top frame at document creation, in the given world.
QWebEngineScript documentScript(const QString &name, const QString &source,
                                quint32 world = QWebEngineScript::MainWorld);

// All of them, the page agent with these settings.
void install(QWebEngineScriptCollection &scripts, const QJsonObject &settings);
// The page agent again, with new settings, for the next navigation.
void reinstallPageAgent(QWebEngineScriptCollection &scripts, const QJsonObject &settings);

} // namespace sak::pagescripts
