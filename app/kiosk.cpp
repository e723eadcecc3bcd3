#include "app/kiosk.h"

#include "agent/base/logging.h"
#include "agent/delivery/whatsappsession.h"
#include "agent/platform/qrcode.h"
#include "bridge/whatsapppage.h"

#include <QFile>
#include <QImage>
#include <QSaveFile>

#include <cstdio>

namespace sak {

Kiosk::Kiosk(const AgentConfig &config, QObject *parent)
    : Face(config.dataDir, parent)
    , m_qrPath(pairingQrPath(config.dataDir))
    , m_linkPhone(config.linkPhone)
{
    m_linkCodeTimer.setSingleShot(true);
    m_linkCodeTimer.setInterval(std::chrono::minutes(3));
    connect(&m_linkCodeTimer, &QTimer::timeout, this, &Kiosk::requestLinkCode);
}

void Kiosk::show(const Parts &parts)
{
    m_session = parts.session;
    connect(m_session, &WhatsAppSession::qrCodeChanged, this, &Kiosk::showPairingQr);
    if (!m_linkPhone.isEmpty()) {
        connect(m_session, &WhatsAppSession::pairingCodeReceived, this, &Kiosk::showLinkCode);
        connect(m_session, &WhatsAppSession::stateChanged, this, &Kiosk::onSessionState);
    }
    connect(parts.page, &WhatsAppPage::externalLinkRequested, this, [](const QUrl &url) {
        qCInfo(lcAgent).noquote() << "Not opening" << url.host() << "(headless: links stay closed)";
    });
    // A page without a view counts as hidden, and Chromium slows a hidden page's timers to
    // once a second: the kiosk's page must keep WhatsApp's own pace.
    parts.page->setVisible(true);
}

// For a box reached over SSH, the PNG can be copied off and scanned from a screen.
void Kiosk::showPairingQr(const QString &qr)
{
    const auto code = QrCode::encode(qr);
    if (!code) {
        qCWarning(lcAgent).noquote() << code.error().message;
        return;
    }
    std::printf("\nWhatsApp needs pairing: on the shop's phone open WhatsApp > Linked devices > "
                "Link a device, and scan this code (it changes every 20 s):\n\n%s\n",
                qPrintable(code.value().toTerminal()));
    std::fflush(stdout);
    constexpr int kScale = 8;
    constexpr int kQuietZone = 4;
    const QImage image = QImage::fromData(code.value().toPbm(kScale, kQuietZone), "PBM");
    // The QR links a device to the shop's WhatsApp: readable by the owner only.
    QSaveFile file(m_qrPath);
    if (!file.open(QIODevice::WriteOnly) || !image.save(&file, "PNG") || !file.commit()) {
        qCWarning(lcAgent).noquote() << "Could not write the pairing QR to" << m_qrPath;
        return;
    }
    QFile::setPermissions(m_qrPath, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    qCInfo(lcAgent).noquote() << "Pairing QR code written to" << m_qrPath;
}

void Kiosk::onSessionState(SessionState state)
{
    if (state == SessionState::NeedsPairing && !m_linkCodeTimer.isActive())
        requestLinkCode();
    else if (state != SessionState::NeedsPairing)
        m_linkCodeTimer.stop();
}

void Kiosk::requestLinkCode()
{
    if (!m_session || m_session->state() != SessionState::NeedsPairing)
        return;
    qCInfo(lcAgent) << "Asking WhatsApp for a pairing code for the shop's phone number";
    m_session->requestPairingCode(m_linkPhone);
}

void Kiosk::showLinkCode(const QString &code, const QString &error)
{
    if (code.isEmpty()) {
        qCWarning(lcAgent).noquote()
            << "WhatsApp gave no pairing code for [whatsapp] link-phone:" << error
            << "- scan the QR code instead, or check the number";
        return;
    }
    // Like the QR code, it goes to the terminal only: it links a device to the shop's WhatsApp.
    std::printf("\nWhatsApp pairing code for +%s: %s\nOn the shop's phone open WhatsApp > "
                "Linked devices > Link a device > Link with phone number instead, and type "
                "it (a new one follows in 3 minutes).\n\n",
                qPrintable(m_linkPhone), qPrintable(code));
    std::fflush(stdout);
    qCInfo(lcAgent) << "Pairing code for the shop's phone shown in the terminal";
    m_linkCodeTimer.start();
}

} // namespace sak
