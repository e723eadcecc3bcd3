#include "agent/protocol/cloudprotocol.h"
#include "tests/support/testenv.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

// docs/openapi.json is the machine-readable protocol. This keeps it true: every message the
// agent and the stub produce validates against its schema, every path it lists is served, and
// the stub serves no signed path it does not list.
class TestProtocolSpec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QFile file(QStringLiteral(SAK_SOURCE_DIR) + u"/docs/openapi.json"_s);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QJsonParseError error{};
        m_spec = QJsonDocument::fromJson(file.readAll(), &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(m_spec[u"openapi"_s].toString(), u"3.1.0"_s);
    }

    void messagesMatchTheirSchemas_data()
    {
        QTest::addColumn<QString>("schema");
        QTest::addColumn<QByteArray>("message");
        const InboundMessage message{u"false_491701234567@c.us_3A01"_s,
                                     u"491701234567@c.us"_s,
                                     {},
                                     u"chat"_s,
                                     u"how much is a latte?"_s,
                                     1795384634,
                                     u"Ana"_s};
        QTest::newRow("pair request")
            << u"PairRequest"_s
            << cloud::encode(cloud::PairRequest{u"ABCD-2345"_s, u"pc"_s, u"0.1.0"_s});
        QTest::newRow("credentials")
            << u"Credentials"_s
            << cloud::encode(
                   cloud::Credentials{u"shop"_s, u"a1"_s, u"tok"_s, QByteArray(32, 's'), 8444});
        QTest::newRow("inbound request")
            << u"InboundRequest"_s
            << cloud::encode(cloud::InboundRequest{u"shop"_s, u"a1"_s, message});
        QTest::newRow("inbound response")
            << u"InboundResponse"_s
            << cloud::encode(cloud::InboundResponse{
                   message.id, {{u"r-1"_s, message.chatId, u"Latte costs 3.40 EUR."_s}}});
        cloud::StatusBatch batch{u"shop"_s, u"a1"_s, {}};
        for (const QString &state : {u"queued"_s, u"sent"_s, u"failed"_s, u"unknown"_s}) {
            cloud::StatusReport report;
            report.tenantId = u"shop"_s;
            report.agentId = u"a1"_s;
            report.clientId = u"r-1"_s;
            report.waMessageId = state == u"queued"_s ? QString() : u"3EB0AA"_s;
            report.chatId = message.chatId;
            report.state = state;
            report.timestamp = 1795384635;
            QTest::addRow("status %s", qPrintable(state))
                << u"StatusReport"_s << cloud::encode(report);
            batch.reports.append(report);
        }
        QTest::newRow("status batch") << u"StatusBatch"_s << cloud::encode(batch);
        cloud::Heartbeat heartbeat;
        heartbeat.tenantId = u"shop"_s;
        heartbeat.agentId = u"a1"_s;
        heartbeat.session = u"connected"_s;
        heartbeat.protection = u"keychain"_s;
        heartbeat.agentVersion = u"0.1.0"_s;
        QTest::newRow("heartbeat") << u"Heartbeat"_s << cloud::encode(heartbeat);
        heartbeat.bridgeRunning = u"2.1.0"_s;
        heartbeat.bridgeWaJs = u"4.6.0"_s;
        heartbeat.bridgeFailed = u"2.2.0"_s;
        heartbeat.bridgeFailure =
            u"the WhatsApp session did not reach connected within 90 s with it"_s;
        QTest::newRow("heartbeat with its bridge") << u"Heartbeat"_s << cloud::encode(heartbeat);
        QTest::newRow("bridge package request")
            << u"BridgePackageRequest"_s << cloud::encode(cloud::BridgePackageRequest{u"2.1.0"_s});
        const cloud::OutboundJob job{u"b-1-0"_s, message.chatId, u"Hi!"_s, 5, 0, 1795390000};
        QTest::newRow("job") << u"OutboundJob"_s << cloud::encode(job);
        cloud::OutboundJob photoJob = job;
        photoJob.mimetype = u"image/jpeg"_s;
        photoJob.filename = u"cake.jpg"_s;
        photoJob.media = "jpeg bytes";
        photoJob.quotedId = u"false_1@c.us_3A1"_s;
        QTest::newRow("image job") << u"OutboundJob"_s << cloud::encode(photoJob);
        const cloud::SignedFrame frame{u"job"_s, cloud::encode(job), "1795384634", "n1", "v1=abc"};
        QTest::newRow("frame") << u"SignedFrame"_s << cloud::encodeFrame(frame);
        QTest::newRow("hello") << u"Hello"_s
                               << cloud::encodeHello(u"tok"_s, "1795384634", "n1", "v1=abc");
        QTest::newRow("ack") << u"Ack"_s << cloud::encodeAck(u"b-1-0"_s);
        QTest::newRow("poll") << u"JobsPoll"_s << cloud::encode(cloud::JobsPoll{{u"b-1-0"_s}, 25});
        QTest::newRow("frames") << u"Frames"_s << cloud::encodeFrames({frame});
        QTest::newRow("error") << u"Error"_s
                               << cloud::encodeError(u"invalid-request"_s, u"Say what."_s);
    }
    void messagesMatchTheirSchemas()
    {
        QFETCH(QString, schema);
        QFETCH(QByteArray, message);
        const QJsonDocument doc = QJsonDocument::fromJson(message);
        QVERIFY(doc.isObject());
        QStringList problems;
        validate(doc.object(), schemaNamed(schema), u"$"_s, problems);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u"; "_s)));
    }

    // The validator itself must see what is wrong, or the test above proves nothing.
    void theValidatorCatchesMistakes_data()
    {
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("missing member") << QByteArray(R"({"type":"ack"})");
        QTest::newRow("wrong type") << QByteArray(R"({"type":"ack","clientId":7})");
        QTest::newRow("not in enum") << QByteArray(R"({"type":"nack","clientId":"b"})");
        QTest::newRow("too short") << QByteArray(R"({"type":"ack","clientId":""})");
    }
    void theValidatorCatchesMistakes()
    {
        QFETCH(QByteArray, message);
        QStringList problems;
        validate(QJsonDocument::fromJson(message).object(), schemaNamed(u"Ack"_s), u"$"_s,
                 problems);
        QVERIFY(!problems.isEmpty());
    }

    // Every listed path is served (an unsigned request is refused as such, not "not found"),
    // and the stub answers 404 for a signed-API path the spec does not list.
    void listedPathsAreServed()
    {
        auto stub = test::startStub();
        QVERIFY(stub);
        const QJsonObject paths = m_spec[u"paths"_s].toObject();
        QCOMPARE(paths.keys().size(), 9);
        for (const QString &path : paths.keys()) {
            const int status = post(*stub, path);
            QVERIFY2(status == 400 || status == 401,
                     qPrintable(u"%1 answered %2"_s.arg(path).arg(status)));
        }
        QCOMPARE(post(*stub, u"/v1/not-in-the-spec"_s), 404);
    }

