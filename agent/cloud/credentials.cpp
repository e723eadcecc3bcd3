#include "agent/cloud/credentials.h"

#include "agent/cloud/cloudclient.h"
#include "agent/store/store.h"

#include <QSysInfo>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

const QString kCredentialsSetting = u"cloud-credentials"_s;

CloudClient::CredentialsCallback keepingIn(Store &store, CredentialsDone done)
{
    return [&store, done = std::move(done)](Result<cloud::Credentials> credentials) {
        if (credentials) {
            if (Status kept =
                    store.setSetting(kCredentialsSetting, cloud::encode(credentials.value()));
                !kept) {
                done(kept.error());
                return;
            }
        }
        done(std::move(credentials));
    };
}

} // namespace

Result<cloud::Credentials> loadCredentials(Store &store, const AgentConfig &config)
{
    const auto stored = store.setting(kCredentialsSetting);
    if (!stored)
        return stored.error();
    if (!stored.value())
        return Error{
            u"not-paired"_s,
            u"This agent is not paired with the cloud yet: create a pairing code in the cloud dashboard and run sak-agent --pair CODE (with the same --cloud-url and --data-dir)."_s};
    auto credentials = cloud::decodeCredentials(*stored.value());
    if (!credentials)
        return Error{
            u"not-paired"_s,
            u"The stored cloud credentials are damaged; pair the agent again with sak-agent --pair CODE."_s};
    const auto &c = credentials.value();
    if ((!config.tenantId.isEmpty() && config.tenantId != c.tenantId) ||
        (!config.agentId.isEmpty() && config.agentId != c.agentId))
        return Error{
            u"config"_s,
            u"This agent is paired as %1 of tenant %2, but the configuration says %3 of tenant %4. Remove the ids from the configuration, or pair again."_s
                .arg(c.agentId, c.tenantId, config.agentId, config.tenantId)};
    return credentials;
}

Status forgetCredentials(Store &store)
{
    return store.removeSetting(kCredentialsSetting);
}

void pairAndKeep(CloudClient &cloud, Store &store, const QString &code, CredentialsDone done)
{
    cloud.pair(code, QSysInfo::machineHostName(), keepingIn(store, std::move(done)));
}

void rotateAndKeep(CloudClient &cloud, Store &store, CredentialsDone done)
{
    cloud.rotateCredentials(keepingIn(store, std::move(done)));
}

} // namespace sak
