#pragma once

#include "agent/base/result.h"
#include "agent/protocol/cloudprotocol.h"
#include "agent/protocol/signing.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>

namespace sak::stub {

// The cloud's side of pairing and signing: pairing codes, the devices they became, their
// secrets (two during a rotation), and the verification of every signed request.
class DeviceRegistry
{
public:
    struct Device
    {
        QString tenantId;
        QString agentId;
        QString token;
        QList<QByteArray> secrets; // the newest last
        QString name;
    };

    static constexpr qint64 kCodeLifetimeSeconds = 600;

    // A short single-use code for a tenant, as the dashboard shows it: "ABCD-2345".
    QJsonObject createPairingCode(const QString &tenantId, qint64 now);
    Result<cloud::Credentials> pair(const cloud::PairRequest &request, qint64 now);

    // The device that signed this request; the error code says what was wrong.
    Result<Device> authenticate(const QByteArray &method, const QByteArray &path,
                                const QByteArray &body, const QByteArray &token,
                                const signing::Signature &signature, qint64 now);

    // Told to every agent at pairing: where the job channel listens.
    void setJobsPort(int port) { m_jobsPort = port; }

    // A new secret; the previous one stays valid until the next rotation.
    Result<cloud::Credentials> rotate(const QString &token);
    void unpair(const QString &token);

    // The newest secret of a device, to sign what is pushed to it.
    QByteArray currentSecret(const QString &token) const;
    QList<Device> devices() const { return m_devices.values(); }

    // Devices survive a restart of the stub (the cloud would not forget them either).
    QJsonArray snapshot() const;
    void restore(const QJsonArray &snapshot);

private:
    struct Code
    {
        QString tenantId;
        qint64 expires = 0;
    };

    QHash<QString, Code> m_codes;
    QHash<QString, Device> m_devices; // by token
    signing::NonceCache m_nonces;
    int m_jobsPort = 0;
};

} // namespace sak::stub
