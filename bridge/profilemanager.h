#pragma once

#include <QHash>
#include <QObject>
#include <QString>

class QWebEngineProfile;

namespace sak {

// Owns one named, persistent browser profile per WhatsApp account. The profile is the
// WhatsApp session (its IndexedDB and Local Storage), so each account gets its own.
class ProfileManager : public QObject
{
    Q_OBJECT
public:
    ProfileManager(const QString &dataDir, const QString &userAgent, QObject *parent = nullptr);

    QWebEngineProfile *profile(const QString &account);

    // A desktop Chrome user agent: the engine's own string without the QtWebEngine token,
    // which WhatsApp Web answers with its "update your browser" page.
    static QString desktopUserAgent(const QString &engineUserAgent);

private:
    QString m_dataDir;
    QString m_userAgent;
    QHash<QString, QWebEngineProfile *> m_profiles;
};

} // namespace sak
