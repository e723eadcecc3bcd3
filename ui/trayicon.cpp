#include "ui/trayicon.h"

#include <QAction>
#include <QMenu>
#include <QPainter>
#include <QPainterPath>
#include <QSystemTrayIcon>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

QColor colorOf(AgentStatus::Overall overall)
{
    switch (overall) {
    case AgentStatus::Overall::NeedsPairing:
        return QColor(0x1e, 0x6f, 0xd9);
    case AgentStatus::Overall::Unhealthy:
        return QColor(0xc6, 0x28, 0x28);
    case AgentStatus::Overall::CloudUnreachable:
        return QColor(0xe6, 0x5c, 0x00);
    case AgentStatus::Overall::Paused:
        return QColor(0xf2, 0xa9, 0x00);
    case AgentStatus::Overall::Connecting:
        return QColor(0x75, 0x75, 0x75);
    case AgentStatus::Overall::Connected:
        return QColor(0x1b, 0x9e, 0x4b);
    }
    return Qt::gray;
}

// A speech bubble in the state's colour with a white sign: the state reads without colour too.
QPixmap drawIcon(AgentStatus::Overall overall, int size)
{
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.scale(size / 64.0, size / 64.0);
    QPainterPath bubble;
    bubble.addEllipse(QRectF(4, 4, 56, 50));
    QPainterPath tail;
    tail.moveTo(14, 42);
    tail.lineTo(6, 62);
    tail.lineTo(28, 50);
    tail.closeSubpath();
    p.fillPath(bubble.united(tail), colorOf(overall));
    p.setPen(QPen(Qt::white, 6, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.setBrush(Qt::white);
    switch (overall) {
    case AgentStatus::Overall::Connected:
        p.setBrush(Qt::NoBrush);
        p.drawPolyline(QPolygonF({QPointF(19, 29), QPointF(28, 38), QPointF(45, 20)}));
        break;
    case AgentStatus::Overall::Connecting:
        p.setPen(Qt::NoPen);
        for (int x : {20, 32, 44})
            p.drawEllipse(QPointF(x, 29), 4, 4);
        break;
    case AgentStatus::Overall::Paused:
        p.setPen(Qt::NoPen);
        p.drawRect(QRectF(22, 17, 7, 24));
        p.drawRect(QRectF(35, 17, 7, 24));
        break;
    case AgentStatus::Overall::Unhealthy:
        p.drawLine(QPointF(32, 16), QPointF(32, 32));
        p.setPen(Qt::NoPen);
        p.drawEllipse(QPointF(32, 41), 3.5, 3.5);
        break;
    case AgentStatus::Overall::CloudUnreachable:
        p.drawLine(QPointF(22, 19), QPointF(42, 39));
        p.drawLine(QPointF(42, 19), QPointF(22, 39));
        break;
    case AgentStatus::Overall::NeedsPairing:
        // Three corners of a QR code.
        p.setPen(QPen(Qt::white, 3.5));
        p.setBrush(Qt::NoBrush);
        for (QPointF corner : {QPointF(18, 15), QPointF(35, 15), QPointF(18, 32)})
            p.drawRect(QRectF(corner, QSizeF(11, 11)));
        p.setPen(Qt::NoPen);
        p.setBrush(Qt::white);
        p.drawRect(QRectF(37, 34, 5, 5));
        p.drawRect(QRectF(42, 39, 4, 4));
        break;
    }
    return pixmap;
}

} // namespace

TrayIcon::TrayIcon(AgentStatus *status, QObject *parent)
    : QObject(parent)
    , m_status(status)
    , m_tray(new QSystemTrayIcon(this))
    , m_menu(new QMenu)
{
    const auto add = [this](const QString &text, auto signal) {
        QAction *a = m_menu->addAction(text);
        connect(a, &QAction::triggered, this, signal);
        m_actions.append(a);
        return a;
    };
    add(tr("Open WhatsApp"), &TrayIcon::openWhatsAppRequested);
    add(tr("Pair with a phone…"), &TrayIcon::pairingRequested);
    add(tr("Outbox…"), &TrayIcon::outboxRequested);
    QAction *pause = m_menu->addAction(QString());
    connect(pause, &QAction::triggered, this,
            [this] { Q_EMIT pauseRequested(!m_status->isPaused()); });
    m_actions.append(pause);
    add(tr("Settings…"), &TrayIcon::settingsRequested);
    add(tr("Use WhatsApp here"), &TrayIcon::useHereRequested);
    m_menu->addSeparator();
    add(tr("Quit"), &TrayIcon::quitRequested);
    m_tray->setContextMenu(m_menu);
    connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason r) {
        if (r == QSystemTrayIcon::Trigger || r == QSystemTrayIcon::DoubleClick)
            Q_EMIT openWhatsAppRequested();
    });
    connect(m_status, &AgentStatus::changed, this, &TrayIcon::update);
    connect(m_status, &AgentStatus::bridgePackageFailed, this, [this](const QString &message) {
        notify(tr("An update of the WhatsApp connection did not work"), message);
    });
    m_shown = m_status->overall();
    update();
}

