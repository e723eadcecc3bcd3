#pragma once

#include "app/face.h"

#include <memory>

namespace sak {

class Desktop;

// The desktop (ui/Desktop: tray, WhatsApp window, pairing, outbox, settings) as the agent's
// face. Built only with widgets; links open in the system's browser.
class DesktopFace : public Face
{
    Q_OBJECT
public:
    DesktopFace(const AgentConfig &config, const QString &iniPath, QObject *parent = nullptr);
    ~DesktopFace() override;

    bool askForCloud(CloudPairing pairing) override;
    bool raise() override;

protected:
    void show(const Parts &parts) override;

private:
    std::unique_ptr<Desktop> m_desktop;
};

} // namespace sak
