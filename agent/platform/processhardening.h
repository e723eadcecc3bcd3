#pragma once

#include "agent/base/result.h"

namespace sak {

// Keeps what the agent holds in memory (the data key, SQLCipher's page cache, the WhatsApp
// session while it is unpacked) out of core files and away from other processes of the same
// user. Called first thing in main(), before any key is read.
//
// Linux: no core file (RLIMIT_CORE 0, hard limit too, so that nothing in the process raises it
// again; inherited by Chromium's processes), and the process is not dumpable (no core even
// where the system pipes cores to a handler, no ptrace and no /proc/PID/mem for other
// processes of the same user; root keeps both). Elsewhere: nothing (see docs/architecture.md).
Status hardenProcess();

} // namespace sak
