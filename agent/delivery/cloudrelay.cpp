#include "agent/delivery/cloudrelay.h"

#include "agent/base/logging.h"
#include "agent/cloud/cloudclient.h"
#include "agent/delivery/deliveryledger.h"
#include "agent/delivery/outboxintake.h"
#include "agent/store/store.h"

#include <QPointer>

#include <limits>
#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {
constexpr int kParallelRelays = 8; // chats relayed to the cloud at once
constexpr int kDueBatch = 64;
constexpr int kGatherAnswersMs = 5;

// Transient trouble (no answer, overload, a server error, an unsigned or changed 2xx/5xx that
// a proxy may have sent) is waited out. A refusal is counted towards the dead letter, because
// the same request would be refused again and, as only the oldest pending message of a chat
// is relayed, would hold up every later message of that customer: a 4xx (not 408/429), signed
// or not (a proxy or WAF refusing a large media body with 413), and a signed answer the agent
// cannot use (it cannot be decoded, or answers another chat or message: bad-response).
bool isRefusal(const Error &error)
{
    if (error.code == u"bad-response"_s)
        return true;
    const int status = error.httpStatus;
    return status >= 400 && status <= 499 && status != 408 && status != 429;
}
} // namespace

CloudRelay::CloudRelay(CloudClient *cloud, DeliveryLedger *ledger, QObject *parent)
    : QObject(parent)
    , m_cloud(cloud)
    , m_ledger(ledger)
{
    m_timer.setSingleShot(true);
    // Never early: a coarse timer may fire 5 % before a Retry-After ends.
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &CloudRelay::pump);
    m_answerTimer.setSingleShot(true);
    connect(&m_answerTimer, &QTimer::timeout, this, &CloudRelay::writeAnswers);
}

void CloudRelay::start()
{
    m_started = true;
    pump();
}

void CloudRelay::schedule(qint64 atMs)
{
    const qint64 delay = std::max<qint64>(0, atMs - m_ledger->now());
    if (!m_timer.isActive() || m_timer.remainingTime() > delay)
        m_timer.start(int(std::min<qint64>(delay, std::numeric_limits<int>::max())));
}

void CloudRelay::pump()
{
    if (!m_started)
        return;
    Store *store = m_ledger->store();
    const qint64 t = m_ledger->now();
    const auto due = store->dueInbound(t, kDueBatch);
    if (!due) {
        m_ledger->storeFailed("reading the journal", due.error());
        schedule(t + 5000);
        return;
    }
    for (const JournalEntry &entry : due.value()) {
        if (m_relayingChats.size() >= kParallelRelays)
            return; // the next answer pumps again
        if (!m_relayingChats.contains(entry.message.chatId))
            relay(entry);
    }
    if (const auto next = store->nextInboundDue(); next && next.value() && *next.value() > t)
        schedule(*next.value());
}

void CloudRelay::relay(const JournalEntry &entry)
{
    m_relayingChats.insert(entry.message.chatId);
    const qint64 waitedMs = entry.receivedAt - entry.message.timestamp * 1000;
    const bool late = waitedMs > m_lateAfter.count();
    if (late)
        qCInfo(lcRelay).noquote() << "[2 to cloud] relaying" << entry.message.id << "(late: written"
                                  << waitedMs / 60000 << "min before the agent had it)";
    else
        qCInfo(lcRelay).noquote() << "[2 to cloud] relaying" << entry.message.id;
    QPointer<CloudRelay> self(this);
    const qint64 askedMs = m_ledger->now();
    m_cloud->postInbound(
        entry.message, late, [self, entry, askedMs](Result<cloud::InboundResponse> result) {
            if (!self)
                return;
            CloudRelay &r = *self;
            DeliveryLedger &ledger = *r.m_ledger;
            const InboundMessage &message = entry.message;
            const qint64 now = ledger.now();
            Q_EMIT r.attempted(message.id, now - askedMs);
            if (result) {
                // Refused whole, like an answer that cannot be read: none of its replies is
                // queued; the message is asked about again, and after maxAttempts such answers
                // it is a dead letter, so that the chat's next messages are not held up.
                if (const QString problem = intake::answerProblem(result.value(), message);
                    !problem.isEmpty())
                    result = Error{u"bad-response"_s, problem};
            }
            if (result) {
                Answer answer{message.id, message.chatId, {}, {}, now};
                for (const cloud::Reply &reply : result.value().replies) {
                    answer.items.append(intake::fromReply(reply, message));
                    answer.replyIds.append(reply.clientId);
                }
                r.m_answers.append(std::move(answer));
                if (r.m_answers.size() >= r.m_relayingChats.size())
                    r.writeAnswers(); // nothing else is out: no reason to wait
                else if (!r.m_answerTimer.isActive())
                    r.m_answerTimer.start(kGatherAnswersMs);
                return;
            }
            r.m_relayingChats.remove(message.chatId);
            const Error &error = result.error();
            const int attempts = entry.attempts + 1;
            const bool dead = isRefusal(error) && attempts >= r.m_retry.maxAttempts;
            const auto delay = r.m_retry.delayAfter(error, attempts);
            if (auto saved = ledger.store()->inboundFailed(message.id, error.message,
                                                           now + delay.count(), dead);
                !saved)
                ledger.storeFailed("recording a failed relay", saved.error());
            if (dead) {
                qCWarning(lcRelay).noquote()
                    << "Message" << message.id << "is a dead letter after" << attempts
                    << "refusals (sak-agent --requeue-dead relays it again):" << error.message;
            } else {
                qCWarning(lcRelay).noquote()
                    << "Relaying" << message.id << "failed (attempt" << attempts
                    << "):" << error.message << "- retrying in" << delay.count() << "ms";
            }
            Q_EMIT r.relayFailed(message.id, error, dead);
            ledger.noteChanged();
            // An answer waiting for this one's is written now.
            if (!r.m_answers.isEmpty() && r.m_answers.size() >= r.m_relayingChats.size())
                r.writeAnswers();
            else
                r.pump();
        });
}

void CloudRelay::writeAnswers()
{
    m_answerTimer.stop();
    const QList<Answer> answers = std::exchange(m_answers, {});
    if (answers.isEmpty())
        return;
    QList<bool> saved(answers.size(), false);
    const bool written = m_ledger->writeTogether("queuing the replies", [&] {
        for (qsizetype i = 0; i < answers.size(); ++i) {
            const Answer &a = answers.at(i);
            if (auto done = m_ledger->store()->inboundRelayed(a.messageId, a.items, a.atMs); !done)
                m_ledger->storeFailed("queuing the replies", done.error());
            else
                saved[i] = true;
        }
    });
    // A message whose answer could not be written stays pending: it is asked about again.
    for (qsizetype i = 0; i < answers.size(); ++i) {
        const Answer &a = answers.at(i);
        m_relayingChats.remove(a.chatId);
        if (!written || !saved.at(i))
            continue;
        qCInfo(lcRelay).noquote() << "[3 replies] cloud answered" << a.messageId << "with"
                                  << a.items.size() << "reply(ies)";
        Q_EMIT relayed(a.messageId, a.replyIds);
        m_ledger->announce(a.replyIds, outbox::kQueued);
    }
    m_ledger->noteChanged();
    pump();
}

} // namespace sak
