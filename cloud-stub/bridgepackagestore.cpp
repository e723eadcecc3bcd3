#include "cloud-stub/bridgepackagestore.h"

#include "agent/base/logging.h"
#include "agent/protocol/bridgepackage.h"

#include <QCryptographicHash>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace sak::stub {
namespace {

QString savedKey(const QString &tenantId, const QString &version)
{
    return tenantId + u'\n' + version;
}

} // namespace

Result<BridgePackageStore::Package>
BridgePackageStore::publish(const QString &tenantId, const QByteArray &document, qint64 nowMs)
{
    auto kept = keep(tenantId, document, nowMs);
    if (kept)
        qCInfo(lcStub).noquote() << "Bridge package" << kept.value().version
                                 << "published for tenant" << tenantId
                                 << u"(%1 bytes)"_s.arg(document.size());
    return kept;
}

Result<BridgePackageStore::Package>
BridgePackageStore::keep(const QString &tenantId, const QByteArray &document, qint64 nowMs)
{
    const auto read = bridgepackage::read(document);
    if (!read)
        return read.error();
    const bridgepackage::Manifest &manifest = read.value().manifest;
    Package package{
        manifest.versionText,
        manifest.version,
        manifest.waJsVersion,
        manifest.notes,
        manifest.agentMin.toString(),
        manifest.agentMax.toString(),
        document,
        QString::fromLatin1(QCryptographicHash::hash(document, QCryptographicHash::Sha256).toHex()),
        nowMs};
    QList<Package> &packages = m_packages[tenantId];
    packages.removeIf([&](const Package &p) { return p.version == package.version; });
    // Before the first older one: of two equal numbers ("1.2", "1.02") the later published wins.
    const auto at = std::find_if(packages.begin(), packages.end(),
                                 [&](const Package &p) { return p.number <= package.number; });
    packages.insert(at, package);
    m_saved.insert(savedKey(tenantId, package.version),
                   QJsonObject{{u"tenantId"_s, tenantId},
                               {u"publishedMs"_s, nowMs},
                               {u"document"_s, QString::fromLatin1(document.toBase64())}});
    return package;
}

std::optional<BridgePackageStore::Package> BridgePackageStore::newest(const QString &tenantId) const
{
    const auto it = m_packages.constFind(tenantId);
    if (it == m_packages.cend() || it->isEmpty())
        return std::nullopt;
    return it->first();
}

std::optional<BridgePackageStore::Package> BridgePackageStore::find(const QString &tenantId,
                                                                    const QString &version) const
{
    for (const Package &p : m_packages.value(tenantId)) {
        if (p.version == version)
            return p;
    }
    return std::nullopt;
}

qsizetype BridgePackageStore::withdraw(const QString &tenantId)
{
    const QList<Package> withdrawn = m_packages.take(tenantId);
    for (const Package &p : withdrawn)
        m_saved.remove(savedKey(tenantId, p.version));
    if (!withdrawn.isEmpty())
        qCInfo(lcStub).noquote() << withdrawn.size() << "bridge package(s) withdrawn for tenant"
                                 << tenantId;
    return withdrawn.size();
}

QJsonObject BridgePackageStore::describe(const Package &package)
{
    return {{u"version"_s, package.version},   {u"size"_s, package.document.size()},
            {u"sha256"_s, package.sha256},     {u"publishedMs"_s, package.publishedMs},
            {u"waJs"_s, package.waJs},         {u"agentMin"_s, package.agentMin},
            {u"agentMax"_s, package.agentMax}, {u"notes"_s, package.notes}};
}

QJsonArray BridgePackageStore::snapshot() const
{
    QJsonArray out;
    for (auto it = m_packages.cbegin(); it != m_packages.cend(); ++it) {
        for (const Package &p : it.value())
            out.append(m_saved.value(savedKey(it.key(), p.version)));
    }
    return out;
}

void BridgePackageStore::restore(const QJsonArray &snapshot)
{
    m_packages.clear();
    m_saved.clear();
    // Oldest version first, so that each is placed as when it was published.
    for (qsizetype i = snapshot.size() - 1; i >= 0; --i) {
        const QJsonObject saved = snapshot.at(i).toObject();
        const auto document =
            QByteArray::fromBase64Encoding(saved.value(u"document"_s).toString().toLatin1(),
                                           QByteArray::AbortOnBase64DecodingErrors);
        if (!document || !keep(saved.value(u"tenantId"_s).toString(), *document,
                               saved.value(u"publishedMs"_s).toInteger()))
            qCWarning(lcStub).noquote() << "A bridge package in the state file is damaged; skipped";
    }
}

} // namespace sak::stub
