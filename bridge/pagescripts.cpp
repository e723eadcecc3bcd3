#include "bridge/pagescripts.h"

#include "agent/protocol/bridgepackage.h"

#include <QFile>
#include <QJsonDocument>
#include <QWebEngineScriptCollection>

using namespace Qt::Literals::StringLiterals;

namespace sak::pagescripts {
namespace {
const QString kPageAgentName = u"sak-page-agent"_s;

QString readResource(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("Bridge resource %s is missing from the build", qPrintable(path));
    return QString::fromUtf8(file.readAll());
}
} // namespace

QString libraryConfigSource()
{
    return readResource(u":/sak/bridge/js/config.js"_s);
}

QString librarySource()
{
    return readResource(u":/sak/bridge/js/wppconnect-wa.js"_s);
}

QString pageAgentSource(const QJsonObject &settings, const QString &adapter)
{
    static const QString marker = QLatin1String(bridgepackage::kSettingsMarker);
    // Read once: it is written again at every change of the settings.
    static const QString builtIn = readResource(u":/sak/bridge/js/pageagent.js"_s);
    QString source = adapter.isEmpty() ? builtIn : adapter;
    // A package's adapter is checked for it before it is taken (bridgepackage::read).
    Q_ASSERT(source.contains(marker));
    return source.replace(
        marker, QString::fromUtf8(QJsonDocument(settings).toJson(QJsonDocument::Compact)));
}

QString relaySource(const QString &relay)
{
    // qwebchannel.js ships inside the QtWebChannel library.
    return readResource(u":/qtwebchannel/qwebchannel.js"_s) + u"\n"_s +
           (relay.isEmpty() ? readResource(u":/sak/bridge/js/relay.js"_s) : relay);
}

QWebEngineScript documentScript(const QString &name, const QString &source, quint32 world)
{
    QWebEngineScript script;
    script.setName(name);
    script.setWorldId(world);
    // Before the page's own scripts, in the top frame only, on every navigation.
    script.setInjectionPoint(QWebEngineScript::DocumentCreation);
    script.setRunsOnSubFrames(false);
    script.setSourceCode(source);
    return script;
}

void install(QWebEngineScriptCollection &scripts, const QJsonObject &settings,
             const BridgeCode &code)
{
    // In the order they run (the collection keeps the order of insertion): ours go, all
    // of them, and come back in order.
    for (const QString &name :
         {u"sak-relay"_s, u"sak-wa-js-settings"_s, u"sak-wa-js"_s, kPageAgentName}) {
        for (const QWebEngineScript &old : scripts.find(name))
            scripts.remove(old);
    }
    scripts.insert(documentScript(u"sak-relay"_s, relaySource(code.relay),
                                  QWebEngineScript::ApplicationWorld));
    scripts.insert(documentScript(u"sak-wa-js-settings"_s, libraryConfigSource()));
    scripts.insert(
        documentScript(u"sak-wa-js"_s, code.library.isEmpty() ? librarySource() : code.library));
    reinstallPageAgent(scripts, settings, code);
}

void reinstallPageAgent(QWebEngineScriptCollection &scripts, const QJsonObject &settings,
                        const BridgeCode &code)
{
    for (const QWebEngineScript &old : scripts.find(kPageAgentName))
        scripts.remove(old);
    scripts.insert(documentScript(kPageAgentName, pageAgentSource(settings, code.pageAgent)));
}

} // namespace sak::pagescripts
