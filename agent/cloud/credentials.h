#pragma once

#include "agent/base/result.h"
#include "agent/config/agentconfig.h"
#include "agent/protocol/cloudprotocol.h"

#include <functional>

namespace sak {

class CloudClient;
class Store;

// The agent's cloud credentials (tenant, agent id, token, signing secret): handed out by the
// cloud when the agent pairs or rotates its secret, and kept only in the encrypted store,
// never in the configuration.

// What pairing stored. "not-paired" when there is nothing (or it is damaged): the message says
// how to pair; "config" when the configuration names another agent or tenant.
Result<cloud::Credentials> loadCredentials(Store &store, const AgentConfig &config);
Status forgetCredentials(Store &store);

using CredentialsDone = std::function<void(Result<cloud::Credentials>)>;
// Asks the cloud, then keeps what it handed out; `done` gets the credentials, or the first
// error (the cloud's, or the store's). `cloud` and `store` must outlive the request.
void pairAndKeep(CloudClient &cloud, Store &store, const QString &code, CredentialsDone done);
void rotateAndKeep(CloudClient &cloud, Store &store, CredentialsDone done);

} // namespace sak
