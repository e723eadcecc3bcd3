#include "app/kiosk.h"

#include "agent/base/logging.h"
#include "agent/delivery/whatsappsession.h"
#include "agent/platform/qrcode.h"
#include "bridge/whatsapppage.h"

#include <QFile>
#include <QImage>
#include <QSaveFile>

#include <cstdio>

#ifdef Q_OS_WIN
#include <io.h>
#else
#include <unistd.h>
#endif

namespace sak {
namespace {

// The pairing QR code and link code each link a device to the shop's WhatsApp: they are shown
// on a terminal only, never written where a log goes (under systemd, standard output and error
// are the journal).
FILE *terminal()
{
    for (FILE *stream : {stdout, stderr}) {
#ifdef Q_OS_WIN
        if (_isatty(_fileno(stream)))
            return stream;
#else
        if (isatty(fileno(stream)))
            return stream;
#endif
    }
    return nullptr;
}

} // namespace

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
    connect(m_session, &WhatsAppSession::stateChanged, this, &Kiosk::onSessionState);
    if (!m_linkPhone.isEmpty())
        connect(m_session, &WhatsAppSession::pairingCodeReceived, this, &Kiosk::showLinkCode);
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
    if (FILE *out = terminal()) {
        std::fprintf(out,
                     "\nWhatsApp needs pairing: on the shop's phone open WhatsApp > Linked devices "
                     "> Link a device, and scan this code (it changes every 20 s):\n\n%s\n",
                     qPrintable(code.value().toTerminal()));
        std::fflush(out);
    } else if (!m_toldWhereQrIs) {
        qCInfo(lcAgent).noquote()
            << "WhatsApp needs pairing. With no terminal here, its QR code is not printed (it "
               "never goes into the log): sak-agent --show-pairing draws it in a terminal (for "
               "the service: sudo sak-agentctl --show-pairing), or scan"
            << m_qrPath;
        m_toldWhereQrIs = true;
    }
    constexpr int kScale = 8;
    constexpr int kQuietZone = 4;
    const QImage image = QImage::fromData(code.value().toPbm(kScale, kQuietZone), "PBM");
    // The QR links a device to the shop's WhatsApp: readable by the owner only, before it has
    // its name.
    QSaveFile file(m_qrPath);
    if (!file.open(QIODevice::WriteOnly) ||
        !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        !image.save(&file, "PNG") || !file.commit()) {
        qCWarning(lcAgent).noquote() << "Could not write the pairing QR owner-only to" << m_qrPath
                                     << "-" << file.errorString();
        return;
    }
    qCInfo(lcAgent).noquote() << "Pairing QR code written to" << m_qrPath;
}

void Kiosk::onSessionState(SessionState state)
{
    if (state != SessionState::NeedsPairing)
        m_toldWhereQrIs = false; // told again when WhatsApp needs pairing again
    if (m_linkPhone.isEmpty())
        return;
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
    // Like the QR code, it goes to a terminal only: it links a device to the shop's WhatsApp.
    if (FILE *out = terminal()) {
        std::fprintf(out,
                     "\nWhatsApp pairing code for +%s: %s\nOn the shop's phone open WhatsApp > "
                     "Linked devices > Link a device > Link with phone number instead, and type "
                     "it (a new one follows in 3 minutes).\n\n",
                     qPrintable(m_linkPhone), qPrintable(code));
        std::fflush(out);
        qCInfo(lcAgent) << "Pairing code for the shop's phone shown in the terminal";
    } else {
        qCInfo(lcAgent) << "WhatsApp gave a pairing code for the shop's phone. With no terminal "
                           "here it is not printed (it never goes into the log): sak-agent "
                           "--show-pairing shows it (for the service: sudo sak-agentctl "
                           "--show-pairing)";
    }
    m_linkCodeTimer.start();
}

} // namespace sak
