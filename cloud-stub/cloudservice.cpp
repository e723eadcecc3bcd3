#include "cloud-stub/cloudservice.h"

#include "agent/base/logging.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace sak::stub {

CloudService::CloudService(ReplyEngine engine)
    : m_engine(std::move(engine))
{}

namespace {
// A device speaks only for its own tenant and agent id.
std::optional<CloudService::Answer> mismatch(const DeviceRegistry::Device &device,
                                             const QString &tenantId, const QString &agentId)
{
    if (tenantId == device.tenantId && agentId == device.agentId)
        return std::nullopt;
    return CloudService::Answer{
        403, cloud::encodeError(u"tenant-mismatch"_s,
                                u"These credentials belong to another tenant or agent."_s)};
}
} // namespace

CloudService::Answer CloudService::handleInbound(const DeviceRegistry::Device &device,
                                                 const QByteArray &body)
{
    auto request = cloud::decodeInboundRequest(body);
    if (!request)
        return {400, cloud::encodeError(request.error().code, request.error().message)};
    const cloud::InboundRequest &r = request.value();
    if (auto refused = mismatch(device, r.tenantId, r.agentId))
        return *refused;
    const QString key = r.tenantId + u'\n' + r.message.id;
    if (const auto it = m_answers.constFind(key); it != m_answers.cend()) {
        qCInfo(lcStub).noquote() << "Repeat of inbound" << r.message.id << "for tenant"
                                 << r.tenantId << "answered as before";
        return {200, *it};
    }
    m_inbound[r.tenantId].append(r);
    qCInfo(lcStub).noquote() << "Inbound" << r.message.id << "for tenant" << r.tenantId << "from"
                             << r.message.chatId;

    cloud::InboundResponse response{r.message.id, {}};
    // A message written long before the agent could relay it (the shop PC was off) gets no
    // automatic answer: an answer hours late would read as a machine's. The shop follows up.
    const bool isText = r.message.type == u"chat"_s && !r.message.body.trimmed().isEmpty();
    // A booking is answered with a poll of the times; its vote comes back as a poll_vote.
    const auto poll = !r.late && isText ? m_engine.pollFor(r.message.body) : std::nullopt;
    const QString text = r.late   ? QString()
                         : poll   ? poll->question
                         : isText ? m_engine.replyTo(r.message.body, r.message.senderName)
                                  : m_engine.acknowledge(r.message);
    if (r.late)
        qCInfo(lcStub).noquote() << "Inbound" << r.message.id << "is late: no automatic answer";
    if (!text.isEmpty()) {
        // A client id derived from the message makes a retried request yield the same item.
        const QByteArray digest =
            QCryptographicHash::hash((key + u"\n0"_s).toUtf8(), QCryptographicHash::Sha256);
        const QString clientId = u"r-"_s + QString::fromLatin1(digest.toHex().left(24));
        cloud::Reply reply{clientId, r.message.chatId, text};
        if (poll)
            reply.poll = poll->poll;
        response.replies.append(reply);
    }
    QByteArray answer = cloud::encode(response);
    m_answers.insert(key, answer);
    return {200, answer};
}

CloudService::Answer CloudService::handleStatus(const DeviceRegistry::Device &device,
                                                const QByteArray &body)
{
    auto report = cloud::decodeStatusReport(body);
    if (!report)
        return {400, cloud::encodeError(report.error().code, report.error().message)};
    const cloud::StatusReport &s = report.value();
    if (auto refused = mismatch(device, s.tenantId, s.agentId))
        return *refused;
    qCInfo(lcStub).noquote() << "Status" << s.state << "of" << s.clientId << "for tenant"
                             << s.tenantId;
    m_status[s.tenantId].append(s);
    return {200, QByteArrayLiteral("{\"ok\":true}")};
}

