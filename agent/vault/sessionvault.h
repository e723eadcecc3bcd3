#pragma once

#include "agent/base/result.h"

#include <QString>

#include <chrono>

namespace sak {

class Store;

// Keeps a WhatsApp session sealed at rest. The browser profile runs from a private directory
// in RAM (never the persistent disk); its session, WhatsApp's IndexedDB and Local Storage, is
// restored from the encrypted store at start and sealed back into it while the session is
// stable and at every clean exit, then the RAM copy is wiped.
class SessionVault
{
public:
    enum class Restored
    {
        CrashCopy, // the RAM copy survived a crash of the agent: used as it is, and sealed soon
        Seal,      // unpacked from the last seal (e.g. after a reboot)
        Nothing,   // no session yet: WhatsApp will ask for pairing
    };

    // profileDir: the profile's own directory; its "storage" subdirectory is what the browser
    // writes to (see ProfileManager).
    SessionVault(Store &store, QString account, QString profileDir);

    // Where profiles run: $XDG_RUNTIME_DIR/sak-agent, or /dev/shm/sak-agent-<uid>; owner-only.
    // Fails on systems without a RAM-backed directory (then the persistent profile is the
    // documented, weaker alternative).
    static Result<QString> runtimeRoot();

    Result<Restored> restore();
    // Packs the session and replaces the previous seal in one transaction: never half-written.
    Status seal();
    // Lets the event loop run until the session's files have stopped changing (the browser
    // writes its last changes after its profile is deleted), for at most maxWait.
    void settle(std::chrono::milliseconds quiet = std::chrono::milliseconds(300),
                std::chrono::milliseconds maxWait = std::chrono::seconds(5));
    // Removes the RAM copy.
    Status wipe();

    const QString &profileDir() const { return m_profileDir; }

    // The archive format, exposed for tests and the benchmark.
    static Result<QByteArray> pack(const QString &storageDir);
    static Status unpack(const QByteArray &archive, const QString &storageDir);

private:
    Store &m_store;
    QString m_account;
    QString m_profileDir;
};

} // namespace sak
