#include "agent/delivery/statusreporter.h"

#include "agent/base/logging.h"
#include "agent/cloud/cloudclient.h"
#include "agent/delivery/deliveryledger.h"
#include "agent/store/store.h"

#include <QPointer>

namespace sak {
namespace {
constexpr int kParallelBatches = 2;
} // namespace

StatusReporter::StatusReporter(CloudClient *cloud, DeliveryLedger *ledger, QObject *parent)
    : QObject(parent)
    , m_cloud(cloud)
    , m_ledger(ledger)
{
    m_retryTimer.setSingleShot(true);
    // Never early: a coarse timer may fire 5 % before a Retry-After ends.
    m_retryTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_retryTimer, &QTimer::timeout, this, &StatusReporter::pump);
}

void StatusReporter::start()
{
    m_started = true;
    pump();
}

void StatusReporter::pump()
{
    if (!m_started || m_retryTimer.isActive() || m_batchesOut >= kParallelBatches)
        return;
    const auto pending =
        m_ledger->store()->pendingStatusReports(int(m_posting.size()) + cloud::kMaxStatusBatch);
    if (!pending) {
        m_ledger->storeFailed("reading the status queue", pending.error());
        return;
    }
    QList<qint64> ids;
    QList<cloud::StatusReport> reports;
    for (const StatusRecord &record : pending.value()) {
        if (m_posting.contains(record.id))
            continue;
        ids.append(record.id);
        cloud::StatusReport report;
        report.clientId = record.clientId;
        report.waMessageId = record.waMessageId;
        report.chatId = record.chatId;
        report.state = record.state;
        report.detail = record.detail;
        report.timestamp = record.timestamp;
        report.recipient = record.recipient;
        reports.append(std::move(report));
        if (reports.size() >= cloud::kMaxStatusBatch)
            break;
    }
    if (reports.isEmpty())
        return;
    for (const qint64 id : std::as_const(ids))
        m_posting.insert(id);
    ++m_batchesOut;
    QPointer<StatusReporter> self(this);
    m_cloud->postStatusBatch(reports, [self, ids](Status result) {
        if (!self)
            return;
        StatusReporter &r = *self;
        --r.m_batchesOut;
        for (const qint64 id : ids)
            r.m_posting.remove(id);
        if (!result) {
            const auto delay = r.m_retry.delayAfter(result.error(), r.m_attempt++);
            qCWarning(lcRelay).noquote()
                << "Reporting" << ids.size() << "state changes failed:" << result.error().message
                << "- again in" << delay.count() << "ms";
            if (!r.m_retryTimer.isActive())
                r.m_retryTimer.start(delay);
            return;
        }
        r.m_attempt = 0;
        if (auto done = r.m_ledger->store()->statusReported(ids); !done)
            r.m_ledger->storeFailed("clearing status reports", done.error());
        qCInfo(lcRelay).noquote() << "[7 status] cloud knows" << ids.size() << "state changes";
        r.pump();
    });
    pump(); // a second batch, if there is more
}

} // namespace sak
