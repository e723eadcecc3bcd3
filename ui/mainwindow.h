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

private:
    void showSessionState(SessionState state);

    QWebEngineView *m_view;
    QLabel *m_sessionLabel;
    QLabel *m_cloudLabel;
};

} // namespace sak
