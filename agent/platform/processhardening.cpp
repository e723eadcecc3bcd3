#include "agent/platform/processhardening.h"

#ifdef Q_OS_LINUX
#include <cerrno>
#include <cstring>
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
        // The process stays dumpable on purpose: PR_SET_DUMPABLE 0 is inherited by the children
        // Chromium forks for its namespace sandbox, which then cannot write their own
        // /proc/self/uid_map, and the WhatsApp page would not start for any user but root. Other
        // users are kept out by the data directory's owner (and the service's own user).
#endif
    return Done{};
}

} // namespace sak
