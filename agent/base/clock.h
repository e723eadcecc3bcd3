#pragma once

#include <QDateTime>

namespace sak {

// Where the agent's delivery code reads the time, so that tests can move it by hand.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual qint64 nowMs() const = 0; // unix milliseconds
};

class SystemClock final : public Clock
{
public:
    qint64 nowMs() const override { return QDateTime::currentMSecsSinceEpoch(); }
};

} // namespace sak
