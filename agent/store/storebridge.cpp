// The Store's delivered bridge packages: the signed documents as they came and how each fared
// here (agent/bridgeupdate/bridgeupdater.cpp decides; the store only remembers).
#include "agent/store/database.h"
#include "agent/store/store.h"

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {
BridgePackageRecord readPackage(Statement &row, bool withDocument)
{
    return {row.text(0),    withDocument ? row.blob(5) : QByteArray(),
            row.integer(1), row.text(2),
            row.text(3),    row.integer(4)};
}
} // namespace

Result<bool> Store::storeBridgePackage(const QString &version, const QByteArray &document,
                                       qint64 nowMs)
{
    auto statement = m_database->prepare(
        u"INSERT OR IGNORE INTO bridge_packages (version, document, received_at, changed_at) "
        "VALUES (?, ?, ?, ?)"_s);
    if (!statement)
        return statement.error();
    if (Status run = statement.value()
                         .bind(1, version)
                         .bind(2, document)
                         .bind(3, nowMs)
                         .bind(4, nowMs)
                         .run();
        !run)
        return run.error();
    const auto changes = m_database->queryNumber(u"SELECT changes()"_s);
    if (!changes)
        return changes.error();
    return changes.value().value_or(0) > 0;
}

Result<std::optional<BridgePackageRecord>> Store::bridgePackage(const QString &version)
{
    auto statement = m_database->prepare(
        u"SELECT version, received_at, state, failure, changed_at, document FROM bridge_packages "
        "WHERE version = ?"_s);
    if (!statement)
        return statement.error();
    auto row = statement.value().bind(1, version).step();
    if (!row)
        return row.error();
    if (!row.value())
        return std::optional<BridgePackageRecord>();
    return std::optional<BridgePackageRecord>(readPackage(statement.value(), true));
}

Result<QList<BridgePackageRecord>> Store::bridgePackages()
{
    auto statement = m_database->prepare(
        u"SELECT version, received_at, state, failure, changed_at FROM bridge_packages "
        "ORDER BY received_at DESC"_s);
    if (!statement)
        return statement.error();
    return statement.value().rows([](Statement &row) { return readPackage(row, false); });
}

Status Store::setBridgePackageState(const QString &version, const QString &state,
                                    const QString &failure, qint64 nowMs)
{
    // A failed package is never run again: only that it failed, and why, is kept.
    auto statement = m_database->prepare(
        u"UPDATE bridge_packages SET state = ?, failure = ?, changed_at = ?, "
        "document = CASE WHEN ? = 'failed' THEN x'' ELSE document END WHERE version = ?"_s);
    if (!statement)
        return statement.error();
    return statement.value()
        .bind(1, state)
        .bind(2, failure)
        .bind(3, nowMs)
        .bind(4, state)
        .bind(5, version)
        .run();
}

Status Store::pruneBridgePackages(const QStringList &keep)
{
    auto packages = bridgePackages();
    if (!packages)
        return packages.error();
    auto statement = m_database->prepare(u"DELETE FROM bridge_packages WHERE version = ?"_s);
    if (!statement)
        return statement.error();
    for (const BridgePackageRecord &p : std::as_const(packages.value())) {
        if (p.state == u"failed"_s || keep.contains(p.version))
            continue;
        if (Status run = statement.value().bind(1, p.version).run(); !run)
            return run;
        statement.value().reset();
    }
    return Done{};
}

} // namespace sak
