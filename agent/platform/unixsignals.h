#pragma once

#include <QObject>

namespace sak {

// Turns SIGTERM and SIGINT into a clean quit of the event loop (so the session is sealed and
// the RAM copy wiped), through the self-pipe pattern: the handler only writes a byte.
class UnixSignals : public QObject
{
    Q_OBJECT
public:
    explicit UnixSignals(QObject *parent = nullptr);
    ~UnixSignals() override;

Q_SIGNALS:
    void terminationRequested(int signalNumber);
};

} // namespace sak
