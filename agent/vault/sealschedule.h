#pragma once

#include "agent/protocol/messagetypes.h"

#include <QObject>
#include <QTimer>

#include <chrono>

namespace sak {

class SessionVault;
class WhatsAppSession;

// When the WhatsApp session is sealed into the store: once it has been connected for a while
// (a fresh pairing is still being written), then periodically; a session that drops stops the
// clock. sealNow() is for the moments the agent knows of itself (a crash copy was restored,
// the clean exit).
class SealSchedule : public QObject
{
    Q_OBJECT
public:
    SealSchedule(SessionVault *vault, std::chrono::seconds after, std::chrono::seconds every,
                 QObject *parent = nullptr);

    void follow(WhatsAppSession *session);
    void sealNow();
    // No more seals on schedule (the exit seals once more, through sealNow()).
    void stop();

private:
    void onSessionState(SessionState state);

    SessionVault *m_vault;
    WhatsAppSession *m_session = nullptr;
    std::chrono::seconds m_after;
    std::chrono::seconds m_every;
    QTimer m_timer;
};

} // namespace sak
