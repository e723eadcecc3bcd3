#pragma once

#include "agent/protocol/bridgepackage.h"

namespace sak {

// The keys bridge packages may be signed with, compiled in (cmake/SakBridgeKeys.cmake): the
// release keys (a second one during a rotation) and, in test and demo builds, the build's
// generated test key (marked `test`).
QList<bridgepackage::TrustedKey> trustedBridgeKeys();

} // namespace sak
