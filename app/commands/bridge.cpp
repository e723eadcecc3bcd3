#include "agent/bridgeupdate/bridgeupdater.h"
#include "agent/bridgeupdate/trustedkeys.h"
#include "agent/store/store.h"
#include "app/commands/commands.h"

#include <QDateTime>

#include <cstdio>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

QString when(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(u"yyyy-MM-dd HH:mm"_s);
}

// --bridge: which page half of the bridge runs (built in or delivered, its version, wa-js's,
// who signed it), what was delivered and how it fared, and the keys this build trusts.
// --bridge-rollback: back to the package that ran before (or the built-in one); a running
// agent follows within seconds. Both on the store.
class Bridge final : public Command
{
public:
    explicit Bridge(Input input)
        : Command(std::move(input), Needs::Store)
    {}

private:
    void run() override
    {
        if (option() == u"bridge-rollback"_s) {
            const auto done = BridgeUpdater::rollBack(store(), QDateTime::currentMSecsSinceEpoch());
            if (!done) {
                fail(done.error());
                return;
            }
            std::printf("sak-agent: %s\n", qPrintable(done.value()));
            succeed();
            return;
        }
        const QList<bridgepackage::TrustedKey> keys = trustedBridgeKeys();
        const auto active = store().setting(QString::fromLatin1(BridgeUpdater::kActiveSetting));
        const QString running =
            active && active.value() ? QString::fromUtf8(*active.value()) : QString();
        QString line = u"built in (wa-js %1)"_s.arg(QStringLiteral(SAK_WAJS_VERSION));
        if (!running.isEmpty() && !config().acceptDeliveredBridge)
            line +=
                u"; package %1 is delivered but not run ([bridge] accept-delivered = false)"_s.arg(
                    running);
        else if (!running.isEmpty()) {
            const auto record = store().bridgePackage(running);
            const auto document = record && record.value()
                                      ? bridgepackage::read(record.value()->document)
                                      : Result<bridgepackage::Document>(Error{});
            if (document) {
                const auto &m = document.value().manifest;
                QString signer = document.value().keyId;
                for (const auto &key : keys) {
                    if (key.keyId == signer)
                        signer +=
                            u" (%1%2)"_s.arg(key.name, key.test ? u", NOT FOR SHOPS"_s : QString());
                }
                line =
                    u"delivered package %1 (wa-js %2, for agents %3 to %4), signed by key %5, %6"_s
                        .arg(m.versionText, m.waJsVersion, m.agentMin.toString(),
                             m.agentMax.toString(), signer, record.value()->state);
            } else {
                line =
                    u"delivered package %1 (unreadable: the agent runs its built-in bridge)"_s.arg(
                        running);
            }
        }
        std::printf("Running bridge: %s\n", qPrintable(line));
        std::printf("Delivered packages: %s\n",
                    config().acceptDeliveredBridge
                        ? "taken when genuine ([bridge] accept-delivered = true)"
                        : "refused ([bridge] accept-delivered = false): the built-in bridge runs");
        const auto packages = store().bridgePackages();
        if (!packages) {
            fail(packages.error());
            return;
        }
        for (const BridgePackageRecord &p : packages.value())
            std::printf("  %-12s %-8s received %s%s\n", qPrintable(p.version), qPrintable(p.state),
                        qPrintable(when(p.receivedAt)),
                        p.failure.isEmpty() ? "" : qPrintable(u": "_s + p.failure));
        std::printf("Signing keys this build trusts:%s\n", keys.isEmpty() ? " none" : "");
        for (const auto &key : keys)
            std::printf("  %s %s%s\n", qPrintable(key.keyId), qPrintable(key.name),
                        key.test ? " (a test key: this build is not for shops)" : "");
        succeed();
    }
};

} // namespace

std::unique_ptr<Command> commands::bridge(Command::Input input)
{
    return std::make_unique<Bridge>(std::move(input));
}

} // namespace sak
