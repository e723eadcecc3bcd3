#pragma once

#include <QObject>
#include <QString>

#include <functional>

namespace sak {

// The one object published to the page over QWebChannel, in ApplicationWorld only (page
// scripts in the main world cannot see it). It carries plain strings in both directions and
// nothing else, so the page can neither call into the agent's objects nor read its state.
class BridgeFacade : public QObject
{
    Q_OBJECT
public:
    using EventHandler = std::function<void(const QByteArray &json)>;

    explicit BridgeFacade(EventHandler onEvent, QObject *parent = nullptr);

    // From the relay: one event of the page agent, as JSON text.
    Q_INVOKABLE void post(const QString &eventJson);

    void sendCommand(const QByteArray &commandJson);

Q_SIGNALS:
    // To the relay: a command for the page agent, as JSON text.
    void command(const QString &commandJson);

private:
    EventHandler m_onEvent;
};

} // namespace sak
