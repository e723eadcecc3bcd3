// The overnight backlog: the shop PC is off while customers write; when the agent starts again,
// WhatsApp hands the page what it held, and every message reaches the cloud once, in its chat's
// order, with its original time and marked late, so the cloud can tell it from a live one.
#include "tests/support/pairedagenttest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;
using namespace sak::test;

class TestOvernight : public PairedAgentTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        // Late after 5 s (the default is 10 min), so that a short night is enough.
        QVERIFY(startPairedAgent(StubState::Forgotten, {},
                                 AgentProcess::testPacing() + "[cloud]\nlate-after=5\n"));
        QTest::qWait(7000); // the session reaches the vault before the agent stops
    }
    void cleanupTestCase() { QCOMPARE(m_agent->terminate(), 0); }

    void backlogIsRelayedOnceInOrderAndLate()
    {
        constexpr int kCustomers = 20;
        constexpr int kMessages = 200;
        // A live message first: answered, and not late.
        const QString early = m_stub.inject(u"491730099999@c.us"_s, u"latte?"_s);
        QVERIFY(QTest::qWaitFor([&] { return relayed().contains(early); }, 30000));
        QCOMPARE(relayed().value(early)[u"late"_s].toBool(), false);

        QCOMPARE(m_agent->terminate(), 0);   // closing time
        QHash<QString, QStringList> written; // chat -> message ids, in order
        QHash<QString, qint64> writtenAt;    // id -> its time (unix s), as WhatsApp stamped it
        for (int i = 0; i < kMessages; ++i) {
            const QString chat = u"4917301%1@c.us"_s.arg(i % kCustomers, 5, 10, QChar(u'0'));
            const QString id = m_stub.inject(chat, u"message %1 of the night"_s.arg(i));
            QVERIFY(!id.isEmpty());
            written[chat].append(id);
        }
        QTest::qWait(6000); // the night: longer than late-after

        QVERIFY(m_agent->start()); // morning: the session comes back from the vault
        QVERIFY2(QTest::qWaitFor([&] { return relayed().size() >= kMessages + 1; }, 120000),
                 qPrintable(u"%1 of %2 relayed"_s.arg(relayed().size() - 1).arg(kMessages)));
        QTest::qWait(2000); // and no more than that
        // The page waited for WhatsApp's offline burst to end and then said it had caught up:
        // neither its own wait nor the agent's for it ran out.
        QVERIFY(!m_agent->log().contains("its offline delivery ended"));
        QVERIFY(!m_agent->log().contains("did not finish its catch-up"));

        const QJsonArray all = m_stub.inboundAtCloud();
        QCOMPARE(all.size(), kMessages + 1); // each once
        QHash<QString, QStringList> arrived;
        for (const auto value : all) {
            const QJsonObject m = value.toObject();
            const QString id = m[u"id"_s].toString();
            if (id == early)
                continue;
            QVERIFY2(m[u"late"_s].toBool(), qPrintable(id));
            QVERIFY(m[u"t"_s].toInteger() > 0);
            arrived[m[u"chatId"_s].toString()].append(id);
        }
        QCOMPARE(arrived.size(), kCustomers);
        for (auto it = written.cbegin(); it != written.cend(); ++it)
            QCOMPARE(arrived.value(it.key()), it.value()); // in each chat's order
    }

private:
    QHash<QString, QJsonObject> relayed()
    {
        QHash<QString, QJsonObject> byId;
        for (const auto value : m_stub.inboundAtCloud())
            byId.insert(value.toObject()[u"id"_s].toString(), value.toObject());
        return byId;
    }
};

QTEST_GUILESS_MAIN(TestOvernight)
#include "tst_overnight.moc"
