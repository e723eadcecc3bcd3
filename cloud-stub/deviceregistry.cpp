#include "cloud-stub/deviceregistry.h"

#include "agent/base/logging.h"

#include <QJsonArray>
#include <QRandomGenerator>

using namespace Qt::Literals::StringLiterals;

namespace sak::stub {
namespace {

QByteArray randomBytes(int words)
{
    QByteArray bytes(words * 4, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), words);
    return bytes;
}

// Codes are read aloud and typed: no 0/O or 1/I, case and dashes do not matter.
QString normalizeCode(const QString &code)
{
    QString out;
    for (const QChar c : code) {
        if (c.isLetterOrNumber())
            out.append(c.toUpper());
    }
    return out;
}

} // namespace

QJsonObject DeviceRegistry::createPairingCode(const QString &tenantId, qint64 now)
{
    static const QString alphabet = u"ABCDEFGHJKLMNPQRSTUVWXYZ23456789"_s;
    QString code;
    for (int i = 0; i < 8; ++i)
        code.append(alphabet.at(QRandomGenerator::system()->bounded(int(alphabet.size()))));
    m_codes.insert(code, Code{tenantId, now + kCodeLifetimeSeconds});
    return {{u"code"_s, QString(code.left(4) + u'-' + code.mid(4))},
            {u"tenantId"_s, tenantId},
            {u"expiresAt"_s, now + kCodeLifetimeSeconds}};
}

Result<cloud::Credentials> DeviceRegistry::pair(const cloud::PairRequest &request, qint64 now)
{
    const auto it = m_codes.constFind(normalizeCode(request.code));
    if (it == m_codes.cend() || it->expires < now) {
        return Error{
            u"unknown-code"_s,
            u"The pairing code is unknown or has expired; create a new one in the dashboard and enter it within %1 minutes."_s
                .arg(kCodeLifetimeSeconds / 60)};
    }
    Device device;
    device.tenantId = it->tenantId;
    device.agentId = u"agent-"_s + QString::fromLatin1(randomBytes(2).toHex());
    device.token = QString::fromLatin1(randomBytes(6).toHex());
    device.secrets = {randomBytes(8)};
    device.name = request.agentName;
    m_codes.erase(it); // single use
    m_devices.insert(device.token, device);
    qCInfo(lcStub).noquote() << "Paired" << device.agentId << "(" << device.name << ") with tenant"
                             << device.tenantId;
    return cloud::Credentials{device.tenantId, device.agentId, device.token,
                              device.secrets.constLast(), m_jobsPort};
}

Result<DeviceRegistry::Device>
DeviceRegistry::authenticate(const QByteArray &method, const QByteArray &path,
                             const QByteArray &body, const QByteArray &token,
                             const signing::Signature &signature, qint64 now)
{
    const auto it = m_devices.constFind(QString::fromLatin1(token));
    if (token.isEmpty() || it == m_devices.cend())
        return Error{
            u"unknown-token"_s,
            u"This agent is not paired (or was unpaired); pair it again with a new code."_s};
    if (Status verified =
            signing::verify(it->secrets, method, path, body, signature, now, m_nonces);
        !verified)
        return verified.error();
    return *it;
}

Result<cloud::Credentials> DeviceRegistry::rotate(const QString &token)
{
    auto it = m_devices.find(token);
    if (it == m_devices.end())
        return Error{u"unknown-token"_s, u"Unknown device."_s};
    it->secrets = {it->secrets.constLast(), randomBytes(8)};
    return cloud::Credentials{it->tenantId, it->agentId, it->token, it->secrets.constLast(),
                              m_jobsPort};
}

void DeviceRegistry::unpair(const QString &token)
{
    m_devices.remove(token);
}

QByteArray DeviceRegistry::currentSecret(const QString &token) const
{
    const auto it = m_devices.constFind(token);
    return it == m_devices.cend() ? QByteArray() : it->secrets.constLast();
}

QJsonArray DeviceRegistry::snapshot() const
{
    QJsonArray devices;
    for (const Device &d : m_devices) {
        QJsonArray secrets;
        for (const QByteArray &s : d.secrets)
            secrets.append(QString::fromLatin1(s.toBase64()));
        devices.append(QJsonObject{{u"tenantId"_s, d.tenantId},
                                   {u"agentId"_s, d.agentId},
                                   {u"token"_s, d.token},
                                   {u"secrets"_s, secrets},
                                   {u"name"_s, d.name}});
    }
    return devices;
}

void DeviceRegistry::restore(const QJsonArray &devices)
{
    m_devices.clear();
    for (const auto &value : devices) {
        const QJsonObject o = value.toObject();
        Device d{o[u"tenantId"_s].toString(),
                 o[u"agentId"_s].toString(),
                 o[u"token"_s].toString(),
                 {},
                 o[u"name"_s].toString()};
        for (const auto &s : o[u"secrets"_s].toArray())
            d.secrets.append(QByteArray::fromBase64(s.toString().toLatin1()));
        if (!d.token.isEmpty() && !d.secrets.isEmpty())
            m_devices.insert(d.token, d);
    }
}

} // namespace sak::stub
