#include "agent/delivery/outboxintake.h"
#include "agent/protocol/cloudprotocol.h"
#include "agent/protocol/jsonutil.h"

#include <QTest>

#include <limits>

using namespace Qt::Literals::StringLiterals;
using namespace sak;
using namespace sak::cloud;

class TestCloudProtocol : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void inboundRequestRoundTrips()
    {
        const InboundRequest request{u"shop-1"_s, u"pc.2"_s,
                                     InboundMessage{u"false_1@c.us_A"_s, u"1@c.us"_s, QString(),
                                                    u"chat"_s, u"¿precio? \"café\""_s, 1700000001,
                                                    u"Ana"_s}};
        const auto decoded = decodeInboundRequest(encode(request));
        QVERIFY2(decoded, decoded ? "" : qPrintable(decoded.error().message));
        QCOMPARE(decoded.value().tenantId, request.tenantId);
        QCOMPARE(decoded.value().agentId, request.agentId);
        QCOMPARE(decoded.value().message, request.message);
    }

    void inboundResponseRoundTrips()
    {
        InboundResponse response{
            u"false_1@c.us_A"_s,
            {Reply{u"r-1"_s, u"1@c.us"_s, u"Hello!"_s}, Reply{u"r-2"_s, u"1@c.us"_s, u"Bye"_s}}};
        const auto decoded = decodeInboundResponse(encode(response));
        QVERIFY(decoded);
        QCOMPARE(decoded.value().messageId, response.messageId);
        QCOMPARE(decoded.value().replies, response.replies);
    }

    void rejectsBadResponses_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("html") << QByteArray("<html>502 Bad Gateway</html>");
        QTest::newRow("no replies") << QByteArray(R"({"messageId":"a"})");
        QTest::newRow("replies not a list") << QByteArray(R"({"messageId":"a","replies":{}})");
        QTest::newRow("reply without text")
            << QByteArray(R"({"messageId":"a","replies":[{"clientId":"c","chatId":"1@c.us"}]})");
        QTest::newRow("reply with empty text") << QByteArray(
            R"({"messageId":"a","replies":[{"clientId":"c","chatId":"1@c.us","text":""}]})");
        QTest::newRow("reply to a non-chat") << QByteArray(
            R"({"messageId":"a","replies":[{"clientId":"c","chatId":"nobody","text":"x"}]})");
        QByteArray many = R"({"messageId":"a","replies":[)";
        for (int i = 0; i <= kMaxRepliesPerMessage; ++i)
            many += QByteArray(i ? "," : "") + R"({"clientId":"c","chatId":"1@c.us","text":"x"})";
        QTest::newRow("too many replies") << many + "]}";
    }
    void rejectsBadResponses()
    {
        QFETCH(QByteArray, json);
        const auto decoded = decodeInboundResponse(json);
        QVERIFY(!decoded);
        QCOMPARE(decoded.error().code, u"bad-response"_s);
    }

    void rejectsBadInboundRequests_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("bad tenant") << QByteArray(
            R"({"tenantId":"a b","agentId":"x","message":{"id":"1","chatId":"1@c.us","type":"chat","body":"x","t":1}})");
        QTest::newRow("no message") << QByteArray(R"({"tenantId":"a","agentId":"x"})");
        QTest::newRow("body number") << QByteArray(
            R"({"tenantId":"a","agentId":"x","message":{"id":"1","chatId":"1@c.us","type":"chat","body":1,"t":1}})");
        QTest::newRow("huge") << QByteArray(kMaxRequestBytes + 1, 'x');
    }
    void rejectsBadInboundRequests()
    {
        QFETCH(QByteArray, json);
        const auto decoded = decodeInboundRequest(json);
        QVERIFY(!decoded);
        QCOMPARE(decoded.error().code, u"invalid-request"_s);
    }

    void repliesAndJobsCarryQuotesAndFiles()
    {
        Reply photo{u"r-1"_s,
                    u"1@c.us"_s,
                    u"our cakes"_s,
                    u"false_1@c.us_3A1"_s,
                    u"image/png"_s,
                    u"cakes.png"_s,
                    QByteArray("\x89PNG bytes", 10)};
        const auto decoded = decodeInboundResponse(encode(InboundResponse{u"m"_s, {photo}}));
        QVERIFY2(decoded, decoded ? "" : qPrintable(decoded.error().message));
        QCOMPARE(decoded.value().replies.at(0), photo);
        // A file with no caption is fine; no text and no file is not.
        photo.text.clear();
        QVERIFY(decodeInboundResponse(encode(InboundResponse{u"m"_s, {photo}})));
        photo.media.clear();
        photo.mimetype.clear();
        QVERIFY(!decodeInboundResponse(encode(InboundResponse{u"m"_s, {photo}})));

        OutboundJob job{u"b-1"_s, u"1@c.us"_s, QString(), 0, 0, 0};
        job.mimetype = u"application/pdf"_s;
        job.filename = u"menu.pdf"_s;
        job.media = "%PDF-1.4";
        const auto decodedJob = decodeOutboundJob(encode(job));
        QVERIFY2(decodedJob, decodedJob ? "" : qPrintable(decodedJob.error().message));
        QCOMPARE(decodedJob.value().media, job.media);
        QCOMPARE(decodedJob.value().filename, u"menu.pdf"_s);
        QVERIFY(encode(job).contains("\"type\":\"document\""));
    }

    // A reply or a job may be a poll: its text is the question; 2 to 12 distinct options.
    void repliesAndJobsMayBePolls()
    {
        Reply poll{u"r-p"_s, u"1@c.us"_s, u"Which time suits you?"_s};
        poll.poll = Poll{{u"18:00"_s, u"19:00"_s, u"20:00"_s}, false};
        const auto decoded = decodeInboundResponse(encode(InboundResponse{u"m"_s, {poll}}));
        QVERIFY2(decoded, decoded ? "" : qPrintable(decoded.error().message));
        QCOMPARE(decoded.value().replies.at(0), poll);

        OutboundJob job{u"b-p"_s, u"1@c.us"_s, u"Which cakes for Sunday?"_s, 0, 0, 0};
        job.poll = Poll{{u"Cheesecake"_s, u"Tiramisu"_s}, true};
        QVERIFY(encode(job).contains("\"type\":\"poll\""));
        const auto decodedJob = decodeOutboundJob(encode(job));
        QVERIFY2(decodedJob, decodedJob ? "" : qPrintable(decodedJob.error().message));
        QCOMPARE(decodedJob.value().poll, job.poll);
        QCOMPARE(decodedJob.value().text, job.text);
    }

    // What WhatsApp would refuse is refused here, with what to change.
    void malformedPollsAreRefused_data()
    {
        QTest::addColumn<QString>("question");
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QByteArray>("media");
        QTest::addColumn<QString>("says");
        const QStringList two{u"yes"_s, u"no"_s};
        QStringList thirteen;
        for (int i = 1; i <= 13; ++i)
            thirteen.append(QString::number(i));
        QTest::newRow("one option") << u"Coming?"_s << QStringList{u"yes"_s} << QByteArray()
                                    << u"2 to 12 options (it has 1)"_s;
        QTest::newRow("13 options")
            << u"Pick"_s << thirteen << QByteArray() << u"2 to 12 options (it has 13)"_s;
        QTest::newRow("no question") << u"  "_s << two << QByteArray() << u"question"_s;
        QTest::newRow("empty option")
            << u"Coming?"_s << QStringList{u"yes"_s, u""_s} << QByteArray() << u"Each option"_s;
        QTest::newRow("two-line option") << u"Coming?"_s << QStringList{u"yes"_s, u"no\nmaybe"_s}
                                         << QByteArray() << u"one line"_s;
        QTest::newRow("option twice")
            << u"Coming?"_s << QStringList{u"Yes"_s, u"yes "_s} << QByteArray() << u"must differ"_s;
        QTest::newRow("with a file")
            << u"Coming?"_s << two << QByteArray("%PDF") << u"cannot carry a file"_s;
    }
    void malformedPollsAreRefused()
    {
        QFETCH(QString, question);
        QFETCH(QStringList, options);
        QFETCH(QByteArray, media);
        QFETCH(QString, says);
        Reply reply{u"r-p"_s, u"1@c.us"_s, question};
        reply.poll = Poll{options, false};
        if (!media.isEmpty()) {
            reply.mimetype = u"application/pdf"_s;
            reply.filename = u"a.pdf"_s;
            reply.media = media;
        }
        const auto decoded = decodeInboundResponse(encode(InboundResponse{u"m"_s, {reply}}));
        QVERIFY(!decoded);
        QCOMPARE(decoded.error().code, u"bad-response"_s);
        QVERIFY2(decoded.error().message.contains(says), qPrintable(decoded.error().message));

        OutboundJob job{u"b-p"_s, u"1@c.us"_s, question, 0, 0, 0};
        job.poll = reply.poll;
        job.mimetype = reply.mimetype;
        job.filename = reply.filename;
        job.media = reply.media;
        const auto decodedJob = decodeOutboundJob(encode(job));
        QVERIFY(!decodedJob);
        QVERIFY2(decodedJob.error().message.contains(says), qPrintable(decodedJob.error().message));
    }

    void pollShapesAreChecked_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("poll type without poll") << QByteArray(R"({"type":"poll","text":"Q?"})");
        QTest::newRow("text with a poll") << QByteArray(
            R"({"type":"text","text":"Q?","poll":{"options":["a","b"],"multipleChoice":false}})");
        QTest::newRow("options not a list")
            << QByteArray(R"({"type":"poll","text":"Q?","poll":{"options":"a,b"}})");
        QTest::newRow("option a number")
            << QByteArray(R"({"type":"poll","text":"Q?","poll":{"options":["a",2]}})");
        QTest::newRow("no options")
            << QByteArray(R"({"type":"poll","text":"Q?","poll":{"options":[]}})");
    }
    void pollShapesAreChecked()
    {
        QFETCH(QByteArray, content);
        const QByteArray job =
            R"({"clientId":"b","chatId":"1@c.us","priority":0,"notBefore":0,"expiresAt":0,"content":)" +
            content + "}";
        const auto decoded = decodeOutboundJob(job);
        QVERIFY(!decoded);
        QCOMPARE(decoded.error().code, u"invalid-request"_s);
    }

    void inboundMediaAndLocationRoundTrip()
    {
        InboundMessage photo{u"false_1@c.us_P"_s, u"1@c.us"_s, {}, u"image"_s, u"cake?"_s, 1, {}};
        photo.quotedId = u"3EB0AA"_s;
        photo.mimetype = u"image/jpeg"_s;
        photo.filename = u"c.jpg"_s;
        photo.media = QByteArray("\x00\xff\x10 bytes", 9);
        photo.mediaSize = photo.media.size();
        auto decoded = decodeInboundRequest(encode(InboundRequest{u"t"_s, u"a"_s, photo}));
        QVERIFY2(decoded, decoded ? "" : qPrintable(decoded.error().message));
        QCOMPARE(decoded.value().message, photo);

        InboundMessage place{u"false_1@c.us_L"_s, u"1@c.us"_s, {}, u"location"_s, {}, 1, {}};
        place.latitude = -33.8568;
        place.longitude = 151.2153;
        decoded = decodeInboundRequest(encode(InboundRequest{u"t"_s, u"a"_s, place}));
        QVERIFY(decoded);
        QCOMPARE(decoded.value().message, place);

        // Too large to take: no bytes, the reason instead.
        photo.media.clear();
        photo.mediaError = u"larger than the agent takes"_s;
        decoded = decodeInboundRequest(encode(InboundRequest{u"t"_s, u"a"_s, photo}));
        QVERIFY(decoded);
        QCOMPARE(decoded.value().message.mediaError, photo.mediaError);
    }

    // A message the agent got long after it was written is marked late; anything but a
    // boolean there is refused, and an absent flag means live.
    void lateIsCarried()
    {
        const InboundMessage m{u"false_1@c.us_N"_s, u"1@c.us"_s, {}, u"chat"_s, u"hi"_s, 1, {}};
        auto decoded = decodeInboundRequest(encode(InboundRequest{u"t"_s, u"a"_s, m, true}));
        QVERIFY(decoded);
        QCOMPARE(decoded.value().late, true);
        decoded = decodeInboundRequest(encode(InboundRequest{u"t"_s, u"a"_s, m}));
        QVERIFY(decoded);
        QCOMPARE(decoded.value().late, false);
        QByteArray bad = encode(InboundRequest{u"t"_s, u"a"_s, m, true});
        bad.replace("\"late\":true", "\"late\":\"yes\"");
        decoded = decodeInboundRequest(bad);
        QVERIFY(!decoded);
        QVERIFY(decoded.error().message.contains(u"late"_s));
    }

    // Who wrote, as WhatsApp knows them: the number behind a LID, the LID behind a number; a
    // malformed one is refused with what is expected.
    void customerIdentityIsCarried()
    {
        InboundMessage m{u"false_77@lid_I"_s, u"77@lid"_s, {}, u"chat"_s, u"hi"_s, 1, {}};
        m.phone = u"+491701234567"_s;
        m.lid = u"77@lid"_s;
        auto decoded = decodeInboundRequest(encode(InboundRequest{u"t"_s, u"a"_s, m}));
        QVERIFY2(decoded, decoded ? "" : qPrintable(decoded.error().message));
        QCOMPARE(decoded.value().message, m);
        m.phone = u"0170 1234567"_s; // national: its country is not known
        decoded = decodeInboundRequest(encode(InboundRequest{u"t"_s, u"a"_s, m}));
        QVERIFY(!decoded);
        QVERIFY(decoded.error().message.contains(u"E.164"_s));
    }

    void statusReportRoundTripsAndChecksState()
    {
        StatusReport report{u"t"_s,      u"a"_s,         u"r-1"_s,  u"3EB0AA"_s,
                            u"1@c.us"_s, u"delivered"_s, QString(), 1700000002};
        const auto decoded = decodeStatusReport(encode(report));
        QVERIFY(decoded);
        QCOMPARE(decoded.value().state, u"delivered"_s);
        QCOMPARE(decoded.value().timestamp, 1700000002);
        report.state = u"exploded"_s;
        const auto bad = decodeStatusReport(encode(report));
        QVERIFY(!bad);
        QVERIFY(bad.error().message.contains(u"sent, delivered"_s));
    }

    // Who a message went to: the chat WhatsApp used (a number's LID chat), number and LID.
    void statusReportsCarryTheRecipient()
    {
        StatusReport report{u"t"_s,    u"a"_s,    u"r-1"_s,  u"3EB0AA"_s, u"491701234567@c.us"_s,
                            u"sent"_s, QString(), 1700000002};
        report.recipient = Recipient{u"77@lid"_s, u"+491701234567"_s, u"77@lid"_s};
        auto decoded = decodeStatusReport(encode(report));
        QVERIFY2(decoded, decoded ? "" : qPrintable(decoded.error().message));
        QCOMPARE(decoded.value().recipient, report.recipient);
        report.recipient = {};
        decoded = decodeStatusReport(encode(report));
        QVERIFY(decoded);
        QCOMPARE(decoded.value().recipient, Recipient{});
        QVERIFY(!encode(report).contains("\"phone\"")); // absent, not empty, when unknown
        report.recipient.phone = u"01701234567"_s;
        QVERIFY(!decodeStatusReport(encode(report)));
    }

    void statusBatchRoundTrips()
    {
        StatusBatch batch{u"t"_s, u"a"_s, {}};
        for (const QString &state : {u"queued"_s, u"sent"_s, u"read"_s}) {
            batch.reports.append(StatusReport{
                {}, {}, u"r-"_s + state, u"3EB0AA"_s, u"1@c.us"_s, state, QString(), 1700000002});
        }
        const auto decoded = decodeStatusBatch(encode(batch));
        QVERIFY2(decoded, qPrintable(decoded ? QString() : decoded.error().message));
        QCOMPARE(decoded.value().reports.size(), 3);
        QCOMPARE(decoded.value().reports.at(2).state, u"read"_s);
        QCOMPARE(decoded.value().reports.at(2).clientId, u"r-read"_s);
        // Each report carries the batch's account, so the cloud handles it like a single one.
        QCOMPARE(decoded.value().reports.at(0).tenantId, u"t"_s);
        QCOMPARE(decoded.value().reports.at(0).agentId, u"a"_s);
    }

    void rejectsBadStatusBatches_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("says");
        const QByteArray good =
            R"({"clientId":"r-1","waMessageId":"","chatId":"1@c.us","state":"queued","detail":"","t":1})";
        const auto batchOf = [](const QByteArray &reports) -> QByteArray {
            return R"({"v":1,"tenantId":"t","agentId":"a","reports":[)" + reports + "]}";
        };
        QTest::newRow("no reports")
            << QByteArray(R"({"v":1,"tenantId":"t","agentId":"a"})") << u"1 to 100"_s;
        QTest::newRow("empty") << batchOf("") << u"1 to 100"_s;
        QByteArrayList many(kMaxStatusBatch + 1, good);
        QTest::newRow("too many") << batchOf(many.join(',')) << u"1 to 100"_s;
        QTest::newRow("bad state second")
            << batchOf(good + "," + QByteArray(good).replace("queued", "exploded"))
            << u"reports[1]: state must be"_s;
        QTest::newRow("not an object") << batchOf(good + ",7") << u"reports[1]"_s;
        QTest::newRow("empty client id")
            << batchOf(QByteArray(good).replace("r-1", "")) << u"reports[0]"_s;
        QTest::newRow("bad account")
            << QByteArray(R"({"v":1,"tenantId":"t t","agentId":"a","reports":[)" + good + "]}")
            << u"tenantId"_s;
    }
    void rejectsBadStatusBatches()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, says);
        const auto decoded = decodeStatusBatch(json);
        QVERIFY(!decoded);
        QCOMPARE(decoded.error().code, u"invalid-request"_s);
        QVERIFY2(decoded.error().message.contains(says), qPrintable(decoded.error().message));
    }

    // The page's memory travels in the heartbeat; an agent older than the watchdog sends none.
    void heartbeatCarriesThePagesMemory_data()
    {
        QTest::addColumn<qint64>("rendererMb");
        QTest::newRow("measured") << qint64(412);
        QTest::newRow("not measured yet") << qint64(-1);
    }
    void heartbeatCarriesThePagesMemory()
    {
        QFETCH(qint64, rendererMb);
        Heartbeat sent;
        sent.tenantId = u"shop"_s;
        sent.agentId = u"a1"_s;
        sent.session = u"connected"_s;
        sent.health = u"ok"_s;
        sent.protection = u"keychain"_s;
        sent.agentVersion = u"0.1.0"_s;
        sent.rendererMb = rendererMb;
        sent.memoryCeilingMb = 1500;
        sent.memoryReloads = 2;
        const auto got = decodeHeartbeat(encode(sent));
        QVERIFY2(got, got ? "" : qPrintable(got.error().message));
        QCOMPARE(got.value().rendererMb, rendererMb);
        QCOMPARE(got.value().memoryCeilingMb, qint64(1500));
        QCOMPARE(got.value().memoryReloads, qint64(2));

        const auto old = decodeHeartbeat(
            R"({"tenantId":"shop","agentId":"a1","session":"connected","health":"ok",)"
            R"("protection":"keychain","queues":{"inbound":0,"outbound":0},)"
            R"("versions":{"agent":"0.1.0","whatsappWeb":""}})");
        QVERIFY2(old, old ? "" : qPrintable(old.error().message));
        QCOMPARE(old.value().rendererMb, qint64(-1));
        QCOMPARE(old.value().memoryReloads, qint64(0));

        for (const char *memory : {R"("memory":7)", R"("memory":{"ceilingMb":1500})",
                                   R"("memory":{"ceilingMb":1500,"reloads":-1})",
                                   R"("memory":{"ceilingMb":1500,"reloads":0,"rendererMb":-5})"}) {
            const QByteArray bad =
                QByteArray(R"({"tenantId":"shop","agentId":"a1","session":"connected",)"
                           R"("health":"ok","protection":"keychain",)"
                           R"("queues":{"inbound":0,"outbound":0},)"
                           R"("versions":{"agent":"0.1.0","whatsappWeb":""},)") +
                memory + '}';
            const auto refused = decodeHeartbeat(bad);
            QVERIFY2(!refused, memory);
            QVERIFY(refused.error().message.contains(u"memory"_s));
        }
    }

    void errorBodies()
    {
        const auto error = decodeError(encodeError(u"rate-limited"_s, u"Slow down."_s));
        QVERIFY(error);
        QCOMPARE(error->code, u"rate-limited"_s);
        QCOMPARE(error->message, u"Slow down."_s);
        QVERIFY(!decodeError("not json"));
        QVERIFY(!decodeError(R"({"error":"flat"})"));
    }

    void jobsPollRoundTrip()
    {
        const cloud::JobsPoll poll{{u"b-1"_s, u"b-2"_s}, 20};
        const auto decoded = cloud::decodeJobsPoll(cloud::encode(poll));
        QVERIFY(decoded);
        QCOMPARE(decoded.value().acks, poll.acks);
        QCOMPARE(decoded.value().waitSeconds, 20);
        const cloud::SignedFrame frame{u"job"_s, "{}", "1700000000", "n1", "sig"};
        const auto frames = cloud::decodeFrames(cloud::encodeFrames({frame, frame}));
        QVERIFY(frames);
        QCOMPARE(frames.value().size(), 2);
        QCOMPARE(frames.value().at(1).nonce, QByteArray("n1"));
    }

    void rejectsBadPolls_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("no wait") << QByteArray(R"({"acks":[]})");
        QTest::newRow("wait too long") << QByteArray(R"({"acks":[],"wait":26})");
        QTest::newRow("negative wait") << QByteArray(R"({"acks":[],"wait":-1})");
        QTest::newRow("acks not a list") << QByteArray(R"({"acks":"b-1","wait":1})");
        QTest::newRow("an ack not a string") << QByteArray(R"({"acks":[1],"wait":1})");
        QTest::newRow("an empty ack") << QByteArray(R"({"acks":[""],"wait":1})");
        QByteArray many = R"({"wait":1,"acks":[)";
        for (qsizetype i = 0; i <= cloud::kMaxAcksPerPoll; ++i)
            many += QByteArray(i ? "," : "") + "\"x\"";
        QTest::newRow("too many acks") << many + "]}";
    }
    void rejectsBadPolls()
    {
        QFETCH(QByteArray, body);
        const auto poll = cloud::decodeJobsPoll(body);
        QVERIFY(!poll);
        QCOMPARE(poll.error().code, u"invalid-request"_s);
        QVERIFY(!poll.error().message.isEmpty());
    }

    // Every JSON the agent reads goes through json::parse: nothing nested deeper than
    // json::kMaxDepth is built, however deep the input, and reading it does not recurse.
    void jsonDepthIsLimited_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("accepted");
        const auto arrays = [](int depth) -> QByteArray {
            return QByteArray(depth, '[') + QByteArray(depth, ']');
        };
        const auto objects = [](int depth) -> QByteArray {
            QByteArray text;
            for (int i = 0; i < depth; ++i)
                text += R"({"a":)";
            return text + "1" + QByteArray(depth, '}');
        };
        QTest::newRow("one level") << arrays(1) << true;
        QTest::newRow("32 arrays") << arrays(json::kMaxDepth) << true;
        QTest::newRow("33 arrays") << arrays(json::kMaxDepth + 1) << false;
        QTest::newRow("32 objects") << objects(json::kMaxDepth) << true;
        QTest::newRow("33 objects") << objects(json::kMaxDepth + 1) << false;
        QTest::newRow("deep inside a wide value")
            << QByteArray(R"([1,{"a":[)" + arrays(40) + R"(]},2])") << false;
        QTest::newRow("100000 arrays") << arrays(100000) << false;
        QTest::newRow("100000 objects") << objects(100000) << false;
        QTest::newRow("100000 unclosed") << QByteArray(100000, '[') << false;
    }
    void jsonDepthIsLimited()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, accepted);
        bool tooDeep = false;
        const json::Json value = json::parse(text, &tooDeep);
        QCOMPARE(!value.is_discarded(), accepted);
        QCOMPARE(tooDeep, !accepted);
        if (accepted)
            QCOMPARE(QByteArray::fromStdString(value.dump()), text); // dump() recurses: bounded
    }

    // Each decoder of what the cloud sends says so, in a sentence, and none crashes.
    void deepMessagesAreRefusedByEveryDecoder()
    {
        const QByteArray deep = QByteArray(100000, '[') + QByteArray(100000, ']');
        const auto isNested = [](const Error &error) {
            return error.message.contains(u"nested more than 32 levels"_s);
        };
        const QByteArray answer = R"({"v":1,"messageId":"m","replies":[)" + deep + "]}";
        QVERIFY(isNested(decodeInboundResponse(answer).error()));
        QVERIFY(isNested(decodeCredentials(answer).error()));
        QVERIFY(isNested(decodeFrames(R"({"frames":[)" + deep + "]}").error()));
        QVERIFY(
            isNested(decodeFrame(R"({"type":"job","payload":"{}","deep":)" + deep + "}").error()));
        QVERIFY(isNested(
            decodeOutboundJob(R"({"clientId":"d","chatId":"1@c.us","content":)" + deep + "}")
                .error()));
        QVERIFY(isNested(decodeInboundRequest(R"({"message":)" + deep + "}").error()));
        QVERIFY(!decodeError(R"({"error":)" + deep + "}"));
    }

    // A poll answer's frames are read where they lie; one that is not an object is refused.
    void pollAnswerFramesMustBeObjects()
    {
        const auto frames = decodeFrames(R"({"frames":[1]})");
        QVERIFY(!frames);
        QVERIFY(frames.error().message.contains(u"object"_s));
    }

    // A job's times are unix seconds up to the year 9999: later ones would overflow as
    // milliseconds (2^62 s is 4.6e21 ms), so the job is refused with what to change.
    void jobTimesStayWithinTheYear9999_data()
    {
        QTest::addColumn<qint64>("notBefore");
        QTest::addColumn<qint64>("expiresAt");
        QTest::addColumn<QString>("refused"); // the member named; empty: accepted
        QTest::newRow("none") << qint64(0) << qint64(0) << QString();
        QTest::newRow("the last second of 9999") << kMaxUnixSeconds << kMaxUnixSeconds << QString();
        QTest::newRow("notBefore 2^62") << (qint64(1) << 62) << qint64(0) << u"notBefore"_s;
        QTest::newRow("expiresAt 2^62") << qint64(0) << (qint64(1) << 62) << u"expiresAt"_s;
        QTest::newRow("expiresAt the largest integer")
            << qint64(0) << std::numeric_limits<qint64>::max() << u"expiresAt"_s;
        QTest::newRow("notBefore negative") << qint64(-1) << qint64(0) << u"notBefore"_s;
        QTest::newRow("notBefore the smallest integer")
            << std::numeric_limits<qint64>::min() << qint64(0) << u"notBefore"_s;
    }
    void jobTimesStayWithinTheYear9999()
    {
        QFETCH(qint64, notBefore);
        QFETCH(qint64, expiresAt);
        QFETCH(QString, refused);
        const OutboundJob job{u"t-1"_s, u"491701234567@c.us"_s, u"hi"_s, 0, notBefore, expiresAt};
        const auto decoded = decodeOutboundJob(encode(job));
        if (refused.isEmpty()) {
            QVERIFY2(decoded, decoded ? "" : qPrintable(decoded.error().message));
            QCOMPARE(intake::fromJob(decoded.value()).notBefore, notBefore * 1000);
            QCOMPARE(intake::fromJob(decoded.value()).expiresAt, expiresAt * 1000);
        } else {
            QVERIFY(!decoded);
            QVERIFY2(decoded.error().message.contains(refused) &&
                         decoded.error().message.contains(u"9999"_s),
                     qPrintable(decoded.error().message));
        }
        // Queued another way, the job's times are held within the same bounds: no overflow.
        const OutboxItem item = intake::fromJob(job);
        QVERIFY(qAbs(item.notBefore) <= kMaxUnixSeconds * 1000);
        QVERIFY(qAbs(item.expiresAt) <= kMaxUnixSeconds * 1000);
    }

    // Replies go only to the chat of the message they answer; other chats are for jobs.
    void repliesGoOnlyToTheChatTheyAnswer_data()
    {
        QTest::addColumn<QString>("chatId");
        QTest::addColumn<QString>("author");
        QTest::addColumn<QString>("answered"); // the answer's messageId
        QTest::addColumn<QString>("replyChat");
        QTest::addColumn<QString>("problem"); // in the sentence; empty: queued
        const QString person = u"491701234567@c.us"_s;
        const QString group = u"120363000001@g.us"_s;
        QTest::newRow("the same chat") << person << QString() << u"M1"_s << person << QString();
        QTest::newRow("the group written in") << group << person << u"M1"_s << group << QString();
        QTest::newRow("another customer")
            << person << QString() << u"M1"_s << u"491709999999@c.us"_s << u"a job"_s;
        QTest::newRow("the group member, privately")
            << group << person << u"M1"_s << person << u"a job"_s;
        QTest::newRow("the number of a LID chat")
            << u"117243018813461@lid"_s << QString() << u"M1"_s << person << u"a job"_s;
        QTest::newRow("another message's answer")
            << person << QString() << u"M2"_s << person << u"messageId"_s;
    }
    void repliesGoOnlyToTheChatTheyAnswer()
    {
        QFETCH(QString, chatId);
        QFETCH(QString, author);
        QFETCH(QString, answered);
        QFETCH(QString, replyChat);
        QFETCH(QString, problem);
        InboundMessage message{u"M1"_s, chatId, author, u"chat"_s, u"hi"_s, 1, {}};
        const InboundResponse answer{
            answered, {Reply{u"r-1"_s, chatId, u"first"_s}, Reply{u"r-2"_s, replyChat, u"x"_s}}};
        const QString refused = intake::answerProblem(answer, message);
        if (problem.isEmpty()) {
            QVERIFY2(refused.isEmpty(), qPrintable(refused));
        } else {
            QVERIFY2(refused.contains(problem), qPrintable(refused));
            QVERIFY2(refused.contains(u"the cloud must"_s), qPrintable(refused));
        }
    }

    void accountIds_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<bool>("valid");
        QTest::newRow("simple") << u"shop-1"_s << true;
        QTest::newRow("dots and underscores") << u"a.b_c"_s << true;
        QTest::newRow("64 chars") << QString(64, u'a') << true;
        QTest::newRow("65 chars") << QString(65, u'a') << false;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("space") << u"a b"_s << false;
        QTest::newRow("slash") << u"../etc"_s << false;
        // Ids name directories: nothing but a plain name.
        QTest::newRow("dot") << u"."_s << false;
        QTest::newRow("dot dot") << u".."_s << false;
        QTest::newRow("three dots") << u"..."_s << false;
        QTest::newRow("hidden name") << u".shop"_s << false;
        QTest::newRow("option-like") << u"-shop"_s << false;
        QTest::newRow("starts with underscore") << u"_shop"_s << false;
        QTest::newRow("inner slash") << u"a/b"_s << false;
        QTest::newRow("backslash") << u"a\\b"_s << false;
        QTest::newRow("dot dot backslash") << u"..\\x"_s << false;
        QTest::newRow("nul") << u"a"_s + QChar(0) + u"b"_s << false;
        QTest::newRow("non-ASCII letter") << u"caf\u00e9"_s << false;
        QTest::newRow("trailing newline") << u"shop\n"_s << false;
        QTest::newRow("digit first") << u"1shop"_s << true;
        QTest::newRow("dots inside") << u"shop..1"_s << true;
    }
    void accountIds()
    {
        QFETCH(QString, id);
        QFETCH(bool, valid);
        QCOMPARE(isValidAccountId(id), valid);
    }

    // The agent id of the pairing answer becomes a directory of the RAM profile: an answer
    // naming "." or ".." (or a path) is refused, never joined into a path.
    void pairingAnswerWithAPathForAnAgentIdIsRefused_data()
    {
        QTest::addColumn<QString>("agentId");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("plain") << u"agent-1a2b"_s << true;
        QTest::newRow("dot") << u"."_s << false;
        QTest::newRow("dot dot") << u".."_s << false;
        QTest::newRow("a path") << u"../../home/shop"_s << false;
        QTest::newRow("absolute") << u"/etc"_s << false;
    }
    void pairingAnswerWithAPathForAnAgentIdIsRefused()
    {
        QFETCH(QString, agentId);
        QFETCH(bool, accepted);
        const QByteArray answer =
            encode(Credentials{u"shop"_s, u"PLACEHOLDER"_s, u"token"_s, QByteArray(32, 's'), 0})
                .replace("PLACEHOLDER", agentId.toUtf8());
        const auto credentials = decodeCredentials(answer);
        QCOMPARE(bool(credentials), accepted);
        if (accepted)
            QCOMPARE(credentials.value().agentId, agentId);
        else
            QCOMPARE(credentials.error().code, u"bad-response"_s);
    }
};

QTEST_GUILESS_MAIN(TestCloudProtocol)
#include "tst_cloudprotocol.moc"
