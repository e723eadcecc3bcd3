#include "bridge/profilemanager.h"

#include "agent/base/logging.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QWebEngineProfile>

using namespace Qt::Literals::StringLiterals;

namespace sak {

ProfileManager::ProfileManager(const QString &userAgent, QObject *parent)
    : QObject(parent)
    , m_userAgent(userAgent)
{}

QString ProfileManager::desktopUserAgent(const QString &engineUserAgent)
{
    static const QRegularExpression qtToken(u"\\s*QtWebEngine/\\S+"_s);
    QString ua = engineUserAgent;
    return ua.remove(qtToken).simplified();
}

QWebEngineProfile *ProfileManager::profile(const QString &account, const QString &directory)
{
    if (auto *existing = m_profiles.value(account))
        return existing;

    const QString root = QDir(directory).absolutePath();
    // Owner-only: the profile holds a logged-in WhatsApp session.
    if (!QDir().mkpath(root) ||
        !QFile::setPermissions(root, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                         QFileDevice::ExeOwner))
        qCWarning(lcBridge).noquote()
            << "The WhatsApp profile directory" << root
            << "could not be created or made owner-only (mode 0700); check its owner and mode, "
               "other users of this computer may be able to read the session in it";

    auto *profile = new QWebEngineProfile(u"sak-"_s + account, this);
    profile->setPersistentStoragePath(root + u"/storage"_s);
    profile->setCachePath(root + u"/cache"_s);
    profile->setPersistentCookiesPolicy(QWebEngineProfile::ForcePersistentCookies);
    profile->setHttpUserAgent(m_userAgent.isEmpty() ? desktopUserAgent(profile->httpUserAgent())
                                                    : m_userAgent);
    profile->setSpellCheckEnabled(false);
    qCInfo(lcBridge).noquote() << "WhatsApp profile" << account << "stored in" << root;
    m_profiles.insert(account, profile);
    return profile;
}

} // namespace sak
