#include "agent/platform/processhardening.h"

#ifdef Q_OS_LINUX
#include <cerrno>
#include <cstring>
#include <sys/prctl.h>
#include <sys/resource.h>
#endif

using namespace Qt::Literals::StringLiterals;

namespace sak {

Status hardenProcess()
{
#ifdef Q_OS_LINUX
    // Lowering a limit never needs a privilege: this cannot fail for lack of rights.
    const rlimit noCore{0, 0};
    if (::setrlimit(RLIMIT_CORE, &noCore) != 0)
        return Error{u"hardening"_s,
                     u"Core dumps could not be switched off (%1); the agent's memory could reach "
                     u"a core file. Run the service with LimitCORE=0."_s.arg(
                         QString::fromLocal8Bit(std::strerror(errno)))};
    // Not dumpable: the kernel writes no core whatever the limit or core_pattern says, and only
    // root may attach to the process or read its memory. Reset by exec, so Chromium's
    // processes are dumpable again; and their sandbox still works, since they make their
    // namespaces after their own exec (measured: docs/architecture.md, Trust).
    if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        return Error{u"hardening"_s,
                     u"The process could not be made non-dumpable (%1); another process of the "
                     u"same user could read the agent's memory."_s.arg(
                         QString::fromLocal8Bit(std::strerror(errno)))};
#endif
    return Done{};
}

} // namespace sak
