#pragma once

#include "agent/base/result.h"

namespace sak {

// Keeps what the agent holds in memory (the data key, SQLCipher's page cache, the WhatsApp
// session while it is unpacked) out of core files. Called first thing in main(), before any
// key is read.
//
// Linux: no core file (RLIMIT_CORE 0, hard limit too, so that nothing in the process raises it
// again; inherited by Chromium's processes). The process is left dumpable: see the .cpp for why.
// Elsewhere: nothing (see docs/architecture.md).
Status hardenProcess();

} // namespace sak
