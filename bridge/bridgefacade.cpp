#include "bridge/bridgefacade.h"

#include "agent/base/logging.h"
#include "agent/protocol/bridgeprotocol.h"

namespace sak {

BridgeFacade::BridgeFacade(EventHandler onEvent, QObject *parent)
    : QObject(parent)
    , m_onEvent(std::move(onEvent))
{}

void BridgeFacade::post(const QString &eventJson)
{
    // Checked before converting, so an oversized event costs no copy.
    if (eventJson.size() > bridge::kMaxEventBytes) {
        qCWarning(lcBridge) << "Dropped an oversized event from the page:" << eventJson.size()
                            << "characters";
        return;
    }
    m_onEvent(eventJson.toUtf8());
}

void BridgeFacade::sendCommand(const QByteArray &commandJson)
{
    Q_EMIT command(QString::fromUtf8(commandJson));
}

} // namespace sak
