#include "cloud-stub/replyengine.h"
#include "tests/support/testenv.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;
using sak::stub::ReplyEngine;

class TestReplyEngine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void bundledRules_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("reply");
        QTest::newRow("price of an item")
            << u"Hi! How much is a cappuccino?"_s << u"Cappuccino costs 3.10 EUR."_s;
        QTest::newRow("two items") << u"espresso and a croissant please"_s
                                   << u"Espresso costs 2.20 EUR. Croissant costs 1.90 EUR."_s;
        QTest::newRow("case and plural") << u"LATTES?"_s << u"Latte costs 3.40 EUR."_s;
        QTest::newRow("price without item")
            << u"what are your prices"_s
            << u"Here is what we sell: Espresso, Cappuccino, Latte, Croissant, Coffee beans (500 g). Which one would you like to know the price of?"_s;
        QTest::newRow("hours")
            << u"When do you open on sunday?"_s
            << u"We are open Monday to Saturday 8:00-19:00 and Sunday 9:00-14:00."_s;
        QTest::newRow("greeting with name")
            << u"hello there"_s
            << u"Hello Ana! Welcome to Casa Verde Coffee. Ask me for a price (\"how much is a latte?\"), about your order, or our opening hours."_s;
        QTest::newRow("order status")
            << u"where is my order #1042?"_s
            << u"Order #1042 is out for delivery and should arrive today."_s;
        QTest::newRow("order number without #")
            << u"status of order 1043 please"_s
            << u"Order #1043 is being prepared; it will be ready for pickup at 15:00."_s;
        QTest::newRow("unknown order")
            << u"my order 99999 has not arrived"_s
            << u"I cannot find order #99999. Please check the number in your confirmation message."_s;
        QTest::newRow("order without a number")
            << u"Hi, where is my delivery?"_s
            << u"I can check that for you: what is your order number? It is in your confirmation message."_s;
        QTest::newRow("hi is a word, not a substring")
            << u"this is nothing"_s
            << u"Thanks for your message! Someone from Casa Verde Coffee will get back to you soon. You can also ask for prices or our opening hours."_s;
    }
    void bundledRules()
    {
        QFETCH(QString, text);
        QFETCH(QString, reply);
        const auto engine = ReplyEngine::fromFile(test::rulesPath());
        QVERIFY2(engine, engine ? "" : qPrintable(engine.error().message));
        QCOMPARE(engine.value().replyTo(text, u"Ana"_s), reply);
    }

    // A message that never reached the shop (view-once media, not decrypted): the customer is
    // asked again, in the words that fit why.
    void unavailableMessagesAreAskedAgain_data()
    {
        QTest::addColumn<QString>("why");
        QTest::addColumn<QString>("reply");
        QTest::newRow("view-once")
            << u"view-once"_s
            << u"We cannot open view-once photos here; could you send it as a normal photo?"_s;
        QTest::newRow("not decrypted")
            << u"not-decrypted"_s << u"Your message did not reach us; could you send it again?"_s;
    }
    void pollVotesAreAnswered()
    {
        const auto engine = ReplyEngine::fromFile(test::rulesPath());
        QVERIFY(engine);
        InboundMessage vote{
            u"vote_1"_s, u"491701234567@c.us"_s, {}, u"poll_vote"_s, u"18:00\n20:00"_s, 1795384634,
            {}};
        QCOMPARE(engine.value().acknowledge(vote),
                 u"Thanks, we noted your choice: 18:00, 20:00."_s);
        vote.body.clear();
        QCOMPARE(engine.value().acknowledge(vote), u"Noted: you took your vote back."_s);
    }
    void unavailableMessagesAreAskedAgain()
    {
        QFETCH(QString, why);
        QFETCH(QString, reply);
        const auto engine = ReplyEngine::fromFile(test::rulesPath());
        QVERIFY(engine);
        InboundMessage message{u"false_491701234567@c.us_AA:unavailable"_s,
                               u"491701234567@c.us"_s,
                               {},
                               u"unavailable"_s,
                               why,
                               1795384634,
                               u"Ana"_s};
        QCOMPARE(engine.value().acknowledge(message), reply);
    }

    // A booking is answered with a poll of the times; anything else is not.
    void bookingsAreAnsweredWithAPoll()
    {
        const auto engine = ReplyEngine::fromFile(test::rulesPath());
        QVERIFY(engine);
        const auto poll = engine.value().pollFor(u"Can I book a table for two tonight?"_s);
        QVERIFY(poll);
        QCOMPARE(poll->question, u"Happy to keep a table for you. Which time suits you today?"_s);
        QCOMPARE(poll->poll.options, (QStringList{u"12:30"_s, u"13:30"_s, u"18:00"_s, u"19:30"_s}));
        QVERIFY(!poll->poll.multipleChoice);
        QVERIFY(!engine.value().pollFor(u"how much is a latte?"_s));
        QVERIFY(!engine.value().pollFor(u"my notebook"_s)); // whole words only
    }

    void greetingWithoutName()
    {
        const auto engine = ReplyEngine::fromFile(test::rulesPath());
        QVERIFY(engine);
        QVERIFY(engine.value().replyTo(u"hola"_s, QString()).startsWith(u"Hello! Welcome"_s));
    }

    void invalidRules_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("not json") << QByteArray("{");
        QTest::newRow("no fallback") << QByteArray(R"({"shop":"x"})");
        QTest::newRow("keywords not strings")
            << QByteArray(R"({"shop":"x","fallback":"f","greeting":{"keywords":[1],"reply":"r"}})");
        QFile bundled(test::rulesPath());
        QVERIFY(bundled.open(QIODevice::ReadOnly));
        auto rules = QJsonDocument::fromJson(bundled.readAll()).object();
        auto order = rules[u"order"_s].toObject();
        order.remove(u"orders"_s);
        rules[u"order"_s] = order;
        QTest::newRow("order rule without orders") << QJsonDocument(rules).toJson();
        auto booking = rules[u"booking"_s].toObject();
        booking[u"options"_s] = QJsonArray{u"12:30"_s};
        rules[u"booking"_s] = booking;
        QTest::newRow("booking poll with one option") << QJsonDocument(rules).toJson();
    }
    void invalidRules()
    {
        QFETCH(QByteArray, json);
        const auto engine = ReplyEngine::fromJson(json);
        QVERIFY(!engine);
        QVERIFY(engine.error().message.startsWith(u"The reply rules are invalid"_s));
    }

    void missingFileIsNamed()
    {
        const auto engine = ReplyEngine::fromFile(u"/nonexistent/rules.json"_s);
        QVERIFY(!engine);
        QVERIFY(engine.error().message.contains(u"/nonexistent/rules.json"_s));
    }
};

QTEST_GUILESS_MAIN(TestReplyEngine)
#include "tst_replyengine.moc"
