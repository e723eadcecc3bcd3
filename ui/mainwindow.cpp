#include "ui/mainwindow.h"

#include "agent/delivery/whatsappsession.h"

#include <QAction>
#include <QCloseEvent>
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
    m_quit = new QAction(this);
    m_quit->setShortcut(QKeySequence::Quit);
    connect(m_quit, &QAction::triggered, this, &MainWindow::quitRequested);
    addAction(m_quit);
    m_view->setPage(page);
    setCentralWidget(m_view);
    statusBar()->addWidget(m_sessionLabel, 1);
    statusBar()->addPermanentWidget(m_protectionLabel);
    statusBar()->addPermanentWidget(m_cloudLabel);
    retranslate();
    showSessionState(session->state());
    connect(session, &WhatsAppSession::stateChanged, this, &MainWindow::showSessionState);
    connect(session, &WhatsAppSession::healthProblem, this,
            [this](const QString &problem) { m_sessionLabel->setText(problem); });
    connect(session, &WhatsAppSession::pageMemoryChanged, this, [this, session] {
        if (const QString problem = session->pageMemory().problem; !problem.isEmpty())
            m_sessionLabel->setText(problem);
    });
    resize(1100, 760);
}

void MainWindow::setCloudState(const QString &text)
{
    m_cloudLabel->setText(text);
}

void MainWindow::setProtection(const QString &text, bool weaker)
{
    m_protection = text;
    m_weaker = weaker;
    m_protectionLabel->setText(weaker ? tr("Weaker protection") : tr("Encrypted"));
    m_protectionLabel->setToolTip(text);
    m_protectionLabel->setStyleSheet(weaker ? u"color: #b00020; font-weight: bold"_s : QString());
}

void MainWindow::showSessionState(SessionState state)
{
    m_state = state;
    m_sessionLabel->setText(describe(state));
}

void MainWindow::retranslate()
{
    setWindowTitle(tr("WhatsApp - SAK Desktop Agent"));
    m_quit->setText(tr("Quit"));
    showSessionState(m_state);
    if (!m_protection.isEmpty())
        setProtection(m_protection, m_weaker);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    event->ignore();
    Q_EMIT closeRequested();
}

void MainWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QMainWindow::changeEvent(event);
}

} // namespace sak
