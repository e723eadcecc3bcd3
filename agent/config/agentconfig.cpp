#include "agent/config/agentconfig.h"

#include "agent/protocol/bridgeprotocol.h"

#include "agent/cloud/keypins.h"
#include "agent/protocol/cloudprotocol.h"
#include "agent/protocol/messagetypes.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <QSettings>

using namespace Qt::Literals::StringLiterals;

namespace sak {

Error AgentConfig::configError(const QString &message)
{
    return Error{u"config"_s, message};
}

namespace {

// Where a RAM-backed private directory exists (Linux: $XDG_RUNTIME_DIR, /dev/shm) the
// WhatsApp profile runs from RAM and is sealed into the store; elsewhere (Windows) the
// documented fallback is a plain profile on disk, reported as weaker protection.
QString defaultProfileStorage()
{
#ifdef Q_OS_LINUX
    return u"vault"_s;
#else
    return u"persistent"_s;
#endif
}

} // namespace

const QStringList &AgentConfig::keys()
{
    // clang-format off
    static const QStringList all{
        u"cloud/url"_s,
        u"cloud/ca-file"_s,
        u"cloud/tenant-id"_s,
        u"cloud/agent-id"_s,
        u"cloud/spki-pins"_s,
        u"cloud/jobs-transport"_s,
        u"cloud/late-after"_s,
        u"cloud/heartbeat-every"_s,
        u"whatsapp/url"_s,
        u"whatsapp/account"_s,
        u"whatsapp/spki-pins"_s,
        u"whatsapp/user-agent"_s,
        u"whatsapp/profile-storage"_s,
        u"whatsapp/seal-after"_s,
        u"whatsapp/seal-every"_s,
        u"whatsapp/load-timeout"_s,
        u"whatsapp/memory-ceiling-mb"_s,
        u"whatsapp/memory-check-every"_s,
        u"whatsapp/memory-regrow-within"_s,
        u"whatsapp/takeover"_s,
        u"whatsapp/appear-online"_s,
        u"whatsapp/unavailable-after"_s,
        u"whatsapp/calls"_s,
        u"whatsapp/call-reply"_s,
        u"whatsapp/allowed-groups"_s,
        u"whatsapp/media-max-bytes"_s,
        u"whatsapp/link-phone"_s,
        u"bridge/accept-delivered"_s,
        u"storage/data-dir"_s,
        u"storage/key-source"_s,
        u"storage/key-file"_s,
        u"storage/passphrase-file"_s,
        u"pacing/enabled"_s,
        u"pacing/per-minute"_s,
        u"pacing/chat-per-minute"_s,
        u"pacing/hourly-cap"_s,
        u"pacing/daily-cap"_s,
        u"pacing/gap-min-ms"_s,
        u"pacing/gap-max-ms"_s,
        u"pacing/reply-gap-min-ms"_s,
        u"pacing/reply-gap-max-ms"_s,
        u"pacing/quiet-hours"_s,
        u"pacing/warmup-days"_s,
        u"pacing/typing-per-char-ms"_s,
        u"pacing/typing-min-ms"_s,
        u"pacing/typing-max-ms"_s,
        u"status/port"_s,
        u"ui/language"_s,
    };
    // clang-format on
    return all;
}

Result<AgentConfig> AgentConfig::resolve(const QString &iniPath, bool iniPathExplicit,
                                         const QHash<QString, QString> &overrides,
                                         const QString &defaultDataDir, bool requireCloud)
{
    QHash<QString, QString> values;
    QString fileDir = QDir::currentPath();
    if (!iniPath.isEmpty() && QFileInfo::exists(iniPath)) {
        QSettings settings(iniPath, QSettings::IniFormat);
        if (settings.status() != QSettings::NoError)
            return configError(
                u"The configuration file %1 cannot be read; check that it is a valid INI file."_s
                    .arg(iniPath));
        for (const QString &key : settings.allKeys()) {
            if (!keys().contains(key))
                return configError(u"Unknown setting '%1' in %2; the known settings are: %3."_s.arg(
                    key, iniPath, keys().join(u", "_s)));
            const QVariant v = settings.value(key);
            // QSettings reads "a, b" as a list: join it back, the list keys split themselves.
            values.insert(key, v.typeId() == QMetaType::QStringList ? v.toStringList().join(u',')
                                                                    : v.toString());
        }
        fileDir = QFileInfo(iniPath).absolutePath();
    } else if (iniPathExplicit) {
        return configError(
            u"The configuration file %1 does not exist; create it or leave out --config."_s.arg(
                iniPath));
    }
    for (auto it = overrides.cbegin(); it != overrides.cend(); ++it) {
        if (!keys().contains(it.key()))
            return configError(u"Unknown setting '%1'."_s.arg(it.key()));
        values.insert(it.key(), it.value());
    }

    // Paths in the file are relative to the file; paths given on the command line to the
    // current directory.
    auto path = [&](const QString &key) {
        const QString raw = values.value(key).trimmed();
        if (raw.isEmpty())
            return raw;
        const QString base = overrides.contains(key) ? QDir::currentPath() : fileDir;
        return QDir::cleanPath(QDir(base).absoluteFilePath(raw));
    };

    AgentConfig config;
    config.cloudUrl = QUrl(values.value(u"cloud/url"_s).trimmed(), QUrl::StrictMode);
    config.caFile = path(u"cloud/ca-file"_s);
    config.tenantId = values.value(u"cloud/tenant-id"_s).trimmed();
    config.agentId = values.value(u"cloud/agent-id"_s).trimmed();
    if (values.contains(u"whatsapp/url"_s))
        config.whatsAppUrl = QUrl(values.value(u"whatsapp/url"_s).trimmed(), QUrl::StrictMode);
    if (values.contains(u"whatsapp/account"_s))
        config.account = values.value(u"whatsapp/account"_s).trimmed();
    for (const QString &pin : values.value(u"cloud/spki-pins"_s).split(u',', Qt::SkipEmptyParts))
        config.cloudSpkiPins.append(pin.trimmed());
    for (const QString &pin : values.value(u"whatsapp/spki-pins"_s).split(u',', Qt::SkipEmptyParts))
        config.whatsAppSpkiPins.append(pin.trimmed());
    config.userAgent = values.value(u"whatsapp/user-agent"_s).trimmed();
    config.dataDir = path(u"storage/data-dir"_s);
    if (config.dataDir.isEmpty())
        config.dataDir = defaultDataDir;

    config.keyFile = path(u"storage/key-file"_s);
    const QString passphrase = values.value(u"storage/passphrase-file"_s).trimmed();
    config.passphraseFile = passphrase == u"-"_s ? passphrase : path(u"storage/passphrase-file"_s);
    QString keySource = values.value(u"storage/key-source"_s).trimmed();
    if (keySource.isEmpty() && !config.keyFile.isEmpty() && config.passphraseFile.isEmpty())
        keySource = u"key-file"_s;
    if (keySource.isEmpty() && !config.passphraseFile.isEmpty() && config.keyFile.isEmpty())
        keySource = u"passphrase"_s;
    if (keySource.isEmpty() || keySource == u"keychain"_s)
        config.keyProtection = KeyProtection::Keychain;
    else if (keySource == u"key-file"_s)
        config.keyProtection = KeyProtection::KeyFile;
    else if (keySource == u"passphrase"_s)
        config.keyProtection = KeyProtection::Passphrase;
    else
        return configError(
            u"[storage] key-source is '%1'; it must be keychain, key-file or passphrase."_s.arg(
                keySource));

    config.jobsTransport = values.value(u"cloud/jobs-transport"_s, u"auto"_s).trimmed();
    if (!QStringList{u"auto"_s, u"websocket"_s, u"poll"_s}.contains(config.jobsTransport))
        return configError(
            u"[cloud] jobs-transport is '%1'; it must be auto, websocket or poll."_s.arg(
                config.jobsTransport));

    if (values.contains(u"cloud/late-after"_s)) {
        bool ok = false;
        config.lateAfterSeconds = values.value(u"cloud/late-after"_s).trimmed().toInt(&ok);
        if (!ok || config.lateAfterSeconds < 1 || config.lateAfterSeconds > 7 * 86400)
            return configError(
                u"[cloud] late-after must be a number of seconds from 1 to 604800 (a week)."_s);
    }

    if (values.contains(u"cloud/heartbeat-every"_s)) {
        bool ok = false;
        config.heartbeatSeconds = values.value(u"cloud/heartbeat-every"_s).trimmed().toInt(&ok);
        if (!ok || config.heartbeatSeconds < 1 || config.heartbeatSeconds > 3600)
            return configError(
                u"[cloud] heartbeat-every must be a number of seconds from 1 to 3600."_s);
    }

    if (auto pacing = pacingFrom(values); !pacing)
        return pacing.error();
    else
        config.pacing = pacing.value();

    const QString profileStorage =
        values.value(u"whatsapp/profile-storage"_s, defaultProfileStorage()).trimmed();
    if (profileStorage != u"vault"_s && profileStorage != u"persistent"_s)
        return configError(
            u"[whatsapp] profile-storage is '%1'; it must be vault or persistent."_s.arg(
                profileStorage));
    config.persistentProfile = profileStorage == u"persistent"_s;
    for (auto [key, target] :
         {std::pair{u"whatsapp/seal-after"_s, &config.sealAfterSeconds},
          std::pair{u"whatsapp/seal-every"_s, &config.sealEverySeconds},
          std::pair{u"whatsapp/load-timeout"_s, &config.loadTimeoutSeconds},
          std::pair{u"whatsapp/memory-check-every"_s, &config.memoryCheckSeconds},
          std::pair{u"whatsapp/memory-regrow-within"_s, &config.memoryRegrowSeconds},
          std::pair{u"whatsapp/unavailable-after"_s, &config.unavailableAfterSeconds}}) {
        if (!values.contains(key))
            continue;
        bool ok = false;
        *target = values.value(key).toInt(&ok);
        if (!ok || *target < 1 || *target > 86400)
            return configError(u"[whatsapp] %1 must be a number of seconds from 1 to 86400."_s.arg(
                key.section(u'/', 1)));
    }

    if (values.contains(u"whatsapp/memory-ceiling-mb"_s)) {
        bool ok = false;
        config.memoryCeilingMb = values.value(u"whatsapp/memory-ceiling-mb"_s).trimmed().toInt(&ok);
        // Below 200 MB even a fresh WhatsApp Web would be reloaded over and over.
        if (!ok || (config.memoryCeilingMb != 0 &&
                    (config.memoryCeilingMb < 200 || config.memoryCeilingMb > 65536)))
            return configError(
                u"[whatsapp] memory-ceiling-mb must be a number of megabytes from 200 to 65536, or 0 to never reload the page for its memory."_s);
    }
    if (values.contains(u"whatsapp/media-max-bytes"_s)) {
        bool ok = false;
        config.mediaMaxBytes =
            values.value(u"whatsapp/media-max-bytes"_s).trimmed().toLongLong(&ok);
        if (!ok || config.mediaMaxBytes < 0 || config.mediaMaxBytes > bridge::kMaxMediaBytes)
            return configError(
                u"[whatsapp] media-max-bytes must be a number of bytes from 0 (no media bytes) to %1."_s
                    .arg(bridge::kMaxMediaBytes));
    }
    for (auto [key, target] :
         {std::pair{u"whatsapp/takeover"_s, &config.takeover},
          std::pair{u"whatsapp/appear-online"_s, &config.appearOnline},
          std::pair{u"bridge/accept-delivered"_s, &config.acceptDeliveredBridge}}) {
        const QString value = values.value(key, *target ? u"true"_s : u"false"_s).trimmed();
        if (value != u"true"_s && value != u"false"_s)
            return configError(u"[%1] %2 is '%3'; it must be true or false."_s.arg(
                key.section(u'/', 0, 0), key.section(u'/', 1), value.left(40)));
        *target = value == u"true"_s;
    }
    static const QHash<QString, Calls> calls{{u"ignore"_s, Calls::Ignore},
                                             {u"reject"_s, Calls::Reject},
                                             {u"reject-and-reply"_s, Calls::RejectAndReply}};
    const QString callPolicy = values.value(u"whatsapp/calls"_s, u"ignore"_s).trimmed();
    if (!calls.contains(callPolicy))
        return configError(
            u"[whatsapp] calls is '%1'; it must be ignore, reject or reject-and-reply."_s.arg(
                callPolicy.left(40)));
    config.calls = calls.value(callPolicy);
    if (values.contains(u"whatsapp/call-reply"_s)) {
        config.callReply = values.value(u"whatsapp/call-reply"_s).trimmed();
        if (config.callReply.isEmpty() || config.callReply.size() > 4096)
            return configError(u"[whatsapp] call-reply must be a text of 1 to 4096 characters."_s);
    }
    for (const QString &group :
         values.value(u"whatsapp/allowed-groups"_s).split(u',', Qt::SkipEmptyParts)) {
        const QString id = group.trimmed();
        if (!id.endsWith(u"@g.us"_s) || id.size() > 128)
            return configError(
                u"[whatsapp] allowed-groups: '%1' is not a group id; group ids end in @g.us (the agent logs the id of every group message it ignores)."_s
                    .arg(id.left(64)));
        config.allowedGroups.append(id);
    }

    if (const QString phone = values.value(u"whatsapp/link-phone"_s).trimmed(); !phone.isEmpty()) {
        config.linkPhone = internationalDigits(phone);
        if (config.linkPhone.isEmpty())
            return configError(
                u"[whatsapp] link-phone is '%1'; write the shop's number with its country code, e.g. +49 151 23456789."_s
                    .arg(phone.left(40)));
    }

    const QString statusPort = values.value(u"status/port"_s).trimmed();
    if (statusPort == u"off"_s) {
        config.statusPort = -1;
    } else if (!statusPort.isEmpty()) {
        bool ok = false;
        config.statusPort = statusPort.toInt(&ok);
        if (!ok || config.statusPort < 0 || config.statusPort > 65535)
            return configError(
                u"[status] port is '%1'; it must be a port number (0 for any free one) or off. The endpoint always listens on 127.0.0.1 only."_s
                    .arg(statusPort.left(40)));
    }
    config.language = values.value(u"ui/language"_s).trimmed();
    if (!config.language.isEmpty() && config.language != u"en"_s &&
        !languages().contains(config.language))
        return configError(
            u"[ui] language is '%1'; it must be en, %2, or empty for the system's."_s.arg(
                config.language.left(40), languages().join(u", "_s)));

    if (Status valid = config.validate(requireCloud); !valid)
        return valid.error();
    return config;
}

Status AgentConfig::saveSettings(const QString &iniPath, const QHash<QString, QString> &changes,
                                 const QString &defaultDataDir)
{
    for (auto it = changes.cbegin(); it != changes.cend(); ++it) {
        if (!keys().contains(it.key()))
            return configError(u"Unknown setting '%1'."_s.arg(it.key()));
    }
    // Tried on a copy first: a file that would not start the agent is never written.
    const QString trial = iniPath + u".new"_s;
    QFile::remove(trial);
    if (QFileInfo::exists(iniPath) && !QFile::copy(iniPath, trial))
        return configError(u"The configuration file %1 cannot be copied next to itself; check "
                           "the folder's permissions."_s.arg(iniPath));
    {
        QSettings settings(trial, QSettings::IniFormat);
        for (auto it = changes.cbegin(); it != changes.cend(); ++it) {
            if (it.value().isEmpty())
                settings.remove(it.key());
            else
                settings.setValue(it.key(), it.value());
        }
        settings.sync();
        if (settings.status() != QSettings::NoError) {
            QFile::remove(trial);
            return configError(u"The configuration file %1 cannot be written."_s.arg(trial));
        }
    }
    if (auto checked = resolve(trial, true, {}, defaultDataDir, false); !checked) {
        QFile::remove(trial);
        return checked.error();
    }
    // Replaced in one step: a crash leaves the old file or the new one, never half of it.
    QFile checkedFile(trial);
    QSaveFile target(iniPath);
    const bool replaced = checkedFile.open(QIODevice::ReadOnly) &&
                          target.open(QIODevice::WriteOnly) &&
                          target.write(checkedFile.readAll()) >= 0 && target.commit();
    checkedFile.close();
    QFile::remove(trial);
    if (!replaced)
        return configError(u"The configuration file %1 cannot be replaced (%2)."_s.arg(
            iniPath, target.errorString()));
    return Done{};
}

const QStringList &AgentConfig::languages()
{
    static const QStringList codes{u"de"_s, u"ar"_s};
    return codes;
}

Status AgentConfig::validate(bool requireCloud) const
{
    // Without a cloud URL the desktop's first-run window asks for one.
    if (cloudUrl.isEmpty() && requireCloud)
        return configError(
            u"No cloud server is configured: set [cloud] url in the configuration file or pass --cloud-url."_s);
    if (!cloudUrl.isEmpty() &&
        (!cloudUrl.isValid() || cloudUrl.scheme() != u"https"_s || cloudUrl.host().isEmpty()))
        return configError(
            u"The cloud URL '%1' is not an https:// URL; the agent only talks to the cloud over verified TLS."_s
                .arg(cloudUrl.toString()));
    if (!whatsAppUrl.isValid() || whatsAppUrl.scheme() != u"https"_s ||
        whatsAppUrl.host().isEmpty())
        return configError(
            u"The WhatsApp URL '%1' is not an https:// URL."_s.arg(whatsAppUrl.toString()));
    // The ids come from pairing; when given here they must match what the agent was paired as.
    if ((!tenantId.isEmpty() && !cloud::isValidAccountId(tenantId)) ||
        (!agentId.isEmpty() && !cloud::isValidAccountId(agentId)))
        return configError(
            u"The tenant id and agent id must be 1-64 characters of letters, digits, '.', '_' or '-', starting with a letter or a digit."_s);
    if (!cloud::isValidAccountId(account))
        return configError(
            u"The WhatsApp account name '%1' must be 1-64 characters of letters, digits, '.', '_' or '-', starting with a letter or a digit."_s
                .arg(account));
    if (!caFile.isEmpty() && !QFileInfo(caFile).isReadable())
        return configError(
            u"The CA file %1 cannot be read; check the path given as [cloud] ca-file or --ca-file."_s
                .arg(caFile));
    for (const QString &pin : cloudSpkiPins + whatsAppSpkiPins) {
        if (!keypins::isValid(pin))
            return configError(
                u"'%1' is not a key pin: a pin is the base64 SHA-256 of a certificate's SubjectPublicKeyInfo (scripts/make-certs.sh prints one)."_s
                    .arg(pin));
    }
    if (dataDir.isEmpty())
        return configError(u"No data directory: set [storage] data-dir or pass --data-dir."_s);
    if (keyProtection == KeyProtection::KeyFile && keyFile.isEmpty())
        return configError(
            u"The key source is a key file, but none is named: set [storage] key-file or pass --key-file."_s);
    if (keyProtection == KeyProtection::Passphrase && passphraseFile.isEmpty())
        return configError(
            u"The key source is a passphrase, but no passphrase file is named: pass --passphrase-file PATH (or - for standard input)."_s);
    if (!keyFile.isEmpty() && !passphraseFile.isEmpty())
        return configError(u"Both a key file and a passphrase file are set; choose one."_s);
    return Done{};
}

} // namespace sak
