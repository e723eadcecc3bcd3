#include "agent/config/agentconfig.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

namespace {
const QString kPin = u"0VTwQNQsX7Ew5Pam30D0ddQhQx3NBEhTc5gO5kZw1bg="_s;

QHash<QString, QString> minimal()
{
    return {{u"cloud/url"_s, u"https://cloud.example"_s},
            {u"cloud/tenant-id"_s, u"shop"_s},
            {u"cloud/agent-id"_s, u"pc"_s}};
}
} // namespace

class TestAgentConfig : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { QVERIFY(m_dir.isValid()); }

    void defaultsWithOnlyOverrides()
    {
        const auto config = AgentConfig::resolve(m_dir.filePath(u"absent.ini"_s), false, minimal(),
                                                 u"/var/lib/sak"_s);
        QVERIFY2(config, config ? "" : qPrintable(config.error().message));
        QCOMPARE(config.value().cloudUrl, QUrl(u"https://cloud.example"_s));
        QCOMPARE(config.value().whatsAppUrl, QUrl(u"https://web.whatsapp.com/"_s));
        QCOMPARE(config.value().account, u"default"_s);
        QCOMPARE(config.value().dataDir, u"/var/lib/sak"_s);
        QVERIFY(config.value().whatsAppSpkiPins.isEmpty());
        QCOMPARE(config.value().takeover, false);
        QCOMPARE(config.value().appearOnline, false); // the owner's phone keeps notifying
        QVERIFY(config.value().calls == AgentConfig::Calls::Ignore); // the owner may pick up
        QCOMPARE(config.value().loadTimeoutSeconds, 90);
        QVERIFY(config.value().allowedGroups.isEmpty());
        QCOMPARE(config.value().memoryCeilingMb, 1500); // a shop PC's page, reloaded above it
        QCOMPARE(config.value().memoryCheckSeconds, 60);
        QCOMPARE(config.value().memoryRegrowSeconds, 600);
    }

    void whatsAppSessionSettings()
    {
        auto overrides = minimal();
        overrides.insert(u"whatsapp/takeover"_s, u"true"_s);
        overrides.insert(u"whatsapp/appear-online"_s, u"true"_s);
        overrides.insert(u"whatsapp/calls"_s, u"reject-and-reply"_s);
        overrides.insert(u"whatsapp/call-reply"_s, u"Please write, we cannot talk now."_s);
        overrides.insert(u"whatsapp/load-timeout"_s, u"120"_s);
        overrides.insert(u"whatsapp/memory-ceiling-mb"_s, u"900"_s);
        overrides.insert(u"whatsapp/memory-check-every"_s, u"5"_s);
        overrides.insert(u"whatsapp/memory-regrow-within"_s, u"1800"_s);
        overrides.insert(u"whatsapp/allowed-groups"_s,
                         u"120363012345678901@g.us, 491701234567-1600000000@g.us"_s);
        const auto config =
            AgentConfig::resolve(m_dir.filePath(u"absent.ini"_s), false, overrides, u"/x"_s);
        QVERIFY2(config, config ? "" : qPrintable(config.error().message));
        QCOMPARE(config.value().takeover, true);
        QCOMPARE(config.value().appearOnline, true);
        QVERIFY(config.value().calls == AgentConfig::Calls::RejectAndReply);
        QCOMPARE(config.value().callReply, u"Please write, we cannot talk now."_s);
        QCOMPARE(config.value().loadTimeoutSeconds, 120);
        QCOMPARE(config.value().memoryCeilingMb, 900);
        QCOMPARE(config.value().memoryCheckSeconds, 5);
        QCOMPARE(config.value().memoryRegrowSeconds, 1800);
        QCOMPARE(config.value().allowedGroups,
                 QStringList({u"120363012345678901@g.us"_s, u"491701234567-1600000000@g.us"_s}));
    }

    // 0: the page's memory is measured (metrics, heartbeat) but the page is never reloaded.
    void memoryCeilingZeroMeansNever()
    {
        auto overrides = minimal();
        overrides.insert(u"whatsapp/memory-ceiling-mb"_s, u"0"_s);
        const auto config =
            AgentConfig::resolve(m_dir.filePath(u"absent.ini"_s), false, overrides, u"/x"_s);
        QVERIFY2(config, config ? "" : qPrintable(config.error().message));
        QCOMPARE(config.value().memoryCeilingMb, 0);
    }

    // A call reply with commas, written in quotes as the README shows, stays one text (QSettings
    // reads an unquoted "a, b" as a list).
    void callReplyKeepsItsCommas()
    {
        const QString ini =
            writeIni(u"[cloud]\nurl=https://file.example\n[whatsapp]\ncalls=reject-and-reply\n"
                     u"call-reply=\"Sorry, we cannot take calls here. Please write us.\"\n"_s);
        const auto config = AgentConfig::resolve(ini, true, {}, u"/unused"_s);
        QVERIFY2(config, config ? "" : qPrintable(config.error().message));
        QCOMPARE(config.value().callReply, u"Sorry, we cannot take calls here. Please write us."_s);
    }

    void fileThenOverrides()
    {
        const QString ini = writeIni(
            u"[cloud]\nurl=https://"
            u"file.example\ntenant-id=file-shop\nagent-id=file-pc\nca-file=certs/ca.pem\n"
            "[whatsapp]\nurl=https://127.0.0.1:8443/wa/\nspki-pins=%1, %1\n[storage]\ndata-dir=data\n"_s
                .arg(kPin));
        QDir(m_dir.path()).mkpath(u"certs"_s);
        QFile ca(m_dir.filePath(u"certs/ca.pem"_s));
        QVERIFY(ca.open(QIODevice::WriteOnly));
        ca.close();

        const auto config =
            AgentConfig::resolve(ini, true, {{u"cloud/agent-id"_s, u"cli-pc"_s}}, u"/unused"_s);
        QVERIFY2(config, config ? "" : qPrintable(config.error().message));
        QCOMPARE(config.value().cloudUrl.host(), u"file.example"_s);
        QCOMPARE(config.value().tenantId, u"file-shop"_s);
        QCOMPARE(config.value().agentId, u"cli-pc"_s); // the command line wins
        QCOMPARE(config.value().whatsAppUrl.port(), 8443);
        QCOMPARE(config.value().whatsAppSpkiPins, QStringList({kPin, kPin}));
        // Paths in the file are relative to the file.
        QCOMPARE(config.value().caFile, m_dir.filePath(u"certs/ca.pem"_s));
        QCOMPARE(config.value().dataDir, m_dir.filePath(u"data"_s));
    }

    void errors_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("no cloud url") << u"cloud/url"_s << QString() << u"--cloud-url"_s;
        QTest::newRow("plain http")
            << u"cloud/url"_s << u"http://cloud.example"_s << u"verified TLS"_s;
        QTest::newRow("whatsapp over http")
            << u"whatsapp/url"_s << u"http://web.whatsapp.com"_s << u"https://"_s;
        QTest::newRow("bad agent id") << u"cloud/agent-id"_s << u"pc 1"_s << u"letters, digits"_s;
        QTest::newRow("bad account") << u"whatsapp/account"_s << u"../x"_s << u"account name"_s;
        QTest::newRow("missing ca file")
            << u"cloud/ca-file"_s << u"/nonexistent/ca.pem"_s << u"cannot be read"_s;
        QTest::newRow("pin not base64")
            << u"whatsapp/spki-pins"_s << u"not a pin!"_s << u"not a key pin"_s;
        QTest::newRow("pin too short")
            << u"whatsapp/spki-pins"_s << u"AAAA"_s << u"not a key pin"_s;
        QTest::newRow("unknown key") << u"cloud/colour"_s << u"blue"_s << u"Unknown setting"_s;
        QTest::newRow("unknown key source")
            << u"storage/key-source"_s << u"usb"_s << u"keychain, key-file or passphrase"_s;
        QTest::newRow("key file source without file")
            << u"storage/key-source"_s << u"key-file"_s << u"--key-file"_s;
        QTest::newRow("passphrase source without file")
            << u"storage/key-source"_s << u"passphrase"_s << u"--passphrase-file"_s;
        QTest::newRow("unknown jobs transport")
            << u"cloud/jobs-transport"_s << u"carrier-pigeon"_s << u"auto, websocket or poll"_s;
        QTest::newRow("a cloud pin that is not one")
            << u"cloud/spki-pins"_s << u"abc"_s << u"is not a key pin"_s;
        QTest::newRow("unknown profile storage")
            << u"whatsapp/profile-storage"_s << u"cloud"_s << u"vault or persistent"_s;
        QTest::newRow("seal-after not a number")
            << u"whatsapp/seal-after"_s << u"soon"_s << u"seal-after must be"_s;
        QTest::newRow("seal-every zero")
            << u"whatsapp/seal-every"_s << u"0"_s << u"seal-every must be"_s;
        QTest::newRow("takeover not a boolean")
            << u"whatsapp/takeover"_s << u"yes"_s << u"true or false"_s;
        QTest::newRow("appear-online not a boolean")
            << u"whatsapp/appear-online"_s << u"sometimes"_s << u"appear-online is 'sometimes'"_s;
        QTest::newRow("late-after zero")
            << u"cloud/late-after"_s << u"0"_s << u"late-after must be a number of seconds"_s;
        QTest::newRow("calls not a policy")
            << u"whatsapp/calls"_s << u"answer"_s << u"ignore, reject or reject-and-reply"_s;
        QTest::newRow("call-reply empty")
            << u"whatsapp/call-reply"_s << u" "_s << u"call-reply must be a text"_s;
        QTest::newRow("unavailable-after out of range")
            << u"whatsapp/unavailable-after"_s << u"0"_s << u"unavailable-after must be"_s;
        QTest::newRow("load-timeout not a number")
            << u"whatsapp/load-timeout"_s << u"long"_s << u"load-timeout must be"_s;
        QTest::newRow("memory ceiling too low")
            << u"whatsapp/memory-ceiling-mb"_s << u"100"_s << u"from 200 to 65536, or 0"_s;
        QTest::newRow("memory ceiling with a unit")
            << u"whatsapp/memory-ceiling-mb"_s << u"1.5GB"_s << u"memory-ceiling-mb must be"_s;
        QTest::newRow("memory check never")
            << u"whatsapp/memory-check-every"_s << u"0"_s << u"memory-check-every must be"_s;
        QTest::newRow("memory regrow window not a number")
            << u"whatsapp/memory-regrow-within"_s << u"10m"_s << u"memory-regrow-within must be"_s;
        QTest::newRow("allowed group that is a person")
            << u"whatsapp/allowed-groups"_s << u"491701234567@c.us"_s << u"end in @g.us"_s;
        QTest::newRow("status port not a port")
            << u"status/port"_s << u"70000"_s << u"127.0.0.1 only"_s;
        QTest::newRow("status port as an address")
            << u"status/port"_s << u"0.0.0.0:47811"_s << u"127.0.0.1 only"_s;
        QTest::newRow("untranslated language") << u"ui/language"_s << u"fr"_s << u"en, de, ar"_s;
        QTest::newRow("link phone without country code")
            << u"whatsapp/link-phone"_s << u"0151 2345678"_s << u"country code"_s;
        QTest::newRow("link phone with letters")
            << u"whatsapp/link-phone"_s << u"+49 CALL ME"_s << u"country code"_s;
    }

    void statusPortLanguageAndPhone_data()
    {
        QTest::addColumn<QString>("port");
        QTest::addColumn<int>("expected");
        QTest::newRow("default") << QString() << AgentConfig::kDefaultStatusPort;
        QTest::newRow("any free port") << u"0"_s << 0;
        QTest::newRow("a port") << u"9100"_s << 9100;
        QTest::newRow("off") << u"off"_s << -1;
    }

    void statusPortLanguageAndPhone()
    {
        QFETCH(QString, port);
        QFETCH(int, expected);
        auto values = minimal();
        if (!port.isEmpty())
            values.insert(u"status/port"_s, port);
        values.insert(u"ui/language"_s, u"ar"_s);
        values.insert(u"whatsapp/link-phone"_s, u"0049 (151) 234-5678"_s);
        const auto config = AgentConfig::resolve({}, false, values, m_dir.path());
        QVERIFY2(config, qPrintable(config ? QString() : config.error().message));
        QCOMPARE(config.value().statusPort, expected);
        QCOMPARE(config.value().language, u"ar"_s);
        QCOMPARE(config.value().linkPhone, u"491512345678"_s);
    }
    void errors()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, messagePart);
        auto overrides = minimal();
        overrides.insert(key, value);
        const auto config = AgentConfig::resolve(QString(), false, overrides, u"/tmp/x"_s);
        QVERIFY(!config);
        QCOMPARE(config.error().code, u"config"_s);
        QVERIFY2(config.error().message.contains(messagePart), qPrintable(config.error().message));
    }

    void keySourceFollowsTheOptInThatIsGiven_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<KeyProtection>("protection");
        QTest::newRow("default") << QString() << QString() << KeyProtection::Keychain;
        QTest::newRow("key file") << u"storage/key-file"_s << u"/run/credentials/sak/key"_s
                                  << KeyProtection::KeyFile;
        QTest::newRow("passphrase on stdin")
            << u"storage/passphrase-file"_s << u"-"_s << KeyProtection::Passphrase;
    }
    void keySourceFollowsTheOptInThatIsGiven()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(KeyProtection, protection);
        auto overrides = minimal();
        if (!key.isEmpty())
            overrides.insert(key, value);
        const auto config = AgentConfig::resolve(QString(), false, overrides, u"/tmp/x"_s);
        QVERIFY2(config, config ? "" : qPrintable(config.error().message));
        QCOMPARE(config.value().keyProtection, protection);
        QVERIFY(!config.value().persistentProfile);
        QCOMPARE(config.value().sealAfterSeconds, 60);
    }

    void bothKeyOptInsAreAnError()
    {
        auto overrides = minimal();
        overrides.insert(u"storage/key-file"_s, u"/k"_s);
        overrides.insert(u"storage/passphrase-file"_s, u"/p"_s);
        overrides.insert(u"storage/key-source"_s, u"key-file"_s);
        const auto config = AgentConfig::resolve(QString(), false, overrides, u"/tmp/x"_s);
        QVERIFY(!config);
        QVERIFY(config.error().message.contains(u"choose one"_s));
    }

    void explicitFileMustExist()
    {
        const auto config =
            AgentConfig::resolve(m_dir.filePath(u"nope.ini"_s), true, minimal(), u"/tmp/x"_s);
        QVERIFY(!config);
        QVERIFY(config.error().message.contains(u"does not exist"_s));
    }

    void unknownKeyInFileIsNamed()
    {
        const QString ini =
            writeIni(u"[cloud]\nurl=https://a.example\ntenant-id=t\nagent-id=a\nsecret=1\n"_s);
        const auto config = AgentConfig::resolve(ini, true, {}, u"/tmp/x"_s);
        QVERIFY(!config);
        QVERIFY2(config.error().message.contains(u"cloud/secret"_s),
                 qPrintable(config.error().message));
    }

private:
    QString writeIni(const QString &text)
    {
        const QString path = m_dir.filePath(u"sak-agent.ini"_s);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            qFatal("cannot write %s", qPrintable(path));
        file.write(text.toUtf8());
        return path;
    }

    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestAgentConfig)
#include "tst_agentconfig.moc"
