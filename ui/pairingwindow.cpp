// The three steps of pairing in one file (about 460 lines): they share the window's state (the
// step, busy, the session) and one translation context.
#include "ui/pairingwindow.h"

#include "agent/delivery/whatsappsession.h"
#include "agent/platform/qrcode.h"

#include <QCloseEvent>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QStackedWidget>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

constexpr int kQrPixels = 264;

QPixmap renderQr(const QString &text)
{
    const auto code = QrCode::encode(text);
    if (!code)
        return {};
    constexpr int kQuietZone = 4; // modules of light border each side, as the standard asks
    const int scale = std::max(1, kQrPixels / (code.value().size() + 2 * kQuietZone));
    return QPixmap::fromImage(QImage::fromData(code.value().toPbm(scale, kQuietZone), "PBM"));
}

QLabel *heading(QWidget *parent)
{
    auto *label = new QLabel(parent);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 1.4);
    font.setBold(true);
    label->setFont(font);
    return label;
}

QLabel *paragraph(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setWordWrap(true);
    return label;
}

QLabel *errorLabel(QWidget *parent)
{
    auto *label = paragraph(parent);
    label->setStyleSheet(u"color: #b00020"_s);
    label->setObjectName(u"error"_s);
    return label;
}

} // namespace

PairingWindow::PairingWindow(QWidget *parent)
    : QWidget(parent)
    , m_pages(new QStackedWidget(this))
{
    setObjectName(u"pairingWindow"_s);
    m_pages->addWidget(makeCloudPage());
    m_pages->addWidget(makeWhatsAppPage());
    m_pages->addWidget(makeDonePage());
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_pages);
    m_tick.setInterval(250);
    connect(&m_tick, &QTimer::timeout, this, &PairingWindow::tick);
    retranslate();
    resize(520, 600);
}

QWidget *PairingWindow::makeCloudPage()
{
    auto *page = new QWidget(this);
    m_cloudTitle = heading(page);
    m_cloudIntro = paragraph(page);
    m_serverLabel = new QLabel(page);
    m_server = new QLineEdit(page);
    m_server->setObjectName(u"server"_s);
    m_codeLabel = new QLabel(page);
    m_code = new QLineEdit(page);
    m_code->setObjectName(u"code"_s);
    m_connect = new QPushButton(page);
    m_connect->setDefault(true);
    m_cloudBusy = new QProgressBar(page);
    m_cloudBusy->setRange(0, 0);
    m_cloudBusy->setTextVisible(false);
    m_cloudBusy->hide();
    m_cloudError = errorLabel(page);
    auto *form = new QFormLayout;
    form->addRow(m_serverLabel, m_server);
    form->addRow(m_codeLabel, m_code);
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(m_cloudTitle);
    layout->addWidget(m_cloudIntro);
    layout->addLayout(form);
    layout->addWidget(m_cloudError);
    layout->addWidget(m_cloudBusy);
    layout->addStretch(1);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_connect);
    layout->addLayout(buttons);
    connect(m_connect, &QPushButton::clicked, this, &PairingWindow::connectToCloud);
    connect(m_server, &QLineEdit::editingFinished, this, [this] { checkField(m_server); });
    connect(m_code, &QLineEdit::editingFinished, this, [this] { checkField(m_code); });
    connect(m_code, &QLineEdit::returnPressed, this, &PairingWindow::connectToCloud);
    return page;
}