CloudService::Answer CloudService::handleStatusBatch(const DeviceRegistry::Device &device,
                                                     const QByteArray &body)
{
    auto batch = cloud::decodeStatusBatch(body);
    if (!batch)
        return {400, cloud::encodeError(batch.error().code, batch.error().message)};
    const cloud::StatusBatch &b = batch.value();
    if (auto refused = mismatch(device, b.tenantId, b.agentId))
        return *refused;
    qCInfo(lcStub).noquote() << b.reports.size() << "state changes for tenant" << b.tenantId;
    m_status[b.tenantId].append(b.reports);
    return {200, QByteArrayLiteral("{\"ok\":true}")};
}

CloudService::Answer CloudService::handleHeartbeat(const DeviceRegistry::Device &device,
                                                   const QByteArray &body)
{
    auto heartbeat = cloud::decodeHeartbeat(body);
    if (!heartbeat)
        return {400, cloud::encodeError(heartbeat.error().code, heartbeat.error().message)};
    if (auto refused = mismatch(device, heartbeat.value().tenantId, heartbeat.value().agentId))
        return *refused;
    m_heartbeats.insert(device.agentId, heartbeat.value());
    cloud::HeartbeatAnswer answer;
    if (const auto package = m_bridgePackages.newest(device.tenantId))
        answer.bridge = cloud::BridgeAnnouncement{package->version, package->document.size(),
                                                  package->sha256.toLatin1()};
    return {200, cloud::encode(answer)};
}

CloudService::Answer CloudService::handleBridgePackage(const DeviceRegistry::Device &device,
                                                       const QByteArray &body)
{
    const auto request = cloud::decodeBridgePackageRequest(body);
    if (!request)
        return {400, cloud::encodeError(request.error().code, request.error().message)};
    const QString version = request.value().version;
    const auto package = m_bridgePackages.find(device.tenantId, version);
    if (!package)
        return {
            404,
            cloud::encodeError(
                u"unknown-package"_s,
                u"No bridge package %1 is published for this tenant (never, or withdrawn since)."_s
                    .arg(version))};
    qCInfo(lcStub).noquote() << "Bridge package" << package->version << "sent to agent"
                             << device.agentId;
    return {200, package->document};
}

QList<cloud::Heartbeat> CloudService::heartbeats(const QString &tenantId) const
{
    QList<cloud::Heartbeat> out;
    for (const auto &h : m_heartbeats) {
        if (h.tenantId == tenantId)
            out.append(h);
    }
    return out;
}

QJsonObject CloudService::snapshot() const
{
    QJsonArray inbound;
    for (const auto &requests : m_inbound) {
        for (const cloud::InboundRequest &r : requests)
            inbound.append(QString::fromUtf8(cloud::encode(r)));
    }
    QJsonArray status;
    for (const auto &reports : m_status) {
        for (const cloud::StatusReport &r : reports)
            status.append(QString::fromUtf8(cloud::encode(r)));
    }
    QJsonObject answers;
    for (auto it = m_answers.cbegin(); it != m_answers.cend(); ++it)
        answers.insert(it.key(), QString::fromUtf8(it.value()));
    return {{u"inbound"_s, inbound},
            {u"status"_s, status},
            {u"answers"_s, answers},
            {u"bridgePackages"_s, m_bridgePackages.snapshot()}};
}

void CloudService::restore(const QJsonObject &snapshot)
{
    m_inbound.clear();
    m_status.clear();
    m_answers.clear();
    for (const auto &value : snapshot.value(u"inbound"_s).toArray()) {
        if (const auto r = cloud::decodeInboundRequest(value.toString().toUtf8()))
            m_inbound[r.value().tenantId].append(r.value());
    }
    for (const auto &value : snapshot.value(u"status"_s).toArray()) {
        if (const auto r = cloud::decodeStatusReport(value.toString().toUtf8()))
            m_status[r.value().tenantId].append(r.value());
    }
    const QJsonObject answers = snapshot.value(u"answers"_s).toObject();
    for (auto it = answers.constBegin(); it != answers.constEnd(); ++it)
        m_answers.insert(it.key(), it.value().toString().toUtf8());
    m_bridgePackages.restore(snapshot.value(u"bridgePackages"_s).toArray());
}

} // namespace sak::stub
