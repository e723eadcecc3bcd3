#include "agent/vault/sealschedule.h"

#include "agent/base/logging.h"
#include "agent/delivery/whatsappsession.h"
#include "agent/vault/sessionvault.h"

namespace sak {

SealSchedule::SealSchedule(SessionVault *vault, std::chrono::seconds after,
                           std::chrono::seconds every, QObject *parent)
    : QObject(parent)
    , m_vault(vault)
    , m_after(after)
    , m_every(every)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        sealNow();
        m_timer.start(m_every);
    });
}

void SealSchedule::follow(WhatsAppSession *session)
{
    m_session = session;
    connect(session, &WhatsAppSession::stateChanged, this, &SealSchedule::onSessionState);
}

void SealSchedule::stop()
{
    m_timer.stop();
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
}

void SealSchedule::onSessionState(SessionState state)
{
    if (state == SessionState::Connected) {
        if (!m_timer.isActive())
            m_timer.start(m_after);
    } else {
        m_timer.stop();
    }
}

void SealSchedule::sealNow()
{
    if (Status sealed = m_vault->seal(); !sealed)
        qCWarning(lcAgent).noquote()
            << "Sealing the WhatsApp session failed:" << sealed.error().message;
}

} // namespace sak
