#include "bench/support/processtree.h"

#include "agent/platform/processmemory.h"

#include <QDir>
#include <QFile>

#ifdef Q_OS_LINUX
#include <unistd.h>
#endif

using namespace Qt::Literals::StringLiterals;

namespace sak::bench {

namespace {

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// /proc/PID/stat: the name sits in parentheses (and may hold spaces); after them come the
// state (field 3), the parent (4), ..., utime (14) and stime (15).
struct Stat
{
    bool valid = false;
    QByteArray name;
    qint64 parent = 0;
    qint64 cpuMs = 0;
};

Stat parseStat(const QByteArray &stat)
{
    Stat s;
#ifdef Q_OS_LINUX
    const qsizetype open = stat.indexOf('(');
    const qsizetype close = stat.lastIndexOf(')');
    if (open < 0 || close < open)
        return s;
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    if (fields.size() < 13)
        return s;
    static const long ticks = sysconf(_SC_CLK_TCK);
    s.valid = true;
    s.name = stat.mid(open + 1, close - open - 1);
    s.parent = fields.at(1).toLongLong();
    s.cpuMs = (fields.at(11).toLongLong() + fields.at(12).toLongLong()) * 1000 / ticks;
#else
    Q_UNUSED(stat);
#endif
    return s;
}

} // namespace

QList<ProcessInfo> processTree(qint64 root)
{
    QHash<qint64, Stat> all;
    const QStringList entries = QDir(u"/proc"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool number = false;
        const qint64 pid = entry.toLongLong(&number);
        if (!number)
            continue;
        const Stat s = parseStat(readFile(u"/proc/%1/stat"_s.arg(pid)));
        if (s.valid)
            all.insert(pid, s);
    }
    QList<ProcessInfo> tree;
    for (auto it = all.cbegin(); it != all.cend(); ++it) {
        qint64 up = it.key();
        for (int depth = 0; depth < 16 && up > 1 && up != root; ++depth)
            up = all.value(up).parent;
        if (up != root)
            continue;
        QByteArray cmdline = readFile(u"/proc/%1/cmdline"_s.arg(it.key()));
        cmdline.replace('\0', ' ');
        tree.append(
            {it.key(), it.value().parent, it.value().name, cmdline.trimmed(), it.value().cpuMs});
    }
    return tree;
}

qint64 cpuMs(qint64 pid)
{
    const Stat s = parseStat(readFile(u"/proc/%1/stat"_s.arg(pid)));
    return s.valid ? s.cpuMs : -1;
}

qint64 treeCpuMs(qint64 root)
{
    const QList<ProcessInfo> tree = processTree(root);
    if (tree.isEmpty())
        return -1;
    qint64 sum = 0;
    for (const ProcessInfo &p : tree)
        sum += p.cpuMs;
    return sum;
}

qint64 pssBytes(qint64 pid)
{
    // The measure the agent's memory watchdog reads; only PSS (not its RSS fallback) adds up.
    const auto memory = readProcessMemory(pid);
    return memory && memory.value().kind == u"pss"_s ? memory.value().bytes : -1;
}

qint64 treePssBytes(qint64 root)
{
    qint64 sum = 0;
    int measured = 0;
    for (const ProcessInfo &p : processTree(root)) {
        const qint64 bytes = pssBytes(p.pid);
        if (bytes < 0)
            continue; // ended between the listing and now
        sum += bytes;
        ++measured;
    }
    return measured > 0 ? sum : -1;
}

qint64 peakRssBytes(qint64 pid)
{
    const QByteArray status = readFile(u"/proc/%1/status"_s.arg(pid));
    for (const QByteArray &line : status.split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return -1;
}

QHash<QByteArray, qint64> threadCpuMs(qint64 pid)
{
    QHash<QByteArray, qint64> byName;
    const QString tasks = u"/proc/%1/task"_s.arg(pid);
    const QStringList entries = QDir(tasks).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &tid : entries) {
        const Stat s = parseStat(readFile(tasks + u'/' + tid + u"/stat"_s));
        if (s.valid)
            byName[s.name] += s.cpuMs;
    }
    return byName;
}

} // namespace sak::bench
