#pragma once

#include "messagetypes.h"

#include <QMainWindow>

class QLabel;
class QWebEnginePage;
class QWebEngineView;

namespace sak {

class WhatsAppSession;

// The minimal desktop window: the WhatsApp Web page and the connection state. The tray,
// pairing window and outbox viewer grow from here.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(QWebEnginePage *page, WhatsAppSession *session, QWidget *parent = nullptr);

    void setCloudState(const QString &text);
    // Which protection the data is under; a weaker one is shown as a warning.
    void setProtection(const QString &text, bool weaker);

private:
    void showSessionState(SessionState state);

    QWebEngineView *m_view;
    QLabel *m_sessionLabel;
    QLabel *m_cloudLabel;
    QLabel *m_protectionLabel;
};

} // namespace sak
