#pragma once

#include "agent/status/agentstatus.h"

#include <QHash>
#include <QIcon>
#include <QObject>

class QAction;
class QMenu;
class QSystemTrayIcon;

namespace sak {

// The agent's face in the notification area: an icon per state, the queue in the tooltip, a
// menu with what the owner may do, and a notification when something needs them.
class TrayIcon : public QObject
{
    Q_OBJECT
public:
    enum class Action
    {
        OpenWhatsApp,
        Pairing,
        Outbox,
        PauseResume,
        Settings,
        UseHere,
        Quit
    };

    explicit TrayIcon(AgentStatus *status, QObject *parent = nullptr);
    ~TrayIcon() override;

    void show();
    QMenu *menu() const { return m_menu; }
    QAction *action(Action which) const;
    QString toolTip() const;
    QIcon icon() const;
    // The icon of a state (also the windows' icon).
    static QIcon iconFor(AgentStatus::Overall overall);
    // The state in the owner's words.
    static QString describe(AgentStatus::Overall overall);

Q_SIGNALS:
    void openWhatsAppRequested();
    void pairingRequested();
    void outboxRequested();
    void pauseRequested(bool pause);
    void settingsRequested();
    void useHereRequested(); // WhatsApp is open elsewhere: take the session back
    void quitRequested();
    // A notification was shown (also when the desktop has no notification area).
    void notified(const QString &title, const QString &message);

private:
    void update();
    void notify(const QString &title, const QString &message);

    AgentStatus *m_status;
    QSystemTrayIcon *m_tray;
    QMenu *m_menu;
    QList<QAction *> m_actions;
    mutable QHash<AgentStatus::Overall, QIcon> m_icons;
    AgentStatus::Overall m_shown = AgentStatus::Overall::Connecting;
    bool m_wasConnected = false;
};

} // namespace sak
