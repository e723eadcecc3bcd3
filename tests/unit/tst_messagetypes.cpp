#include "agent/protocol/messagetypes.h"
#include "agent/store/records.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

class TestMessageTypes : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void internationalDigits_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("digits"); // empty: refused
        QTest::newRow("plus and spaces") << u"+49 151 2345678"_s << u"491512345678"_s;
        QTest::newRow("00 and brackets") << u"0049 (151) 234-5678"_s << u"491512345678"_s;
        QTest::newRow("dots and slashes") << u"+1 415.555/0100"_s << u"14155550100"_s;
        QTest::newRow("national") << u"0151 2345678"_s << QString();
        QTest::newRow("letters") << u"+49 CALL ME"_s << QString();
        QTest::newRow("too short") << u"+49 15"_s << QString();
        QTest::newRow("too long") << u"+4915123456789012"_s << QString();
        QTest::newRow("country code 0") << u"+0151 2345678"_s << QString();
        QTest::newRow("empty") << QString() << QString();
    }

    void internationalDigits()
    {
        QFETCH(QString, typed);
        QFETCH(QString, digits);
        QCOMPARE(sak::internationalDigits(typed), digits);
    }

    void messageIdsLookLikeWhatsAppWebsAndAreUnique()
    {
        static const QRegularExpression shape(u"^3EB0[0-9A-F]{32}$"_s);
        QSet<QString> ids;
        for (int i = 0; i < 2000; ++i) {
            const QString id = newWhatsAppMessageId();
            QVERIFY2(shape.match(id).hasMatch(), qPrintable(id));
            ids.insert(id);
        }
        QCOMPARE(ids.size(), 2000);
    }

    void personChats_data()
    {
        QTest::addColumn<QString>("chatId");
        QTest::addColumn<bool>("person");
        QTest::newRow("phone") << u"491701234567@c.us"_s << true;
        QTest::newRow("linked id") << u"123456789012345@lid"_s << true;
        QTest::newRow("group") << u"120363025@g.us"_s << false;
        QTest::newRow("status") << u"status@broadcast"_s << false;
        QTest::newRow("channel") << u"1203630@newsletter"_s << false;
        QTest::newRow("empty") << QString() << false;
    }
    void personChats()
    {
        QFETCH(QString, chatId);
        QFETCH(bool, person);
        QCOMPARE(isPersonChat(chatId), person);
    }

    // Where an ack level moves an outbox item: one mapping, for the pipeline and its tests.
    void acksMoveItems_data()
    {
        QTest::addColumn<int>("ack");
        QTest::addColumn<QString>("state"); // empty: moves nothing
        QTest::newRow("error") << -1 << outbox::kFailed;
        QTest::newRow("too big") << -4 << outbox::kFailed;
        QTest::newRow("md downgrade") << -7 << outbox::kFailed;
        QTest::newRow("pending") << 0 << QString();
        QTest::newRow("server") << 1 << outbox::kSent;
        QTest::newRow("device") << 2 << outbox::kDelivered;
        QTest::newRow("read") << 3 << outbox::kRead;
        QTest::newRow("played") << 4 << outbox::kPlayed;
        QTest::newRow("to the shop's devices") << 5 << QString();
        QTest::newRow("unknown") << 9 << QString();
        QTest::newRow("below WhatsApp's") << -8 << QString();
    }
    void acksMoveItems()
    {
        QFETCH(int, ack);
        QFETCH(QString, state);
        QCOMPARE(outbox::stateForAck(ack), state);
    }

    // Each of WhatsApp's failures (-7..-1) says why; the other levels are not failures.
    void ackFailuresSayWhy_data()
    {
        QTest::addColumn<int>("ack");
        QTest::addColumn<QString>("says"); // empty: not a failure
        QTest::newRow("md downgrade") << -7 << u"too old"_s;
        QTest::newRow("inactive") << -6 << u"inactive"_s;
        QTest::newRow("unuploadable") << -5 << u"upload"_s;
        QTest::newRow("too big") << -4 << u"too large"_s;
        QTest::newRow("gone") << -3 << u"no longer"_s;
        QTest::newRow("expired") << -2 << u"expire"_s;
        QTest::newRow("error") << -1 << u"error"_s;
        QTest::newRow("pending") << 0 << QString();
        QTest::newRow("read") << 3 << QString();
        QTest::newRow("peer") << 5 << QString();
    }
    void ackFailuresSayWhy()
    {
        QFETCH(int, ack);
        QFETCH(QString, says);
        const QString failure = ackFailure(ack);
        QCOMPARE(failure.isEmpty(), says.isEmpty());
        QVERIFY2(failure.contains(says), qPrintable(failure));
    }
};

QTEST_GUILESS_MAIN(TestMessageTypes)
#include "tst_messagetypes.moc"
