#pragma once

#include <QHash>
#include <QObject>
#include <QString>

class QWebEngineProfile;

namespace sak {

// Owns one named browser profile per WhatsApp account. The profile is the WhatsApp session
// (its IndexedDB and Local Storage), so each account gets its own, in a directory the caller
// chooses: a private RAM directory under the session vault, or a persistent one.
class ProfileManager : public QObject
{
    Q_OBJECT
public:
    explicit ProfileManager(const QString &userAgent, QObject *parent = nullptr);

    // The profile of an account, kept in directory (its "storage" and "cache" below it).
    QWebEngineProfile *profile(const QString &account, const QString &directory);

    // A desktop Chrome user agent: the engine's own string without the QtWebEngine token,
    // which WhatsApp Web answers with its "update your browser" page.
    static QString desktopUserAgent(const QString &engineUserAgent);

private:
    QString m_userAgent;
    QHash<QString, QWebEngineProfile *> m_profiles;
};

} // namespace sak
