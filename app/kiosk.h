#pragma once

#include "app/face.h"

#include <QTimer>

namespace sak {

// The headless face (a kiosk, a box reached over SSH): no window, so WhatsApp's pairing QR
// code goes to the terminal (when there is one: never into the log) and into an owner-only PNG
// each time it rotates, and with [whatsapp] link-phone a code to type on the shop's phone
// instead. Without a terminal (a service), sak-agent --show-pairing shows both. Links stay closed,
// and the page is kept "visible" so that Chromium does not slow it down. Needs no Qt Widgets.
class Kiosk : public Face
{
    Q_OBJECT
public:
    explicit Kiosk(const AgentConfig &config, QObject *parent = nullptr);

    bool askForCloud(CloudPairing) override { return false; }
    bool raise() override { return false; }

protected:
    void show(const Parts &parts) override;

private:
    void showPairingQr(const QString &qr);
    void onSessionState(SessionState state);
    void requestLinkCode();
    void showLinkCode(const QString &code, const QString &error);

    QString m_qrPath;
    QString m_linkPhone;
    bool m_toldWhereQrIs = false; // once each time WhatsApp needs pairing, not every 20 s
    WhatsAppSession *m_session = nullptr;
    QTimer m_linkCodeTimer; // a code WhatsApp gave expires: a new one after a while
};

} // namespace sak
