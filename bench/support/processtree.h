#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>

// What the benches read about running processes: CPU time and memory of a process, of the
// whole tree under it (Chromium's zygotes, renderers and utilities hang under the program that
// embeds them), and of each of its threads. Linux reads /proc; elsewhere every figure is -1
// ("not measured"), and a bench that gets -1 says so instead of printing 0.
namespace sak::bench {

struct ProcessInfo
{
    qint64 pid = 0;
    qint64 parent = 0;
    QByteArray name;    // the kernel's short name (comm)
    QByteArray cmdline; // arguments separated by spaces
    qint64 cpuMs = 0;   // user + system since the process started
};

// `root` and every process that descends from it; empty when `root` is gone.
QList<ProcessInfo> processTree(qint64 root);

// User + system CPU time in milliseconds; -1 when it cannot be read.
qint64 cpuMs(qint64 pid);
qint64 treeCpuMs(qint64 root);

// Proportional set size in bytes (private pages plus a share of the shared ones, so that a
// tree's processes add up); -1 when it cannot be read.
qint64 pssBytes(qint64 pid);
qint64 treePssBytes(qint64 root);
// The most resident memory the process ever had (VmHWM) in bytes; -1 when it cannot be read.
qint64 peakRssBytes(qint64 pid);

// CPU time in milliseconds of each thread of `pid`, summed by thread name.
QHash<QByteArray, qint64> threadCpuMs(qint64 pid);

} // namespace sak::bench
