#pragma once

#include "agent/base/result.h"

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QVersionNumber>

#include <optional>

namespace sak::stub {

// The bridge packages published for each tenant (docs/protocol.md, "Bridge packages"). The
// cloud only passes them on: it checks that a document is a package in form, never its
// signature (it holds no keys, so a compromised cloud account cannot make one).
class BridgePackageStore
{
public:
    struct Package
    {
        QString version; // as the manifest writes it; the agent asks for it so
        QVersionNumber number;
        QString waJs;
        QString notes;
        QString agentMin;
        QString agentMax;
        QByteArray document; // exactly as published: the agent checks its size and SHA-256
        QString sha256;      // lower-case hex, of `document`
        qint64 publishedMs = 0;
    };

    // Keeps the document for the tenant, in place of one of the same version; refused (with
    // the reader's sentence) when it is not a package in form.
    Result<Package> publish(const QString &tenantId, const QByteArray &document, qint64 nowMs);
    // The tenant's packages, the newest version first.
    QList<Package> packages(const QString &tenantId) const { return m_packages.value(tenantId); }
    // What the tenant's agents are told at their heartbeat: the newest version.
    std::optional<Package> newest(const QString &tenantId) const;
    std::optional<Package> find(const QString &tenantId, const QString &version) const;
    // Withdraws all of the tenant's packages; how many there were.
    qsizetype withdraw(const QString &tenantId);

    // The admin API's view of a package.
    static QJsonObject describe(const Package &package);

    // Published packages survive a restart of the stub, as the cloud's would.
    QJsonArray snapshot() const;
    void restore(const QJsonArray &snapshot);

private:
    Result<Package> keep(const QString &tenantId, const QByteArray &document, qint64 nowMs);

    QHash<QString, QList<Package>> m_packages; // by tenant, the newest version first
    // The documents as the state file holds them (base64), encoded once: the stub takes a
    // snapshot of its state four times a second, and a document may be 8 MiB.
    QHash<QString, QJsonObject> m_saved; // by tenant + '\n' + version
};

} // namespace sak::stub