QWidget *PairingWindow::makeWhatsAppPage()
{
    auto *page = new QWidget(this);
    m_waTitle = heading(page);
    m_waIntro = paragraph(page);
    m_qr = new QLabel(page);
    m_qr->setObjectName(u"qr"_s);
    m_qr->setAlignment(Qt::AlignCenter);
    m_qr->setMinimumSize(kQrPixels, kQrPixels);
    m_qrLife = new QProgressBar(page);
    m_qrLife->setRange(0, m_qrLifetimeMs);
    m_qrLife->setTextVisible(false);
    m_qrLife->setMaximumHeight(6);
    m_waStatus = paragraph(page);
    m_waStatus->setAlignment(Qt::AlignCenter);
    m_refresh = new QPushButton(page);
    m_phoneLabel = paragraph(page);
    m_phone = new QLineEdit(page);
    m_phone->setObjectName(u"phone"_s);
    m_getCode = new QPushButton(page);
    m_phoneCode = new QLabel(page);
    m_phoneCode->setObjectName(u"phoneCode"_s);
    m_phoneCode->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont big = m_phoneCode->font();
    big.setPointSizeF(big.pointSizeF() * 1.8);
    big.setBold(true);
    big.setLetterSpacing(QFont::AbsoluteSpacing, 3);
    m_phoneCode->setFont(big);
    m_waError = errorLabel(page);
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(m_waTitle);
    layout->addWidget(m_waIntro);
    layout->addWidget(m_qr, 0, Qt::AlignHCenter);
    layout->addWidget(m_qrLife);
    layout->addWidget(m_waStatus);
    auto *refresh = new QHBoxLayout;
    refresh->addStretch(1);
    refresh->addWidget(m_refresh);
    refresh->addStretch(1);
    layout->addLayout(refresh);
    layout->addSpacing(12);
    layout->addWidget(m_phoneLabel);
    auto *phone = new QHBoxLayout;
    phone->addWidget(m_phone, 1);
    phone->addWidget(m_getCode);
    layout->addLayout(phone);
    layout->addWidget(m_phoneCode, 0, Qt::AlignHCenter);
    layout->addWidget(m_waError);
    layout->addStretch(1);
    connect(m_refresh, &QPushButton::clicked, this, [this] {
        if (!m_session)
            return;
        m_refresh->setEnabled(false);
        m_waStatus->setText(tr("Asking WhatsApp for a new code…"));
        m_session->refreshQr();
    });
    connect(m_getCode, &QPushButton::clicked, this, &PairingWindow::requestPhoneCode);
    connect(m_phone, &QLineEdit::returnPressed, this, &PairingWindow::requestPhoneCode);
    return page;
}

QWidget *PairingWindow::makeDonePage()
{
    auto *page = new QWidget(this);
    m_doneTitle = heading(page);
    m_doneText = paragraph(page);
    m_close = new QPushButton(page);
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(m_doneTitle);
    layout->addWidget(m_doneText);
    layout->addStretch(1);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_close);
    layout->addLayout(buttons);
    connect(m_close, &QPushButton::clicked, this, [this] {
        close();
        Q_EMIT finished();
    });
    return page;
}

void PairingWindow::retranslate()
{
    setWindowTitle(tr("Set up SAK"));
    m_cloudTitle->setText(tr("Step 1 of 3: connect to the SAK cloud"));
    m_cloudIntro->setText(tr("In the SAK dashboard, open Agents > Add an agent. It shows the "
                             "server address and a pairing code: enter both here."));
    m_serverLabel->setText(tr("Server address:"));
    m_server->setPlaceholderText(u"https://cloud.example.com"_s);
    m_codeLabel->setText(tr("Pairing code:"));
    m_code->setPlaceholderText(tr("e.g. K7PQ-2M9X"));
    m_connect->setText(tr("Connect"));
    m_waTitle->setText(tr("Step 2 of 3: link the shop's WhatsApp"));
    m_waIntro->setText(tr("On the shop's phone open WhatsApp > Settings > Linked devices > "
                          "Link a device, and point the phone at this code."));
    m_refresh->setText(tr("Show a new code"));
    m_phoneLabel->setText(tr("Or link with the phone number instead (international format):"));
    m_phone->setPlaceholderText(u"+49 151 23456789"_s);
    m_getCode->setText(tr("Get a code"));
    m_doneTitle->setText(tr("Step 3 of 3: done"));
    m_doneText->setText(tr("SAK now answers your customers on WhatsApp. You can close this "
                           "window: the agent keeps working in the notification area, and "
                           "tells you there when it needs you."));
    m_close->setText(tr("Close"));
    if (m_session)
        onSessionState(m_session->state());
}

void PairingWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void PairingWindow::closeEvent(QCloseEvent *event)
{
    QWidget::closeEvent(event);
    Q_EMIT closed();
}

void PairingWindow::setCloudPairing(CloudPairing pairing, const QUrl &server)
{
    m_pairing = std::move(pairing);
    if (!server.isEmpty())
        m_server->setText(server.toString());
}

void PairingWindow::setQrLifetime(std::chrono::milliseconds lifetime)
{
    m_qrLifetimeMs = int(lifetime.count());
    m_qrLife->setRange(0, m_qrLifetimeMs);
}

void PairingWindow::setSession(WhatsAppSession *session)
{
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_session = session;
    connect(session, &WhatsAppSession::qrCodeChanged, this, &PairingWindow::showQr);
    connect(session, &WhatsAppSession::stateChanged, this, &PairingWindow::onSessionState);
    connect(session, &WhatsAppSession::pairingCodeReceived, this,
            [this](const QString &code, const QString &error) {
                m_getCode->setEnabled(true);
                m_phoneCode->setText(code);
                m_waError->setText(
                    error.isEmpty()
                        ? QString()
                        : tr("WhatsApp gave no code: %1. Check the number, or scan the QR code.")
                              .arg(error));
                if (!code.isEmpty())
                    m_waStatus->setText(
                        tr("On the phone tap the notification from WhatsApp (or Linked devices "
                           "> Link with phone number) and enter this code."));
            });
    onSessionState(session->state());
}

void PairingWindow::showStep(Step step)
{
    m_step = step;
    m_pages->setCurrentIndex(int(step));
    if (step == Step::WhatsApp)
        m_tick.start();
    else
        m_tick.stop();
    if (step == Step::Cloud)
        (m_server->text().isEmpty() ? m_server : m_code)->setFocus();
}

void PairingWindow::setBusy(bool busy)
{
    m_cloudBusy->setVisible(busy);
    m_connect->setEnabled(!busy);
    m_server->setEnabled(!busy);
    m_code->setEnabled(!busy);
}

QString PairingWindow::serverProblem() const
{
    const QString typed = m_server->text().trimmed();
    const QUrl server = QUrl::fromUserInput(typed);
    if (typed.isEmpty() || !server.isValid() || server.scheme() != u"https"_s ||
        server.host().isEmpty())
        return tr("Enter the server address from the dashboard; it starts with https:// (for "
                  "example https://cloud.example.com).");
    return {};
}

QString PairingWindow::codeProblem() const
{
    static const QRegularExpression codeShape(u"^[A-Z0-9-]{4,64}$"_s);
    if (!codeShape.match(m_code->text().trimmed().toUpper()).hasMatch())
        return tr("Enter the pairing code shown in the dashboard: letters and digits, e.g. "
                  "K7PQ-2M9X.");
    return {};
}

void PairingWindow::checkField(QLineEdit *field)
{
    // Said as soon as the owner leaves a field, not only after Connect; a field not filled
    // in yet is not wrong until then.
    const QString problem = field == m_server ? serverProblem() : codeProblem();
    if (!problem.isEmpty() && !field->text().trimmed().isEmpty()) {
        m_cloudError->setText(problem);
        m_complainedAbout = field;
    } else if (problem.isEmpty() && m_complainedAbout == field) {
        m_cloudError->clear();
        m_complainedAbout = nullptr;
    }
}

