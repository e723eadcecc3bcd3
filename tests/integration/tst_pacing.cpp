#include "tests/support/pairedagenttest.h"
#include "tests/support/testenv.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;
using sak::test::PairedAgentTest;

// A broadcast to 50 chats through the real agent and the simulated WhatsApp, with the pacing
// rules scaled down to seconds: the hourly cap holds the rest back, the gaps between sends
// vary (never a fixed interval), and every message is preceded by typing.
class TestPacing : public PairedAgentTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(
            startPairedAgent(StubState::Forgotten, {},
                             "[pacing]\nquiet-hours=off\nwarmup-days=0\nhourly-cap=30\n"
                             "daily-cap=1000\nper-minute=3000\nchat-per-minute=300\n"
                             "gap-min-ms=50\ngap-max-ms=800\ntyping-min-ms=20\ntyping-max-ms=80\n"
                             "typing-per-char-ms=1\n"));
    }

    void cleanupTestCase() { QCOMPARE(m_agent->terminate(), 0); }

    void broadcastRespectsCapsAndGaps()
    {
        constexpr int kChats = 50;
        constexpr int kHourlyCap = 30;
        constexpr qint64 kGapMinMs = 50;
        QJsonArray chats;
        for (int i = 0; i < kChats; ++i)
            chats.append(u"4917500%1@c.us"_s.arg(i, 5, 10, QChar(u'0')));
        QVERIFY2(m_agent->waitForLog("Job channel open", 20000), m_agent->log().constData());
        const QJsonObject created = m_stub.control(
            u"/admin/broadcasts"_s,
            QJsonDocument(QJsonObject{{u"tenantId"_s, u"e2e-shop"_s},
                                      {u"chats"_s, chats},
                                      {u"template"_s, u"Hello {name}, our new beans are in!"_s}})
                .toJson());
        QCOMPARE(created[u"jobs"_s].toInt(), kChats);

        const bool capReached = QTest::qWaitFor([&] { return sentCount() >= kHourlyCap; }, 90000);
        if (!capReached)
            m_agent->printLogTail(40);
        QVERIFY(capReached);
        QTest::qWait(3000); // the rest must wait for the next hour
        QCOMPARE(sentCount(), kHourlyCap);

        // Per chat: typing, paused, then the message (a cold chat has nothing to mark seen;
        // tst_endtoend checks "seen" before a reply).
        QList<qint64> sends;
        for (const auto chat : chats) {
            const QJsonArray activity =
                m_stub
                    .control(u"/control/activity?id="_s +
                             chat.toString().replace(u"@"_s, u"%40"_s))[u"activity"_s]
                    .toArray();
            if (activity.isEmpty())
                continue; // held back by the cap
            QStringList what;
            for (const auto a : activity)
                what.append(a[u"what"_s].toString());
            QVERIFY2(what == QStringList({u"composing"_s, u"paused"_s, u"send"_s}),
                     qPrintable(what.join(u", "_s)));
            sends.append(activity.last()[u"tMs"_s].toInteger());
        }
        QCOMPARE(sends.size(), kHourlyCap);

        // Gaps: none below the minimum (a few ms of network jitter aside), and spread out.
        std::sort(sends.begin(), sends.end());
        QList<double> gaps;
        for (qsizetype i = 1; i < sends.size(); ++i) {
            const qint64 gap = sends.at(i) - sends.at(i - 1);
            QVERIFY2(gap >= kGapMinMs - 10, qPrintable(u"a gap of %1 ms"_s.arg(gap)));
            gaps.append(double(gap));
        }
        double mean = 0;
        for (double g : gaps)
            mean += g / double(gaps.size());
        const double cv = sak::test::coefficientOfVariation(gaps);
        qInfo("%lld sends, gaps: mean %.0f ms, coefficient of variation %.2f",
              qlonglong(sends.size()), mean, cv);
        QVERIFY(cv > 0.3);
    }

private:
    int sentCount()
    {
        return int(m_stub.control(u"/control/sent"_s)[u"messages"_s].toArray().size());
    }
};

QTEST_GUILESS_MAIN(TestPacing)
#include "tst_pacing.moc"