private:
    QJsonObject schemaNamed(const QString &name) const
    {
        return m_spec[u"components"_s][u"schemas"_s][name].toObject();
    }

    QJsonObject resolve(const QJsonObject &schema) const
    {
        const QString ref = schema[u"$ref"_s].toString();
        if (ref.isEmpty())
            return schema;
        return schemaNamed(ref.section(u'/', -1));
    }

    // The part of JSON Schema the spec uses: $ref, allOf, type, required, properties, items,
    // enum, minLength/maxLength, minimum/maximum, minItems/maxItems.
    void validate(const QJsonValue &value, const QJsonObject &unresolved, const QString &where,
                  QStringList &problems) const
    {
        const QJsonObject schema = resolve(unresolved);
        for (const auto part : schema[u"allOf"_s].toArray())
            validate(value, part.toObject(), where, problems);
        const QString type = schema[u"type"_s].toString();
        const bool typeOk = type.isEmpty() || (type == u"object"_s && value.isObject()) ||
                            (type == u"array"_s && value.isArray()) ||
                            (type == u"string"_s && value.isString()) ||
                            (type == u"boolean"_s && value.isBool()) ||
                            (type == u"integer"_s && value.isDouble() &&
                             value.toDouble() == double(value.toInteger()));
        if (!typeOk) {
            problems << u"%1 is not of type %2"_s.arg(where, type);
            return;
        }
        if (schema.contains(u"enum"_s) && !schema[u"enum"_s].toArray().contains(value))
            problems << u"%1 is not one of the allowed values"_s.arg(where);
        if (value.isString()) {
            const auto length = value.toString().size();
            if (length < schema[u"minLength"_s].toInt(0) ||
                length > schema[u"maxLength"_s].toInt(INT_MAX))
                problems << u"%1 has a length outside the schema's"_s.arg(where);
        }
        if (value.isDouble()) {
            if (value.toDouble() < schema[u"minimum"_s].toDouble(-1e300) ||
                value.toDouble() > schema[u"maximum"_s].toDouble(1e300))
                problems << u"%1 is out of range"_s.arg(where);
        }
        if (value.isArray()) {
            const QJsonArray array = value.toArray();
            if (array.size() > schema[u"maxItems"_s].toInt(INT_MAX))
                problems << u"%1 has too many items"_s.arg(where);
            if (array.size() < schema[u"minItems"_s].toInt(0))
                problems << u"%1 has too few items"_s.arg(where);
            for (qsizetype i = 0; i < array.size(); ++i)
                validate(array.at(i), schema[u"items"_s].toObject(), u"%1[%2]"_s.arg(where).arg(i),
                         problems);
        }
        if (value.isObject()) {
            const QJsonObject object = value.toObject();
            for (const auto name : schema[u"required"_s].toArray()) {
                if (!object.contains(name.toString()))
                    problems << u"%1.%2 is missing"_s.arg(where, name.toString());
            }
            const QJsonObject properties = schema[u"properties"_s].toObject();
            for (auto it = properties.constBegin(); it != properties.constEnd(); ++it) {
                if (object.contains(it.key()))
                    validate(object[it.key()], it.value().toObject(), where + u'.' + it.key(),
                             problems);
            }
        }
    }

    int post(stub::StubServer &stub, const QString &path)
    {
        QNetworkRequest request(QUrl(u"https://127.0.0.1:%1%2"_s.arg(stub.httpsPort()).arg(path)));
        request.setSslConfiguration(test::trustingTestCa());
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        QNetworkReply *reply = m_network.post(request, "{}");
        if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 10000))
            return -1;
        reply->deleteLater();
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }

    QJsonObject m_spec;
    QNetworkAccessManager m_network;
};

QTEST_GUILESS_MAIN(TestProtocolSpec)
#include "tst_protocolspec.moc"
