#pragma once

#include "agent/base/result.h"

#include <QCoreApplication>
#include <QString>

#include <cstdio>

namespace sak {

// How sak-agent ends when it cannot go on: the reason on standard error, and exit code 2
// (scripts and the service manager tell it from 0, done, by the code alone).
constexpr int kExitFailure = 2;

inline int printFailure(const QString &message)
{
    std::fprintf(stderr, "sak-agent: %s\n", qPrintable(message));
    return kExitFailure;
}

// The same inside the event loop: it ends with exit code 2.
inline void exitWithFailure(const Error &error)
{
    QCoreApplication::exit(printFailure(error.message));
}

} // namespace sak