TrayIcon::~TrayIcon()
{
    delete m_menu;
}

void TrayIcon::show()
{
    m_tray->show();
}

QAction *TrayIcon::action(Action which) const
{
    return m_actions.at(int(which));
}

QIcon TrayIcon::iconFor(AgentStatus::Overall overall)
{
    QIcon icon;
    for (int size : {16, 22, 24, 32, 48, 64})
        icon.addPixmap(drawIcon(overall, size));
    return icon;
}

QIcon TrayIcon::icon() const
{
    // Drawn once per state: the tray asks again at every change of the queue.
    QIcon &icon = m_icons[m_status->overall()];
    if (icon.isNull())
        icon = iconFor(m_status->overall());
    return icon;
}

QString TrayIcon::describe(AgentStatus::Overall overall)
{
    switch (overall) {
    case AgentStatus::Overall::NeedsPairing:
        return tr("WhatsApp needs pairing: scan the QR code with the shop's phone");
    case AgentStatus::Overall::Unhealthy:
        return tr("WhatsApp cannot be used right now");
    case AgentStatus::Overall::CloudUnreachable:
        return tr("The SAK cloud cannot be reached: messages wait safely");
    case AgentStatus::Overall::Paused:
        return tr("Sending is paused");
    case AgentStatus::Overall::Connecting:
        return tr("Connecting to WhatsApp…");
    case AgentStatus::Overall::Connected:
        return tr("Connected: answering customers");
    }
    return {};
}

QString TrayIcon::toolTip() const
{
    const qsizetype waiting = m_status->queueDepth();
    QString tip = tr("SAK Desktop Agent") + u'\n' + describe(m_status->overall());
    tip += u'\n' + (waiting == 0 ? tr("No messages waiting to be sent")
                                 : tr("%n message(s) waiting to be sent", nullptr, int(waiting)));
    if (const QString problem = m_status->bridgeProblem(); !problem.isEmpty())
        tip += u'\n' + problem;
    return tip;
}

void TrayIcon::update()
{
    const AgentStatus::Overall now = m_status->overall();
    m_tray->setIcon(icon());
    m_tray->setToolTip(toolTip());
    action(Action::PauseResume)
        ->setText(m_status->isPaused() ? tr("Resume sending") : tr("Pause sending"));
    action(Action::UseHere)->setVisible(m_status->sessionState() == SessionState::Conflict);
    if (now == m_shown)
        return;
    const AgentStatus::Overall before = std::exchange(m_shown, now);
    if (before == AgentStatus::Overall::Connected)
        m_wasConnected = true;
    // Only what the owner must act on, once per change.
    switch (now) {
    case AgentStatus::Overall::NeedsPairing:
        if (m_wasConnected)
            notify(tr("WhatsApp was disconnected"),
                   tr("Scan the new QR code with the shop's phone to keep answering customers."));
        break;
    case AgentStatus::Overall::Unhealthy:
        if (m_status->sessionState() == SessionState::Conflict)
            notify(tr("WhatsApp is open somewhere else"),
                   tr("Choose \"Use WhatsApp here\" in the SAK menu to continue here."));
        else
            notify(tr("WhatsApp cannot be used right now"), m_status->health().isEmpty()
                                                                ? tr("The agent keeps trying.")
                                                                : m_status->health());
        break;
    case AgentStatus::Overall::CloudUnreachable:
        notify(tr("The SAK cloud cannot be reached"),
               tr("Customers' messages are kept and answered when it is back."));
        break;
    default:
        break;
    }
}

void TrayIcon::notify(const QString &title, const QString &message)
{
    if (QSystemTrayIcon::supportsMessages() && m_tray->isVisible())
        m_tray->showMessage(title, message, QSystemTrayIcon::Warning);
    Q_EMIT notified(title, message);
}

} // namespace sak
