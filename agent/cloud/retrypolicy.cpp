#include "agent/cloud/retrypolicy.h"

#include <QRandomGenerator>

#include <algorithm>

namespace sak {

std::chrono::milliseconds RetryPolicy::delayFor(int attempt) const
{
    const auto ceiling = std::min<qint64>(cap.count(), base.count() << std::min(attempt, 20));
    return std::chrono::milliseconds(QRandomGenerator::global()->bounded(ceiling + 1));
}

std::chrono::milliseconds RetryPolicy::delayAfter(const Error &error, int attempt) const
{
    // The server's Retry-After wins over our own back-off.
    if (error.retryAfterSeconds > 0)
        return std::chrono::seconds(error.retryAfterSeconds);
    return delayFor(attempt);
}

} // namespace sak