void PairingWindow::connectToCloud()
{
    for (QLineEdit *field : {m_server, m_code}) {
        const QString problem = field == m_server ? serverProblem() : codeProblem();
        if (!problem.isEmpty()) {
            m_cloudError->setText(problem);
            m_complainedAbout = field;
            field->setFocus();
            return;
        }
    }
    const QUrl server = QUrl::fromUserInput(m_server->text().trimmed());
    const QString code = m_code->text().trimmed().toUpper();
    if (!m_pairing)
        return;
    m_cloudError->clear();
    setBusy(true);
    m_pairing(server, code, [self = QPointer(this)](Status result) {
        if (!self)
            return;
        self->setBusy(false);
        if (!result) {
            self->m_cloudError->setText(result.error().message);
            self->m_code->setFocus();
            self->m_code->selectAll();
            return;
        }
        self->showStep(Step::WhatsApp);
        Q_EMIT self->cloudPaired();
    });
}

void PairingWindow::showQr(const QString &qr)
{
    m_currentQr = qr;
    m_qrAge.start();
    const QPixmap pixmap = renderQr(qr);
    m_qr->setPixmap(pixmap);
    m_qrLife->setValue(m_qrLifetimeMs);
    m_refresh->setEnabled(false);
    m_waStatus->setText(tr("Waiting for the phone to scan the code…"));
}

void PairingWindow::tick()
{
    if (m_currentQr.isEmpty() || !m_qrAge.isValid())
        return;
    const qint64 left = m_qrLifetimeMs - m_qrAge.elapsed();
    m_qrLife->setValue(int(std::max<qint64>(0, left)));
    if (left <= 0 && !m_refresh->isEnabled()) {
        // WhatsApp stopped rotating: the code on screen no longer works.
        m_refresh->setEnabled(true);
        m_waStatus->setText(tr("The code expired. Click \"Show a new code\" when the phone is "
                               "ready."));
    }
}

void PairingWindow::onSessionState(SessionState state)
{
    switch (state) {
    case SessionState::NeedsPairing:
        if (m_step == Step::Done)
            showStep(Step::WhatsApp);
        if (m_currentQr.isEmpty())
            m_waStatus->setText(tr("Waiting for WhatsApp to show a code…"));
        break;
    case SessionState::Pairing:
        m_qrLife->setRange(0, 0); // busy
        m_waStatus->setText(tr("The phone scanned the code: linking… keep WhatsApp open on "
                               "the phone."));
        break;
    case SessionState::Connected:
        m_qrLife->setRange(0, m_qrLifetimeMs);
        m_currentQr.clear();
        m_qr->clear();
        if (m_step == Step::WhatsApp)
            showStep(Step::Done);
        break;
    case SessionState::Conflict:
        m_waStatus->setText(tr("WhatsApp is open in another browser. Choose \"Use WhatsApp "
                               "here\" in the SAK menu."));
        break;
    case SessionState::Blocked:
    case SessionState::Unhealthy:
        m_waError->setText(tr("WhatsApp cannot be used right now; the agent keeps trying."));
        break;
    case SessionState::Starting:
    case SessionState::Connecting:
        m_waStatus->setText(tr("Opening WhatsApp…"));
        break;
    }
    if (state != SessionState::Pairing && m_qrLife->maximum() == 0)
        m_qrLife->setRange(0, m_qrLifetimeMs);
}

void PairingWindow::requestPhoneCode()
{
    const QString digits = internationalDigits(m_phone->text());
    if (digits.isEmpty()) {
        m_waError->setText(tr("Enter the shop's number with its country code, e.g. +49 151 "
                              "23456789."));
        return;
    }
    if (!m_session)
        return;
    m_waError->clear();
    m_phoneCode->clear();
    m_getCode->setEnabled(false);
    m_session->requestPairingCode(digits);
}

QString PairingWindow::errorText() const
{
    return m_step == Step::Cloud ? m_cloudError->text() : m_waError->text();
}

QString PairingWindow::statusText() const
{
    return m_waStatus->text();
}

bool PairingWindow::hasQrCode() const
{
    return !m_qr->pixmap().isNull();
}

QString PairingWindow::pairingCode() const
{
    return m_phoneCode->text();
}

} // namespace sak
