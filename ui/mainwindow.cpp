#include "mainwindow.h"

#include "whatsappsession.h"

#include <QLabel>
#include <QStatusBar>
#include <QWebEngineView>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

QString describe(SessionState state)
{
    switch (state) {
    case SessionState::Starting:
        return MainWindow::tr("Opening WhatsApp…");
    case SessionState::NeedsPairing:
        return MainWindow::tr("Scan the QR code with the shop's phone");
    case SessionState::Pairing:
        return MainWindow::tr("Linking with the phone…");
    case SessionState::Connecting:
        return MainWindow::tr("Connecting to WhatsApp…");
    case SessionState::Connected:
        return MainWindow::tr("WhatsApp connected");
    case SessionState::Conflict:
        return MainWindow::tr("WhatsApp is open somewhere else");
    case SessionState::Blocked:
        return MainWindow::tr("WhatsApp refused this session");
    case SessionState::Unhealthy:
        return MainWindow::tr("WhatsApp cannot be used right now");
    }
    return {};
}

} // namespace

MainWindow::MainWindow(QWebEnginePage *page, WhatsAppSession *session, QWidget *parent)
    : QMainWindow(parent)
    , m_view(new QWebEngineView(this))
    , m_sessionLabel(new QLabel(this))
    , m_cloudLabel(new QLabel(this))
    , m_protectionLabel(new QLabel(this))
{
    setWindowTitle(tr("SAK Desktop Agent"));
    m_view->setPage(page);
    setCentralWidget(m_view);
    statusBar()->addWidget(m_sessionLabel, 1);
    statusBar()->addPermanentWidget(m_protectionLabel);
    statusBar()->addPermanentWidget(m_cloudLabel);
    showSessionState(session->state());
    connect(session, &WhatsAppSession::stateChanged, this, &MainWindow::showSessionState);
    connect(session, &WhatsAppSession::healthProblem, this,
            [this](const QString &problem) { m_sessionLabel->setText(problem); });
    resize(1100, 760);
}

void MainWindow::setCloudState(const QString &text)
{
    m_cloudLabel->setText(text);
}

void MainWindow::setProtection(const QString &text, bool weaker)
{
    m_protectionLabel->setText(weaker ? tr("Weaker protection") : tr("Encrypted"));
    m_protectionLabel->setToolTip(text);
    m_protectionLabel->setStyleSheet(weaker ? u"color: #b00020; font-weight: bold"_s : QString());
}

void MainWindow::showSessionState(SessionState state)
{
    m_sessionLabel->setText(describe(state));
}

} // namespace sak
