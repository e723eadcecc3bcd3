#pragma once

#include "agent/protocol/messagetypes.h"

#include <QMainWindow>

class QAction;
class QLabel;
class QWebEnginePage;
class QWebEngineView;

namespace sak {

class WhatsAppSession;

// The WhatsApp window: the shop's WhatsApp Web page as the agent runs it (the owner may use it
// as usual), with the session, the cloud and the data protection in the status bar.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(QWebEnginePage *page, WhatsAppSession *session, QWidget *parent = nullptr);

    void setCloudState(const QString &text);
    SessionState shownState() const { return m_state; }
    // Which protection the data is under; a weaker one is shown as a warning.
    void setProtection(const QString &text, bool weaker);

Q_SIGNALS:
    // The window's close button: the owner decides (Desktop) whether that hides or quits.
    void closeRequested();
    void quitRequested();

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void showSessionState(SessionState state);
    void retranslate();

    QWebEngineView *m_view;
    QLabel *m_sessionLabel;
    QLabel *m_cloudLabel;
    QLabel *m_protectionLabel;
    QAction *m_quit;
    SessionState m_state = SessionState::Starting;
    QString m_protection;
    bool m_weaker = false;
};

} // namespace sak
