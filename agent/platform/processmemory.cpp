#include "agent/platform/processmemory.h"

#include <QFile>

#ifdef Q_OS_WIN
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
// After windows.h, which it needs.
#include <psapi.h>
#endif

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

#ifdef Q_OS_LINUX
// A "Name:   1234 kB" line of /proc/PID/smaps_rollup or /proc/PID/status, in bytes; -1 when
// the file has no such line.
qint64 kilobytesLine(const QByteArray &text, const QByteArray &name)
{
    for (const QByteArray &line : text.split('\n')) {
        if (!line.startsWith(name))
            continue;
        bool ok = false;
        const qint64 kb = line.mid(name.size()).trimmed().split(' ').value(0).toLongLong(&ok);
        return ok ? kb * 1024 : -1;
    }
    return -1;
}

QByteArray readProcFile(qint64 pid, const char *name)
{
    // Not QFile::readAll() on the size: /proc files report 0 bytes and are read to their end.
    QFile file(u"/proc/%1/%2"_s.arg(pid).arg(QLatin1String(name)));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}
#endif

} // namespace

Result<ProcessMemory> readProcessMemory(qint64 pid)
{
    if (pid <= 0)
        return Error{u"no-process"_s, u"There is no process to measure (id %1)."_s.arg(pid)};
#if defined(Q_OS_LINUX)
    // PSS first: the renderer shares its libraries with Chromium's other processes, and RSS
    // would count them in full for each.
    if (const qint64 pss = kilobytesLine(readProcFile(pid, "smaps_rollup"), "Pss:"); pss >= 0)
        return ProcessMemory{pss, u"pss"_s};
    const QByteArray status = readProcFile(pid, "status");
    if (status.isEmpty())
        return Error{u"no-process"_s,
                     u"The memory of process %1 cannot be read: it has ended."_s.arg(pid)};
    if (const qint64 rss = kilobytesLine(status, "VmRSS:"); rss >= 0)
        return ProcessMemory{rss, u"rss"_s};
    return Error{u"no-memory"_s,
                 u"Process %1 reports no resident memory (it is ending)."_s.arg(pid)};
#elif defined(Q_OS_WIN)
    HANDLE process =
        OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_VM_READ, FALSE, DWORD(pid));
    if (!process)
        return Error{u"no-process"_s,
                     u"Process %1 cannot be opened to read its memory (error %2)."_s.arg(pid).arg(
                         qulonglong(GetLastError()))};
    PROCESS_MEMORY_COUNTERS_EX counters{};
    counters.cb = sizeof(counters);
    const BOOL read = GetProcessMemoryInfo(
        process, reinterpret_cast<PROCESS_MEMORY_COUNTERS *>(&counters), sizeof(counters));
    const DWORD error = read ? 0 : GetLastError();
    CloseHandle(process);
    if (!read)
        return Error{u"no-memory"_s,
                     u"The memory of process %1 cannot be read (error %2)."_s.arg(pid).arg(
                         qulonglong(error))};
    return ProcessMemory{qint64(counters.PrivateUsage), u"private"_s};
#else
    return Error{u"unsupported"_s,
                 u"Reading another process's memory is not implemented on this system."_s};
#endif
}

} // namespace sak
