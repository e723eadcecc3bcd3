#include "agent/protocol/bridgeprotocol.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;
using namespace sak::bridge;

namespace {
QByteArray messageEvent(const QByteArray &messageMembers)
{
    return R"({"kind":"message","message":{)" + messageMembers + "}}";
}
QByteArray messageWithBody(const QByteArray &body)
{
    return messageEvent(
        "\"id\":\"a\",\"chatId\":\"1@c.us\",\"author\":\"\",\"type\":\"chat\",\"t\":1,"
        "\"notifyName\":\"\",\"fromMe\":false,\"body\":\"" +
        body + "\"");
}
const QByteArray kGoodMessage =
    R"("id":"false_491701234567@c.us_3A01","chatId":"491701234567@c.us","author":"","type":"chat","body":"hola","t":1700000000,"notifyName":"Ana","fromMe":false)";
} // namespace

class TestBridgeProtocol : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesAMessage()
    {
        const auto event = parseEvent(messageEvent(kGoodMessage));
        QVERIFY2(event, event ? "" : qPrintable(event.error().message));
        const auto *m = std::get_if<MessageEvent>(&event.value());
        QVERIFY(m);
        QCOMPARE(m->message.id, u"false_491701234567@c.us_3A01"_s);
        QCOMPARE(m->message.chatId, u"491701234567@c.us"_s);
        QCOMPARE(m->message.body, u"hola"_s);
        QCOMPARE(m->message.timestamp, 1700000000);
        QCOMPARE(m->message.senderName, u"Ana"_s);
        QVERIFY(!m->fromMe);
    }

    void parsesEveryKind_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<int>("index");
        QTest::newRow("ready") << QByteArray(R"({"kind":"ready","version":"2.3000.1"})") << 0;
        QTest::newRow("ready through wa-js")
            << QByteArray(R"({"kind":"ready","version":"2.3000.1","library":"wa-js 4.6.0"})") << 0;
        QTest::newRow("state") << QByteArray(
                                      R"({"kind":"state","state":"CONNECTED","hasSynced":true})")
                               << 1;
        QTest::newRow("qr") << QByteArray(R"({"kind":"qr","qr":"2@abc,key,id,adv,web"})") << 2;
        QTest::newRow("ack") << QByteArray(R"({"kind":"ack","id":"3EB0AA","ack":3})") << 4;
        QTest::newRow("ack: content too big")
            << QByteArray(R"({"kind":"ack","id":"3EB0AA","ack":-4})") << 4;
        QTest::newRow("ack: to the shop's devices")
            << QByteArray(R"({"kind":"ack","id":"3EB0AA","ack":5})") << 4;
        QTest::newRow("send result")
            << QByteArray(
                   R"({"kind":"sendResult","requestId":"3EB0AA","id":"3EB0AA","ok":true,"error":""})")
            << 5;
        QTest::newRow("send result: not on WhatsApp, for good")
            << QByteArray(
                   R"({"kind":"sendResult","requestId":"3EB0AA","id":"3EB0AA","ok":false,"error":"the number is not on WhatsApp","final":true})")
            << 5;
        QTest::newRow("health")
            << QByteArray(
                   R"({"kind":"health","ok":false,"missing":["WAWebMsgKey"],"version":"2.3000.1"})")
            << 6;
        QTest::newRow("health with uses")
            << QByteArray(
                   R"({"kind":"health","ok":false,"missing":["addAndSendMsgToChat"],"unavailable":["sending"],"version":"2.3000.1","library":"wa-js 4.6.0"})")
            << 6;
        QTest::newRow("logout") << QByteArray(R"({"kind":"logout"})") << 7;
        QTest::newRow("logout with its reason")
            << QByteArray(R"({"kind":"logout","reason":"primary_logged_out"})") << 7;
        QTest::newRow("page problem")
            << QByteArray(R"({"kind":"pageProblem","problem":"browser-outdated"})") << 8;
        QTest::newRow("pairing code")
            << QByteArray(R"({"kind":"pairingCode","code":"K2LM-7QXP","error":""})") << 9;
        QTest::newRow("no pairing code")
            << QByteArray(R"({"kind":"pairingCode","code":"","error":"not now"})") << 9;
    }
    void parsesEveryKind()
    {
        QFETCH(QByteArray, json);
        QFETCH(int, index);
        const auto event = parseEvent(json);
        QVERIFY2(event, event ? "" : qPrintable(event.error().message));
        QCOMPARE(int(event.value().index()), index);
    }

    void rejectsBadEvents_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("not json") << QByteArray("{kind:");
        QTest::newRow("array") << QByteArray("[1,2]");
        QTest::newRow("no kind") << QByteArray(R"({"qr":"x"})");
        QTest::newRow("unknown kind") << QByteArray(R"({"kind":"launchMissiles"})");
        QTest::newRow("kind not a string") << QByteArray(R"({"kind":7})");
        QTest::newRow("ack level out of range") << QByteArray(R"({"kind":"ack","id":"x","ack":9})");
        QTest::newRow("send result: final not a boolean") << QByteArray(
            R"({"kind":"sendResult","requestId":"r","id":"3EB0AA","ok":false,"error":"x","final":"yes"})");
        QTest::newRow("message: phone not E.164") << QByteArray(
            R"({"kind":"message","message":{"id":"i","chatId":"1@lid","author":"","type":"chat","body":"","t":1,"notifyName":"","fromMe":false,"phone":"01701234567"}})");
        QTest::newRow("message: lid not a LID") << QByteArray(
            R"({"kind":"message","message":{"id":"i","chatId":"1@lid","author":"","type":"chat","body":"","t":1,"notifyName":"","fromMe":false,"lid":"1@c.us"}})");
        QTest::newRow("ack level below WhatsApp's")
            << QByteArray(R"({"kind":"ack","id":"x","ack":-8})");
        QTest::newRow("logout reason not text") << QByteArray(R"({"kind":"logout","reason":3})");
        QTest::newRow("library not text")
            << QByteArray(R"({"kind":"ready","version":"2.3000.1","library":[]})");
        QTest::newRow("ack level a string") << QByteArray(R"({"kind":"ack","id":"x","ack":"2"})");
        QTest::newRow("empty qr") << QByteArray(R"({"kind":"qr","qr":""})");
        QTest::newRow("state without synced")
            << QByteArray(R"({"kind":"state","state":"CONNECTED"})");
        QTest::newRow("message without object")
            << QByteArray(R"({"kind":"message","message":"hi"})");
        QTest::newRow("message without id")
            << messageEvent(R"("chatId":"1@c.us","type":"chat","body":"x","t":1,"fromMe":false)");
        QTest::newRow("chat id without server") << messageEvent(
            R"("id":"a","chatId":"12345","type":"chat","body":"x","t":1,"fromMe":false)");
        QTest::newRow("body a number") << messageEvent(
            R"("id":"a","chatId":"1@c.us","type":"chat","body":5,"t":1,"fromMe":false)");
        QTest::newRow("negative time") << messageEvent(
            R"("id":"a","chatId":"1@c.us","type":"chat","body":"x","t":-1,"fromMe":false)");
        QTest::newRow("body too long") << messageWithBody(QByteArray(kMaxBodyLength + 1, 'x'));
        QTest::newRow("oversized event") << QByteArray(kMaxEventBytes + 1, ' ');
        QTest::newRow("health missing not strings")
            << QByteArray(R"({"kind":"health","ok":false,"missing":[1],"version":""})");
        QTest::newRow("health unavailable not a list") << QByteArray(
            R"({"kind":"health","ok":false,"missing":[],"unavailable":"sending","version":""})");
        QTest::newRow("page problem unnamed")
            << QByteArray(R"({"kind":"pageProblem","problem":""})");
        QTest::newRow("pairing code and error")
            << QByteArray(R"({"kind":"pairingCode","code":"K2LM-7QXP","error":"but also no"})");
        QTest::newRow("pairing code neither")
            << QByteArray(R"({"kind":"pairingCode","code":"","error":""})");
    }
    void rejectsBadEvents()
    {
        QFETCH(QByteArray, json);
        const auto event = parseEvent(json);
        QVERIFY(!event);
        QCOMPARE(event.error().code, u"bad-bridge-event"_s);
        QVERIFY(event.error().message.contains(u"dropped"_s));
    }

    void acceptsNonAsciiText()
    {
        const QString body = u"¿Cuánto cuesta? 你好 👋"_s;
        const auto event = parseEvent(messageWithBody(body.toUtf8()));
        QVERIFY(event);
        QCOMPARE(std::get<MessageEvent>(event.value()).message.body, body);
    }

    void parsesMediaLocationAndQuotes()
    {
        const QByteArray bytes("\x00\x01\xfe\xff jpeg", 9);
        const QJsonObject message{{u"id"_s, u"false_1@c.us_A"_s},
                                  {u"chatId"_s, u"1@c.us"_s},
                                  {u"author"_s, u""_s},
                                  {u"type"_s, u"image"_s},
                                  {u"body"_s, u"cake?"_s},
                                  {u"t"_s, 1},
                                  {u"notifyName"_s, u""_s},
                                  {u"fromMe"_s, false},
                                  {u"quotedId"_s, u"3EB0AA"_s},
                                  {u"mimetype"_s, u"image/jpeg"_s},
                                  {u"filename"_s, u"c.jpg"_s},
                                  {u"size"_s, 9},
                                  {u"data"_s, QString::fromLatin1(bytes.toBase64())},
                                  {u"mediaError"_s, u""_s},
                                  {u"lat"_s, 52.5},
                                  {u"lng"_s, -13.4}};
        const QByteArray json =
            QJsonDocument(QJsonObject{{u"kind"_s, u"message"_s}, {u"message"_s, message}})
                .toJson(QJsonDocument::Compact);
        const auto event = parseEvent(json);
        QVERIFY2(event, event ? "" : qPrintable(event.error().message));
        const InboundMessage &m = std::get<MessageEvent>(event.value()).message;
        QCOMPARE(m.media, bytes);
        QCOMPARE(m.mimetype, u"image/jpeg"_s);
        QCOMPARE(m.filename, u"c.jpg"_s);
        QCOMPARE(m.mediaSize, 9);
        QCOMPARE(m.quotedId, u"3EB0AA"_s);
        QCOMPARE(m.latitude, 52.5);
        QCOMPARE(m.longitude, -13.4);
        QVERIFY(m.isMedia());
    }

    void rejectsBadMedia_data()
    {
        QTest::addColumn<QByteArray>("fields");
        QTest::newRow("data not base64") << QByteArray("\"data\":\"***\"");
        QTest::newRow("data a number") << QByteArray("\"data\":5");
        QTest::newRow("negative size") << QByteArray("\"size\":-1");
        QTest::newRow("latitude out of range") << QByteArray("\"lat\":91");
        QTest::newRow("longitude text") << QByteArray("\"lng\":\"east\"");
        QTest::newRow("quoted id a list") << QByteArray("\"quotedId\":[]");
    }
    void rejectsBadMedia()
    {
        QFETCH(QByteArray, fields);
        const QByteArray json =
            messageEvent("\"id\":\"x\",\"chatId\":\"1@c.us\",\"author\":\"\",\"type\":\"image\","
                         "\"body\":\"\",\"t\":1,\"notifyName\":\"\",\"fromMe\":false," +
                         fields);
        QVERIFY(!parseEvent(json));
    }

    void pairingCommands()
    {
        QCOMPARE(refreshQrCommand(), QByteArray(R"({"cmd":"refreshQr"})"));
        QCOMPARE(takeoverCommand(), QByteArray(R"({"cmd":"takeover"})"));
        QCOMPARE(pairingCodeCommand(u"491701234567"_s),
                 QByteArray(R"({"cmd":"pairingCode","phone":"491701234567"})"));
    }

    void sendCommandCarriesTheChosenId()
    {
        const OutboundText text{u"c1"_s, u"491701234567@c.us"_s, u"Say \"hi\"\n"_s, u"3EB0FF"_s};
        const QByteArray command = sendTextCommand(u"3EB0FF"_s, text);
        QVERIFY(command.contains(R"("cmd":"sendText")"));
        QVERIFY(command.contains(R"("messageId":"3EB0FF")"));
        QVERIFY(command.contains("\"body\":\"Say \\\"hi\\\"\\n\""));
        QVERIFY(command.contains(R"("chatId":"491701234567@c.us")"));
    }

    void mapsPageStates_data()
    {
        QTest::addColumn<QString>("pageState");
        QTest::addColumn<bool>("synced");
        QTest::addColumn<SessionState>("expected");
        QTest::newRow("unpaired") << u"UNPAIRED"_s << false << SessionState::NeedsPairing;
        QTest::newRow("unpaired idle") << u"UNPAIRED_IDLE"_s << false << SessionState::NeedsPairing;
        QTest::newRow("pairing") << u"PAIRING"_s << false << SessionState::Pairing;
        QTest::newRow("opening") << u"OPENING"_s << false << SessionState::Connecting;
        QTest::newRow("connected, syncing") << u"CONNECTED"_s << false << SessionState::Connecting;
        QTest::newRow("connected, synced") << u"CONNECTED"_s << true << SessionState::Connected;
        QTest::newRow("timeout") << u"TIMEOUT"_s << true << SessionState::Connecting;
        QTest::newRow("conflict") << u"CONFLICT"_s << true << SessionState::Conflict;
        QTest::newRow("tos block") << u"TOS_BLOCK"_s << false << SessionState::Blocked;
        QTest::newRow("smb tos block") << u"SMB_TOS_BLOCK"_s << false << SessionState::Blocked;
        QTest::newRow("proxy block") << u"PROXYBLOCK"_s << false << SessionState::Blocked;
        QTest::newRow("deprecated") << u"DEPRECATED_VERSION"_s << false << SessionState::Blocked;
        QTest::newRow("future state") << u"SOMETHING_NEW"_s << false << SessionState::Connecting;
    }
    void mapsPageStates()
    {
        QFETCH(QString, pageState);
        QFETCH(bool, synced);
        QFETCH(SessionState, expected);
        QCOMPARE(mapPageState(pageState, synced), expected);
    }
};

QTEST_GUILESS_MAIN(TestBridgeProtocol)
#include "tst_bridgeprotocol.moc"
