#pragma once

#include "agent/base/result.h"
#include "agent/delivery/pacer.h"
#include "agent/keys/keysource.h"

#include <QHash>
#include <QStringList>
#include <QUrl>

namespace sak {

// Everything the agent needs to know at start-up. It is read from an INI file (QSettings) and
// command-line overrides win over the file; see docs/architecture.md, "Configuration".
struct AgentConfig
{
    QUrl cloudUrl;
    QString caFile; // extra CA certificates (PEM) trusted for the cloud, besides the system's
    // Optional SHA-256 pins (base64) of the cloud server's keys: when set, a connection whose
    // certificate chain carries none of them is refused even though a CA vouches for it.
    QStringList cloudSpkiPins;
    // How outbound work arrives: "auto" (a WebSocket, long-polling where it cannot be held),
    // "websocket" or "poll".
    QString jobsTransport{QStringLiteral("auto")};
    // A customer's message the agent gets this long after it was written (the shop PC was
    // off overnight) reaches the cloud marked late; the cloud decides how to answer it.
    int lateAfterSeconds = 600;
    // The heartbeat's period (it goes at every change of the session too); its answer is
    // where the cloud offers a bridge package.
    int heartbeatSeconds = 60;
    // Optional: the agent's identity comes from pairing; if set, it must match the pairing.
    QString tenantId;
    QString agentId;
    QUrl whatsAppUrl{QStringLiteral("https://web.whatsapp.com/")};
    QString account{QStringLiteral("default")}; // names the persistent browser profile
    // SHA-256 pins (base64) of server keys the WhatsApp page may trust although no system CA
    // signed them. Only for a local test server such as the simulator; empty in production.
    QStringList whatsAppSpkiPins;
    QString userAgent; // empty: a desktop Chrome string derived from the engine's own
    QString dataDir;

    // The database key: the OS keychain unless a key file or a passphrase is chosen explicitly.
    KeyProtection keyProtection = KeyProtection::Keychain;
    QString keyFile;
    QString passphraseFile; // a file, or "-" for standard input

    // vault: the WhatsApp profile runs in RAM and is sealed into the encrypted store;
    // persistent: a plain profile directory on disk (weaker; for systems without RAM storage).
    bool persistentProfile = false;
    int sealAfterSeconds = 60;   // connected this long before the first seal
    int sealEverySeconds = 600;  // then again this often
    int loadTimeoutSeconds = 90; // WhatsApp Web not ready by then: reload, reload uncached, report
    // The page's renderer above this many MB is reloaded when nothing is being sent (0: never).
    // 1500: a healthy WhatsApp Web renderer stays well below it, and a shop PC with 4-8 GB
    // still has room for the rest at that size; wrappers of WhatsApp Web are reported at 2 to
    // 11 GB after days, which such a PC cannot give.
    int memoryCeilingMb = 1500;
    int memoryCheckSeconds = 60; // how often the renderer's memory is measured
    // A page above the ceiling again this soon after a reload is reported, not reloaded.
    int memoryRegrowSeconds = 600;
    bool takeover = false; // WhatsApp opened in another browser: take the session back at once
    // Bridge packages the cloud delivers (signed fixes of the page half) are taken; false: the
    // built-in bridge always runs ([bridge] accept-delivered).
    bool acceptDeliveredBridge = true;
    // Whether the account shows "online" to its contacts while the agent runs. Off by default:
    // while a linked device keeps the account online, the owner's phone stops notifying.
    bool appearOnline = false;
    // A customer's message still "waiting for this message" this long (view-once media on a
    // linked device never decrypts) is relayed as `unavailable`, so the cloud can ask again.
    int unavailableAfterSeconds = 60;
    // A customer's call: left ringing (the owner may pick up), declined, or declined with
    // `callReply` sent to the caller.
    enum class Calls
    {
        Ignore,
        Reject,
        RejectAndReply
    };
    Calls calls = Calls::Ignore;
    QString callReply = QStringLiteral(
        "Sorry, we cannot take calls here. Please write us a message and we will answer.");
    qint64 mediaMaxBytes = 16 * 1024 * 1024; // larger media is relayed without its bytes
    // Headless: instead of (or besides) the QR code, ask WhatsApp for a code to type on the
    // phone of this number (digits with the country code); empty: the QR code only.
    QString linkPhone;
    // Group chats are not answered, except those listed (ids ending in @g.us).
    QStringList allowedGroups;

    // [status]: the local status endpoint (127.0.0.1 only); 0: any free port, -1: off.
    int statusPort = kDefaultStatusPort;
    static constexpr int kDefaultStatusPort = 47811;
    // [ui] language: empty for the system's, else a code such as "de" or "ar".
    QString language;

    // [pacing]: the anti-ban rules (see pacer.h for each number's meaning and default).
    PacingPolicy pacing;

    QString storePath() const { return dataDir + QStringLiteral("/agent.db"); }

    // The keys of the INI file, in "group/name" form; command-line overrides use the same keys.
    static const QStringList &keys();

    // Reads the file (if any), applies the overrides, fills defaults and validates.
    // An explicitly named file that does not exist is an error; the default one may be absent.
    // Without `requireCloud` a missing cloud URL is allowed (the first-run window asks for it).
    static Result<AgentConfig> resolve(const QString &iniPath, bool iniPathExplicit,
                                       const QHash<QString, QString> &overrides,
                                       const QString &defaultDataDir, bool requireCloud = true);

    Status validate(bool requireCloud = true) const;

    // Writes `changes` (keys as in keys(); an empty value removes the key) into the INI file,
    // keeping its other settings, but only if the result is a valid configuration: otherwise
    // the file is left as it was and the error says what is wrong.
    static Status saveSettings(const QString &iniPath, const QHash<QString, QString> &changes,
                               const QString &defaultDataDir);

    // The languages the desktop UI is translated into (codes), besides English.
    static const QStringList &languages();

private:
    // The [pacing] section of the settings (agentconfigpacing.cpp).
    static Result<PacingPolicy> pacingFrom(const QHash<QString, QString> &values);
    // Every mistake in the configuration is an error of this kind, with what to change.
    static Error configError(const QString &message);
};

} // namespace sak
