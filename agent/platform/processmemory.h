#pragma once

#include "agent/base/result.h"

#include <QString>

namespace sak {

// How much memory a process uses, as the operating system tells it to another process of the
// same user: the measure the memory watchdog compares with its ceiling and the soak bench
// prints.
struct ProcessMemory
{
    qint64 bytes = 0;
    // Which measure `bytes` is: "pss" (Linux: the process's private pages plus its share of
    // those it shares, so that Chromium's processes add up), "rss" (Linux, where smaps_rollup
    // cannot be read: a kernel before 4.14, or a process that is not dumpable), or "private"
    // (Windows: its private bytes, the commit charge).
    QString kind;
};

// The memory of the process `pid`; an error says why it cannot be read (no such process,
// another user's, an operating system without a way to ask).
Result<ProcessMemory> readProcessMemory(qint64 pid);

} // namespace sak
