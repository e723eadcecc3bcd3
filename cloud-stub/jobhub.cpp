#include "cloud-stub/jobhub.h"

#include "agent/base/logging.h"
#include "agent/protocol/jsonutil.h"
#include "cloud-stub/stubhttp.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace sak::stub {
namespace {
constexpr int kHelloTimeoutMs = 10000;
// A device that long-polled this recently counts as connected (a poll waits up to 25 s).
constexpr qint64 kPollerAliveMs = 60000;
} // namespace

JobHub::JobHub(DeviceRegistry &devices, QObject *parent)
    : QObject(parent)
    , m_devices(devices)
{}

void JobHub::accept(std::unique_ptr<QWebSocket> owned)
{
    QWebSocket *socket = owned.release();
    socket->setParent(this);
    if (socket->requestUrl().path() != u"/v1/jobs"_s) {
        socket->close(QWebSocketProtocol::CloseCodePolicyViolated, u"unknown path"_s);
        socket->deleteLater();
        return;
    }
    connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    // The first frame must be the signed hello; nothing is sent before it.
    connect(
        socket, &QWebSocket::textMessageReceived, socket,
        [this, socket](const QString &text) { onHello(socket, text.toUtf8()); },
        Qt::SingleShotConnection);
    QTimer::singleShot(kHelloTimeoutMs, socket, [socket] {
        if (!socket->property("sakToken").isValid())
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated, u"no hello"_s);
    });
}

void JobHub::onHello(QWebSocket *socket, const QByteArray &text)
{
    const auto hello = json::parse(text);
    const auto token = json::string(hello, "token", 256);
    const auto ts = json::string(hello, "ts", 32);
    const auto nonce = json::string(hello, "nonce", 64);
    const auto sig = json::string(hello, "sig", 128);
    const QByteArray tokenBytes = token.value_or(QString()).toUtf8();
    const auto device = m_devices.authenticate("GET", "/v1/jobs", tokenBytes, tokenBytes,
                                               {ts.value_or(QString()).toLatin1(),
                                                nonce.value_or(QString()).toLatin1(),
                                                sig.value_or(QString()).toLatin1()},
                                               QDateTime::currentSecsSinceEpoch());
    if (!device) {
        qCWarning(lcStub).noquote() << "Refused a job channel:" << device.error().code;
        socket->sendTextMessage(QString::fromUtf8(
            cloud::encodeFrame({u"error"_s, device.error().message.toUtf8(), {}, {}, {}})));
        socket->close(QWebSocketProtocol::CloseCodePolicyViolated, device.error().code);
        return;
    }
    const QString deviceToken = device.value().token;
    if (auto previous = m_sockets.value(deviceToken); previous && previous != socket)
        previous->close(QWebSocketProtocol::CloseCodeNormal, u"replaced"_s);
    socket->setProperty("sakToken", deviceToken);
    m_sockets.insert(deviceToken, socket);
    connect(socket, &QWebSocket::disconnected, this, [this, deviceToken, socket] {
        if (m_sockets.value(deviceToken) == socket)
            m_sockets.remove(deviceToken);
    });
    connect(socket, &QWebSocket::textMessageReceived, this,
            [this, deviceToken](const QString &message) {
                const auto ack = json::parse(message.toUtf8());
                const auto type = json::string(ack, "type", 16);
                const auto clientId = json::string(ack, "clientId", 256);
                if (!type || *type != u"ack"_s || !clientId)
                    return;
                acknowledge(deviceToken, *clientId);
            });
    qCInfo(lcStub).noquote() << "Job channel of" << device.value().agentId << "open";
    send(socket, deviceToken, u"welcome"_s, "{}");
    pushPending(deviceToken);
}

void JobHub::acknowledge(const QString &token, const QString &clientId)
{
    for (Job &job : m_jobs) {
        if (job.token == token && job.job.clientId == clientId)
            job.acknowledged = true;
    }
}

cloud::SignedFrame JobHub::signedFrame(const QString &token, const QString &type,
                                       const QByteArray &payload) const
{
    const auto signature = signing::sign(m_devices.currentSecret(token), "PUSH", "/v1/jobs",
                                         payload, QDateTime::currentSecsSinceEpoch());
    return {type, payload, signature.timestamp, signature.nonce, signature.value};
}

void JobHub::send(QWebSocket *socket, const QString &token, const QString &type,
                  const QByteArray &payload)
{
    socket->sendTextMessage(
        QString::fromUtf8(cloud::encodeFrame(signedFrame(token, type, payload))));
}

void JobHub::takeAcks(const QString &token, const QStringList &acks)
{
    m_lastPollMs.insert(token, QDateTime::currentMSecsSinceEpoch());
    for (const QString &id : acks)
        acknowledge(token, id);
}

QList<cloud::SignedFrame> JobHub::pendingFrames(const QString &token) const
{
    QList<cloud::SignedFrame> frames;
    for (const Job &job : std::as_const(m_jobs)) {
        if (job.token == token && !job.acknowledged)
            frames.append(signedFrame(token, u"job"_s, cloud::encode(job.job)));
    }
    return frames;
}

bool JobHub::hasPending(const QString &token) const
{
    return std::any_of(m_jobs.cbegin(), m_jobs.cend(),
                       [&](const Job &job) { return job.token == token && !job.acknowledged; });
}

void JobHub::pushPending(const QString &token)
{
    QWebSocket *socket = m_sockets.value(token);
    if (!socket)
        return;
    for (const Job &job : std::as_const(m_jobs)) {
        if (job.token == token && !job.acknowledged)
            send(socket, token, u"job"_s, cloud::encode(job.job));
    }
}

