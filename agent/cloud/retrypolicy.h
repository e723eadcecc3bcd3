#pragma once

#include "agent/base/result.h"

#include <chrono>

namespace sak {

// How long to wait before trying a request to the cloud again.
struct RetryPolicy
{
    std::chrono::milliseconds base{1000};
    std::chrono::milliseconds cap{60000};
    int maxAttempts = 8;

    // Full jitter: a uniformly random delay in [0, min(cap, base * 2^attempt)].
    std::chrono::milliseconds delayFor(int attempt) const;
    // After a failure: the server's Retry-After when it sent one, else delayFor(attempt).
    std::chrono::milliseconds delayAfter(const Error &error, int attempt) const;
};

} // namespace sak
