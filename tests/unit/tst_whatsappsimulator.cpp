#include "whatsappsimulator.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

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
        const QJsonArray events = sim.poll(u"p1"_s).value(u"events"_s).toArray();
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
        const QString token = sim.poll(u"p1"_s)[u"events"_s].toArray().at(0)[u"token"_s].toString();
        sim.hello({{u"pageId"_s, u"p1"_s}, {u"token"_s, token}});
        const QJsonArray events = sim.poll(u"p1"_s)[u"events"_s].toArray();
        QCOMPARE(events.size(), 1);
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
        sim.poll(u"p1"_s);
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
        const QJsonArray events = sim.poll(u"p1"_s)[u"events"_s].toArray();
        QCOMPARE(events.size(), 2);
        QCOMPARE(events.at(1)[u"ack"_s].toInt(), 3);
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
};

QTEST_GUILESS_MAIN(TestWhatsAppSimulator)
#include "tst_whatsappsimulator.moc"