Result<int> JobHub::broadcast(const QString &tenantId, const QStringList &chats,
                              const QString &textTemplate, const Poll &poll)
{
    if (const QString problem = poll.isEmpty() ? QString() : pollProblem(textTemplate, poll);
        !problem.isEmpty())
        return Error{u"invalid-request"_s, problem};
    static const QRegularExpression phone(u"^[0-9]{6,15}@c\\.us$"_s);
    if (chats.isEmpty() || chats.size() > 1000 || textTemplate.trimmed().isEmpty() ||
        textTemplate.size() > 4096)
        return Error{
            u"invalid-request"_s,
            u"A broadcast needs 1 to 1000 chats and a template of 1 to 4096 characters."_s};
    for (const QString &chat : chats) {
        if (!phone.match(chat).hasMatch())
            return Error{u"invalid-request"_s,
                         u"'%1' is not a phone chat like 491701234567@c.us."_s.arg(chat)};
    }
    QStringList tokens;
    for (const auto &device : m_devices.devices()) {
        if (device.tenantId == tenantId)
            tokens.append(device.token);
    }
    if (tokens.isEmpty())
        return Error{u"no-agent"_s,
                     u"Tenant %1 has no paired agent to send through."_s.arg(tenantId)};
    // One agent sends the broadcast: one whose channel is open, if any (an agent that was paired
    // again leaves its old device behind).
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const auto connected =
        std::find_if(tokens.cbegin(), tokens.cend(), [this, now](const QString &t) {
            return m_sockets.value(t) || now - m_lastPollMs.value(t) < kPollerAliveMs;
        });
    const QString target = connected != tokens.cend() ? *connected : tokens.constFirst();
    const QString batch = QString::number(QRandomGenerator::global()->generate(), 16);
    int created = 0;
    for (const QString &chat : chats) {
        cloud::OutboundJob job{u"b-%1-%2"_s.arg(batch).arg(created),
                               chat,
                               QString(textTemplate).replace(u"{name}"_s, chat.section(u'@', 0, 0)),
                               0,
                               0,
                               0};
        job.poll = poll;
        m_jobs.append(Job{target, job, false});
        ++created;
    }
    pushPending(target);
    Q_EMIT jobsQueued(target);
    qCInfo(lcStub).noquote() << "Broadcast of" << created << "message(s) for tenant" << tenantId;
    return created;
}

QJsonObject JobHub::jobs(const QString &tenantId) const
{
    QJsonArray pending;
    QJsonArray acknowledged;
    QSet<QString> tokens;
    for (const auto &device : m_devices.devices()) {
        if (device.tenantId == tenantId)
            tokens.insert(device.token);
    }
    for (const Job &job : m_jobs) {
        if (!tokens.contains(job.token))
            continue;
        const QJsonObject o{{u"clientId"_s, job.job.clientId},
                            {u"chatId"_s, job.job.chatId},
                            {u"text"_s, job.job.text}};
        (job.acknowledged ? acknowledged : pending).append(o);
    }
    return {{u"pending"_s, pending}, {u"acknowledged"_s, acknowledged}};
}

QJsonArray JobHub::snapshot() const
{
    QJsonArray out;
    for (const Job &job : m_jobs) {
        out.append(QJsonObject{{u"token"_s, job.token},
                               {u"job"_s, QJsonDocument::fromJson(cloud::encode(job.job)).object()},
                               {u"acknowledged"_s, job.acknowledged}});
    }
    return out;
}

void JobHub::restore(const QJsonArray &snapshot)
{
    m_jobs.clear();
    for (const auto &value : snapshot) {
        const QJsonObject o = value.toObject();
        const auto job = cloud::decodeOutboundJob(
            QJsonDocument(o.value(u"job"_s).toObject()).toJson(QJsonDocument::Compact));
        if (!job) {
            qCWarning(lcStub).noquote() << "Dropped a stored job:" << job.error().message;
            continue;
        }
        m_jobs.append(
            Job{o.value(u"token"_s).toString(), job.value(), o.value(u"acknowledged"_s).toBool()});
    }
}

Result<int> JobHub::sendFaultyFrames(const QString &kind)
{
    if (kind != u"nested"_s && kind != u"oversized"_s)
        return Error{u"invalid-request"_s, u"jobFrame must be nested or oversized."_s};
    int sent = 0;
    for (auto it = m_sockets.cbegin(); it != m_sockets.cend(); ++it) {
        QWebSocket *socket = it.value();
        if (!socket)
            continue;
        if (kind == u"nested"_s) {
            const QByteArray deep = deeplyNested(kNestedFaultDepth);
            socket->sendTextMessage(
                QString::fromLatin1(R"({"type":"job","payload":"{}","deep":)" + deep + '}'));
            // Signed: the agent gets past the signature and must refuse the job itself.
            send(socket, it.key(), u"job"_s,
                 R"({"clientId":"deep","chatId":"15550000001@c.us","content":)" + deep + '}');
        } else {
            socket->sendTextMessage(u"{\"type\":\"job\",\"payload\":\""_s +
                                    QString(cloud::kMaxFrameBytes, u'x') + u"\"}"_s);
        }
        ++sent;
    }
    qCWarning(lcStub).noquote() << "Injected fault:" << kind << "frames to" << sent
                                << "job channel(s)";
    return sent;
}

void JobHub::dropConnections()
{
    const auto sockets = m_sockets.values();
    m_sockets.clear();
    for (const auto &socket : sockets) {
        if (socket)
            socket->abort();
    }
}

} // namespace sak::stub
