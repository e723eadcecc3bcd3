#include "cloud-stub/whatsappsimulator.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;
using namespace sak;
using sak::stub::WhatsAppSimulator;

class TestWhatsAppSimulator : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void scanNeedsAPageShowingAQr()
    {
        WhatsAppSimulator sim(u"15550100200"_s);
        const auto scanned = sim.scan();
        QVERIFY(!scanned);
        QCOMPARE(scanned.error().code, u"no-qr"_s);
    }

    void pairingGivesATokenThatKeepsTheSession()
    {
        WhatsAppSimulator sim(u"15550100200"_s);
        QCOMPARE(sim.hello({{u"pageId"_s, u"p1"_s}}).value(u"paired"_s).toBool(), false);
        QVERIFY(sim.scan());
        const QJsonArray events = sim.poll(u"p1"_s, 0).value(u"events"_s).toArray();
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.at(0)[u"type"_s].toString(), u"paired"_s);
        const QString token = events.at(0)[u"token"_s].toString();
        QVERIFY(!token.isEmpty());
        // A reloaded page (new page id) with the stored token is connected at once.
        QVERIFY(
            sim.hello({{u"pageId"_s, u"p2"_s}, {u"token"_s, token}}).value(u"paired"_s).toBool());
        QVERIFY(!sim.hello({{u"pageId"_s, u"p3"_s}, {u"token"_s, u"forged"_s}})
                     .value(u"paired"_s)
                     .toBool());
    }

    void messagesWaitForAPairedPage()
    {
        WhatsAppSimulator sim(u"15550100200"_s);
        const auto injected =
            sim.inject({{u"chatId"_s, u"491701234567@c.us"_s}, {u"body"_s, u"hi"_s}});
        QVERIFY(injected);
        QCOMPARE(injected.value()[u"delivered"_s].toBool(), false);
        sim.hello({{u"pageId"_s, u"p1"_s}});
        QVERIFY(sim.scan());
        const QJsonArray paired = sim.poll(u"p1"_s, 0)[u"events"_s].toArray();
        const QString token = paired.at(0)[u"token"_s].toString();
        const qint64 seq = paired.at(0)[u"seq"_s].toInteger();
        const auto hello = sim.hello({{u"pageId"_s, u"p1"_s}, {u"token"_s, token}});
        QCOMPARE(hello[u"seq"_s].toInteger(), 0); // nothing acknowledged yet
        const QJsonArray events = sim.poll(u"p1"_s, seq)[u"events"_s].toArray();
        QCOMPARE(types(events), (QStringList{u"msg"_s, u"offline-end"_s}));
        QCOMPARE(events.at(0)[u"msg"_s][u"body"_s].toString(), u"hi"_s);
    }

    // What the network held for a device reaches it, when it says hello, as WhatsApp's offline
    // burst: counted in the answer, each message's event marked, an end after the last. A page
    // that comes back before it acknowledged all of it gets the rest as its burst (with one
    // end); one with nothing held gets the end at once; later messages are live.
    void heldMessagesAreAnOfflineBurst()
    {
        WhatsAppSimulator sim(u"15550100200"_s);
        QVERIFY(sim.inject({{u"chatId"_s, u"491701234567@c.us"_s}, {u"body"_s, u"one"_s}}));
        QVERIFY(sim.inject({{u"chatId"_s, u"491701234568@c.us"_s}, {u"body"_s, u"two"_s}}));
        sim.hello({{u"pageId"_s, u"p1"_s}});
        QVERIFY(sim.scan());
        const QJsonArray paired = sim.poll(u"p1"_s, 0)[u"events"_s].toArray();
        const QString token = paired.at(0)[u"token"_s].toString();
        const QJsonObject page{{u"pageId"_s, u"p1"_s}, {u"token"_s, token}};
        QCOMPARE(sim.hello(page)[u"offline"_s].toInteger(), 2);
        QJsonArray events =
            sim.poll(u"p1"_s, paired.at(0)[u"seq"_s].toInteger())[u"events"_s].toArray();
        QCOMPARE(types(events), (QStringList{u"msg"_s, u"msg"_s, u"offline-end"_s}));
        QCOMPARE(events.at(0)[u"msg"_s][u"body"_s].toString(), u"one"_s);
        QCOMPARE(events.at(1)[u"msg"_s][u"body"_s].toString(), u"two"_s);
        QVERIFY(events.at(0)[u"offline"_s].toBool() && events.at(1)[u"offline"_s].toBool());

        // Back after taking only the first.
        const qint64 first = events.at(0)[u"seq"_s].toInteger();
        QVERIFY(!sim.poll(u"p1"_s, first)[u"events"_s].toArray().isEmpty());
        QCOMPARE(sim.hello(page)[u"offline"_s].toInteger(), 1);
        events = sim.poll(u"p1"_s, first)[u"events"_s].toArray();
        QCOMPARE(types(events), (QStringList{u"msg"_s, u"offline-end"_s}));
        QCOMPARE(events.at(0)[u"msg"_s][u"body"_s].toString(), u"two"_s);
        QVERIFY(events.at(0)[u"offline"_s].toBool());
        const qint64 last = events.last()[u"seq"_s].toInteger();
        QVERIFY(sim.poll(u"p1"_s, last)[u"events"_s].toArray().isEmpty());
        const QJsonArray messages = sim.snapshot()[u"messages"_s].toArray();
        QVERIFY(std::all_of(messages.begin(), messages.end(),
                            [](const QJsonValue &m) { return m[u"delivered"_s].toBool(); }));

        QVERIFY(sim.inject({{u"chatId"_s, u"491701234567@c.us"_s}, {u"body"_s, u"three"_s}}));
        events = sim.poll(u"p1"_s, last)[u"events"_s].toArray();
        QCOMPARE(types(events), QStringList{u"msg"_s});
        QVERIFY(!events.at(0).toObject().contains(u"offline"_s));

        QCOMPARE(sim.hello(page)[u"offline"_s].toInteger(), 1); // not acknowledged yet
        const qint64 all =
            sim.poll(u"p1"_s, last)[u"events"_s].toArray().last()[u"seq"_s].toInteger();
        QVERIFY(sim.poll(u"p1"_s, all)[u"events"_s].toArray().isEmpty());
        QCOMPARE(sim.hello(page)[u"offline"_s].toInteger(), 0);
        QCOMPARE(types(sim.poll(u"p1"_s, all)[u"events"_s].toArray()),
                 QStringList{u"offline-end"_s});
    }

    // A dropped connection: the page is told to say hello again, and what came meanwhile is
    // its offline burst.
    void droppedConnectionsSayHelloAgain()
    {
        WhatsAppSimulator sim(u"15550100200"_s);
        sim.hello({{u"pageId"_s, u"p1"_s}});
        QVERIFY(sim.scan());
        const QJsonArray paired = sim.poll(u"p1"_s, 0)[u"events"_s].toArray();
        const qint64 seq = paired.at(0)[u"seq"_s].toInteger();
        QVERIFY(sim.dropConnections());
        QVERIFY(sim.inject({{u"chatId"_s, u"491701234567@c.us"_s}, {u"body"_s, u"hi"_s}}));
        QCOMPARE(types(sim.poll(u"p1"_s, seq)[u"events"_s].toArray()), QStringList{u"reset"_s});
        const auto hello =
            sim.hello({{u"pageId"_s, u"p1"_s}, {u"token"_s, paired.at(0)[u"token"_s]}});
        QCOMPARE(hello[u"offline"_s].toInteger(), 1);
        const QJsonArray events = sim.poll(u"p1"_s, seq)[u"events"_s].toArray();
        QCOMPARE(types(events), (QStringList{u"msg"_s, u"offline-end"_s}));
        QVERIFY(events.at(0)[u"offline"_s].toBool());
    }

    // Events stay queued until the page acknowledges them: an answer lost on the way (the
    // network restarted) loses nothing, and a message counts as delivered only once taken.
    void eventsAreSentUntilAcknowledged()
    {
        WhatsAppSimulator sim(u"15550100200"_s);
        sim.hello({{u"pageId"_s, u"p1"_s}});
        QVERIFY(sim.scan());
        const QJsonArray paired = sim.poll(u"p1"_s, 0)[u"events"_s].toArray();
        const qint64 pairedSeq = paired.at(0)[u"seq"_s].toInteger();
        QVERIFY(sim.inject({{u"chatId"_s, u"491701234567@c.us"_s}, {u"body"_s, u"hi"_s}}));
        const QJsonArray first = sim.poll(u"p1"_s, pairedSeq)[u"events"_s].toArray();
        QCOMPARE(first.size(), 1);
        const QJsonArray again = sim.poll(u"p1"_s, pairedSeq)[u"events"_s].toArray();
        QCOMPARE(again, first); // not acknowledged: sent again
        QCOMPARE(sim.snapshot()[u"messages"_s][0][u"delivered"_s].toBool(), false);
        QVERIFY(
            sim.poll(u"p1"_s, first.at(0)[u"seq"_s].toInteger())[u"events"_s].toArray().isEmpty());
        QCOMPARE(sim.snapshot()[u"messages"_s][0][u"delivered"_s].toBool(), true);
    }

    // Chats and sessions survive a restart; an undelivered message reaches the next page.
    void snapshotRestoresChatsAndSessions()
    {
        WhatsAppSimulator before(u"15550100200"_s);
        before.hello({{u"pageId"_s, u"p1"_s}});
        QVERIFY(before.scan());
        const QString token =
            before.poll(u"p1"_s, 0)[u"events"_s].toArray().at(0)[u"token"_s].toString();
        QVERIFY(before.inject({{u"chatId"_s, u"491701234567@c.us"_s}, {u"body"_s, u"hi"_s}}));

        WhatsAppSimulator after(u"15550100200"_s);
        after.restore(before.snapshot());
        const auto hello = after.hello({{u"pageId"_s, u"p9"_s}, {u"token"_s, token}});
        QVERIFY(hello[u"paired"_s].toBool());
        const QJsonArray events = after.poll(u"p9"_s, 0)[u"events"_s].toArray();
        QCOMPARE(types(events), (QStringList{u"msg"_s, u"offline-end"_s}));
        QCOMPARE(events.at(0)[u"msg"_s][u"body"_s].toString(), u"hi"_s);
    }

    void injectValidatesInput_data()
    {
        QTest::addColumn<QString>("chatId");
        QTest::addColumn<QString>("body");
        QTest::newRow("group") << u"12036302@g.us"_s << u"x"_s;
        QTest::newRow("no server") << u"491701234567"_s << u"x"_s;
        QTest::newRow("empty body") << u"491701234567@c.us"_s << QString();
        QTest::newRow("the business itself") << u"15550100200@c.us"_s << u"x"_s;
        QTest::newRow("LID without digits") << u"abc@lid"_s << u"x"_s;
    }
    void injectValidatesInput()
    {
        QFETCH(QString, chatId);
        QFETCH(QString, body);
        WhatsAppSimulator sim(u"15550100200"_s);
        const auto injected = sim.inject({{u"chatId"_s, chatId}, {u"body"_s, body}});
        QVERIFY(!injected);
        QCOMPARE(injected.error().code, u"invalid-request"_s);
    }

    void sendsAreCountedPerIdAndAcked()
    {
        WhatsAppSimulator sim(u"15550100200"_s);
        sim.hello({{u"pageId"_s, u"p1"_s}});
        QVERIFY(sim.scan());
        const qint64 seq = sim.poll(u"p1"_s, 0)[u"events"_s][0][u"seq"_s].toInteger();
        const QJsonObject send{{u"pageId"_s, u"p1"_s},
                               {u"id"_s, u"3EB0AA"_s},
                               {u"to"_s, u"491701234567@c.us"_s},
                               {u"body"_s, u"hello"_s}};
        QVERIFY(sim.send(send));
        QVERIFY(sim.send(send)); // a double send is recorded, not hidden
        QCOMPARE(sim.sentByBusiness().size(), 1);
        QCOMPARE(sim.sentByBusiness().at(0)[u"sendCount"_s].toInt(), 2);
        QTRY_COMPARE(sim.sentByBusiness().at(0)[u"ack"_s].toInt(), 2);
        QVERIFY(sim.markRead(u"491701234567@c.us"_s));
        QCOMPARE(sim.sentByBusiness().at(0)[u"ack"_s].toInt(), 3);
        const QJsonArray events = sim.poll(u"p1"_s, seq)[u"events"_s].toArray();
        QCOMPARE(events.size(), 2);
        QCOMPARE(events.at(1)[u"ack"_s].toInt(), 3);
    }

    // The LID behind a number: learnt when WhatsApp tells it with a message (and then known to
    // every page, from the phone's address book), answered to the page's usync lookups, and
    // kept across a restart.
    void lidsAndTheNumbersBehindThem()
    {
        WhatsAppSimulator sim(u"15550100200"_s);
        sim.hello({{u"pageId"_s, u"p1"_s}});
        QVERIFY(sim.scan());
        const QString lid = u"104050607080900@lid"_s;
        const QString phone = u"491701234599@c.us"_s;
        QVERIFY(sim.lookup({{u"pageId"_s, u"p1"_s}, {u"id"_s, phone}})
                    .value()[u"lid"_s]
                    .toString()
                    .isEmpty());
        QVERIFY(!sim.inject({{u"chatId"_s, phone}, {u"phone"_s, phone}, {u"body"_s, u"x"_s}}));
        QVERIFY(sim.inject({{u"chatId"_s, lid}, {u"phone"_s, phone}, {u"body"_s, u"hi"_s}}));
        QCOMPARE(
            sim.lookup({{u"pageId"_s, u"p1"_s}, {u"id"_s, phone}}).value()[u"lid"_s].toString(),
            lid);
        QCOMPARE(
            sim.lookup({{u"pageId"_s, u"p1"_s}, {u"id"_s, lid}}).value()[u"phone"_s].toString(),
            phone);
        QVERIFY(!sim.lookup({{u"pageId"_s, u"p1"_s}, {u"id"_s, u"nobody"_s}}));
        QVERIFY(sim.hello({{u"pageId"_s, u"p2"_s}})[u"contacts"_s].toArray().contains(
            QJsonObject{{u"lid"_s, lid}, {u"phone"_s, phone}}));
        QVERIFY(sim.hello({{u"pageId"_s, u"p2"_s}})[u"meLid"_s].toString().endsWith(u"@lid"_s));
        WhatsAppSimulator restarted(u"15550100200"_s);
        restarted.restore(sim.snapshot());
        restarted.hello({{u"pageId"_s, u"p3"_s}});
        QVERIFY(restarted.scan());
        QCOMPARE(restarted.lookup({{u"pageId"_s, u"p3"_s}, {u"id"_s, phone}})
                     .value()[u"lid"_s]
                     .toString(),
                 lid);
    }

    // WhatsApp's failure levels, only for the business's own messages; polls and votes.
    void failuresPollsAndVotesAreValidated()
    {
        WhatsAppSimulator sim(u"15550100200"_s);
        sim.hello({{u"pageId"_s, u"p1"_s}});
        QVERIFY(sim.scan());
        QVERIFY(sim.send({{u"pageId"_s, u"p1"_s},
                          {u"id"_s, u"3EB0BB"_s},
                          {u"to"_s, u"491701234567@c.us"_s},
                          {u"body"_s, u"hello"_s}}));
        QVERIFY(!sim.fail(u"3EB0BB"_s, 2));
        QVERIFY(!sim.fail(u"3EB0BB"_s, -8));
        QVERIFY(!sim.fail(u"nope"_s, -1));
        QVERIFY(sim.fail(u"3EB0BB"_s, -4));
        QCOMPARE(sim.sentByBusiness().at(0)[u"ack"_s].toInt(), -4);

        QVERIFY(!sim.poll({{u"chatId"_s, u"491701234567@c.us"_s},
                           {u"name"_s, u"One?"_s},
                           {u"options"_s, QJsonArray{u"only"_s}}}));
        const auto poll = sim.poll({{u"chatId"_s, u"491701234567@c.us"_s},
                                    {u"name"_s, u"When?"_s},
                                    {u"options"_s, QJsonArray{u"now"_s, u"later"_s}}});
        QVERIFY(poll);
        const QString id = poll.value()[u"id"_s].toString();
        QVERIFY(!sim.vote({{u"pollId"_s, id}, {u"options"_s, QJsonArray{2}}}));
        QVERIFY(!sim.vote({{u"pollId"_s, u"3EB0BB"_s}, {u"options"_s, QJsonArray{0}}}));
        QVERIFY(sim.vote({{u"pollId"_s, id}, {u"options"_s, QJsonArray{1}}}));
    }

    // The leak that the memory watchdog's test needs: once, as an event of every paired page,
    // or at every poll of every paired page (reloaded ones too) until it is stopped.
    void leaksReachPairedPages()
    {
        WhatsAppSimulator sim(u"15550100200"_s);
        sim.hello({{u"pageId"_s, u"p1"_s}});
        QVERIFY(sim.scan());
        const QJsonArray paired = sim.poll(u"p1"_s, 0)[u"events"_s].toArray();
        const QString token = paired.at(0)[u"token"_s].toString();
        const qint64 seq = paired.at(0)[u"seq"_s].toInteger();
        sim.hello({{u"pageId"_s, u"p1"_s}, {u"token"_s, token}});
        sim.hello({{u"pageId"_s, u"shows-qr"_s}});
        const qint64 burst =
            sim.poll(u"p1"_s, seq)[u"events"_s].toArray().last()[u"seq"_s].toInteger();

        for (const QJsonObject &bad :
             {QJsonObject{}, QJsonObject{{u"mb"_s, -1}}, QJsonObject{{u"mb"_s, 4096}},
              QJsonObject{{u"mb"_s, u"300"_s}}, QJsonObject{{u"mb"_s, 1.5}},
              QJsonObject{{u"mbPerPoll"_s, 65}}}) {
            const auto refused = sim.leak(bad);
            QVERIFY(!refused);
            QVERIFY(refused.error().message.contains(u"mbPerPoll"_s));
        }
        const auto once = sim.leak({{u"mb"_s, 300}});
        QVERIFY(once);
        QCOMPARE(once.value()[u"pages"_s].toInt(), 1); // the page showing a QR has no session
        const QJsonObject polled = sim.poll(u"p1"_s, burst);
        QCOMPARE(types(polled[u"events"_s].toArray()), QStringList{u"leak"_s});
        QCOMPARE(polled[u"events"_s][0][u"mb"_s].toInt(), 300);
        QVERIFY(!polled.contains(u"leakMb"_s));
        QVERIFY(!sim.poll(u"shows-qr"_s, 0).contains(u"leakMb"_s));

        QVERIFY(sim.leak({{u"mbPerPoll"_s, 4}}));
        const qint64 last = polled[u"events"_s][0][u"seq"_s].toInteger();
        QCOMPARE(sim.poll(u"p1"_s, last)[u"leakMb"_s].toInt(), 4);
        QCOMPARE(sim.poll(u"p1"_s, last)[u"leakMb"_s].toInt(), 4);
        QVERIFY(!sim.poll(u"shows-qr"_s, 0).contains(u"leakMb"_s));
        QVERIFY(sim.leak({{u"mbPerPoll"_s, 0}}));
        QVERIFY(!sim.poll(u"p1"_s, last).contains(u"leakMb"_s));
    }

    void unpairedPageCannotSend()
    {
        WhatsAppSimulator sim(u"15550100200"_s);
        sim.hello({{u"pageId"_s, u"p1"_s}});
        const auto sent = sim.send({{u"pageId"_s, u"p1"_s},
                                    {u"id"_s, u"x"_s},
                                    {u"to"_s, u"1234567@c.us"_s},
                                    {u"body"_s, u"b"_s}});
        QVERIFY(!sent);
        QCOMPARE(sent.error().code, u"not-paired"_s);
    }

private:
    static QStringList types(const QJsonArray &events)
    {
        QStringList out;
        for (const auto &event : events)
            out.append(event[u"type"_s].toString());
        return out;
    }
};

QTEST_GUILESS_MAIN(TestWhatsAppSimulator)
#include "tst_whatsappsimulator.moc"
