#pragma once

#include "agent/cloud/retrypolicy.h"

#include <QObject>
#include <QSet>
#include <QTimer>

namespace sak {

class CloudClient;
class DeliveryLedger;

// [7 status] Every change of an outbox item's state goes to the cloud from a durable queue that
// the store fills in the transaction of the change. Reports go in batches; while one is out the
// next fills up, so a busy agent sends few large requests and a quiet one each change at once.
class StatusReporter : public QObject
{
    Q_OBJECT
public:
    StatusReporter(CloudClient *cloud, DeliveryLedger *ledger, QObject *parent = nullptr);

    void setRetryPolicy(const RetryPolicy &policy) { m_retry = policy; }

    void start();
    // Sends what the queue holds, unless enough batches are out or a retry is waiting.
    void pump();

private:
    CloudClient *m_cloud;
    DeliveryLedger *m_ledger;
    RetryPolicy m_retry;
    QSet<qint64> m_posting; // status reports out to the cloud now
    QTimer m_retryTimer;
    int m_attempt = 0;
    int m_batchesOut = 0;
    bool m_started = false;
};

} // namespace sak
