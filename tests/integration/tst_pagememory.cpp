#include "tests/support/pairedagenttest.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;
using sak::test::AgentProcess;
using sak::test::PairedAgentTest;

namespace {
constexpr qint64 kMb = 1024 * 1024;
constexpr int kMessages = 40; // during the leak, one every 150 ms over 10 chats
} // namespace

// The memory watchdog through the real page: a paired sak-agent --headless with its
// QtWebEngine page on the simulator, whose page is made to leak real memory. With a ceiling a
// little above this machine's renderer, a leak makes the agent reload the page once, while
// customers keep writing: at a moment when the page holds no send, with nothing lost and
// nothing sent twice, logged, counted and told to the cloud. A leak that comes back right
// after the reload is reported as unhealthy instead of reloaded again.
class TestPageMemory : public PairedAgentTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        // The first start learns what the simulator's page weighs on this machine.
        QVERIFY(startStub());
        QVERIFY(makeAgent({u"--status-port"_s, u"0"_s},
                          AgentProcess::testPacing() + "[whatsapp]\nmemory-check-every=1\n"));
        QVERIFY(m_agent->startAndScan());
        qint64 baseline = 0;
        for (int i = 0; i < 4; ++i) { // the page settles after it connects
            QVERIFY2(QTest::qWaitFor([&] { return rendererBytes() > 0; }, 20000),
                     metrics().constData());
            baseline = std::max(baseline, rendererBytes());
            QTest::qWait(1000);
        }
        QVERIFY2(baseline > 20 * kMb, qPrintable(QString::number(baseline)));
        QCOMPARE(m_agent->terminate(), 0);

        // Then the agent again, with a ceiling 150 MB above that, looking every second, and
        // typing each reply for a while, so that the leak finds a reply on its way to the page.
        m_ceilingMb = std::max<qint64>(200, baseline / kMb + 150);
        qInfo("renderer baseline %lld MB, ceiling %lld MB", baseline / kMb, m_ceilingMb);
        QFile ini(m_dir.filePath(u"data.ini"_s));
        QVERIFY(ini.open(QIODevice::WriteOnly | QIODevice::Truncate));
        ini.write(AgentProcess::testPacing() + "typing-min-ms=300\ntyping-max-ms=600\n" +
                  "[whatsapp]\nmemory-check-every=1\nmemory-regrow-within=600\n"
                  "memory-ceiling-mb=" +
                  QByteArray::number(m_ceilingMb) + '\n');
        ini.close();
        QVERIFY(m_agent->start());
        QVERIFY2(m_agent->waitForLog("-> connected", 60000),
                 m_agent->log().right(3000).constData());
        QVERIFY(QTest::qWaitFor([&] { return rendererBytes() > 0; }, 20000));
        const QByteArray ceiling =
            "sak_page_memory_ceiling_bytes " + QByteArray::number(m_ceilingMb * kMb) + '\n';
        QVERIFY2(metrics().contains(ceiling), metrics().constData());
    }

    void aLeakingPageIsReloadedOnceAtAQuietMoment()
    {
        // Customers write steadily; the page leaks in the middle of it.
        int injected = 0;
        int leaked = 0; // pages told to leak
        QTimer customers;
        connect(&customers, &QTimer::timeout, this, [&] {
            if (injected == kMessages / 2)
                leaked = m_stub.control(u"/control/leak"_s, R"({"mb": 300})")[u"pages"_s].toInt();
            if (injected < kMessages)
                inject(injected++);
        });
        customers.start(150);
        QVERIFY2(m_agent->waitForLog("Reloading WhatsApp Web", 60000),
                 m_agent->log().right(4000).constData());
        const qsizetype reloadAt = m_agent->log().indexOf("Reloading WhatsApp Web");
        QVERIFY(QTest::qWaitFor([&] { return injected == kMessages; }, 30000));
        customers.stop();
        QVERIFY(leaked >= 1); // the page of the first start may still count as paired

        // The page connects again, comes back down (the old page's memory is freed), and every
        // customer has the answer, once.
        QVERIFY2(QTest::qWaitFor(
                     [&] { return m_agent->log().indexOf("-> connected", reloadAt) > 0; }, 60000),
                 m_agent->log().mid(reloadAt).constData());
        QVERIFY2(m_agent->waitForLog("After its reload the WhatsApp page uses", 60000),
                 m_agent->log().right(3000).constData());
        QJsonArray sent;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         sent = m_stub.control(u"/control/sent"_s)[u"messages"_s].toArray();
                         return sent.size() >= kMessages;
                     },
                     90000),
                 qPrintable(u"%1 of %2 answers"_s.arg(sent.size()).arg(kMessages)));
        QTest::qWait(2000); // nothing more comes
        sent = m_stub.control(u"/control/sent"_s)[u"messages"_s].toArray();
        QCOMPARE(sent.size(), kMessages);
        QSet<QString> chats;
        QSet<QString> ids;
        for (const auto m : std::as_const(sent)) {
            QCOMPARE(m[u"sendCount"_s].toInt(), 1);
            ids.insert(m[u"id"_s].toString());
            chats.insert(m[u"chatId"_s].toString());
        }
        QCOMPARE(ids.size(), kMessages);
        QCOMPARE(chats.size(), 10);

        // The reload came when the page held no send: every send handed to the page before it
        // had been answered by then.
        const QString before = QString::fromUtf8(m_agent->log().left(reloadAt));
        static const QRegularExpression handed(u"\\[4 sending\\] \\S+ \\S+ to \\S+ as (\\S+)"_s);
        int handedBefore = 0;
        for (auto it = handed.globalMatch(before); it.hasNext(); ++handedBefore) {
            const QString id = it.next().captured(1);
            QVERIFY2(before.contains(u"[5 sent] the page took "_s + id),
                     qPrintable(u"%1 was in the page when it was reloaded"_s.arg(id)));
        }
        QVERIFY2(handedBefore > 0, "the leak came before any send: nothing was checked");
        // A reply that was being typed went back to the queue (and out to the reloaded page).
        qInfo("a typed reply was put back for the reload: %s",
              before.contains(u"held back for a reload"_s) ? "yes" : "no");
        QVERIFY(before.contains(u"Sending is held for a reload of the WhatsApp page"_s));
        QVERIFY(m_agent->log().contains("Sending resumes after the page's reload"));

        // Logged once, counted, and told to the cloud.
        QCOMPARE(m_agent->log().count("Reloading WhatsApp Web"), 1);
        QVERIFY2(metrics().contains("sak_page_reloads_total{reason=\"memory\"} 1\n"),
                 metrics().constData());
        QVERIFY(
            QTest::qWaitFor([&] { return heartbeat()[u"memoryReloads"_s].toInt() == 1; }, 90000));
        QCOMPARE(heartbeat()[u"memoryCeilingMb"_s].toInteger(), m_ceilingMb);
        QVERIFY(heartbeat()[u"rendererMb"_s].toInteger() > 0);
        QCOMPARE(status()[u"state"_s].toString(), u"connected"_s);
    }

    // The same leak again, right after the reload: the agent says so instead of reloading the
    // page in a loop, and the shop's messages still go.
    void aPageThatGrowsBackIsReportedNotReloaded()
    {
        QVERIFY(m_stub.control(u"/control/leak"_s, R"({"mbPerPoll": 5})").contains(u"mbPerPoll"_s));
        QVERIFY2(m_agent->waitForLog("grew back to", 60000),
                 m_agent->log().right(3000).constData());
        QJsonObject now;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         now = status();
                         return now[u"state"_s].toString() == u"unhealthy"_s;
                     },
                     20000),
                 QJsonDocument(now).toJson().constData());
        const QString health = now[u"health"_s].toString();
        QVERIFY2(health.contains(u"grew back to"_s) && health.contains(u"Restart the agent"_s),
                 qPrintable(health));
        QCOMPARE(now[u"session"_s].toString(), u"connected"_s);
        QVERIFY(QTest::qWaitFor(
            [&] { return heartbeat()[u"health"_s].toString().contains(u"grew back to"_s); },
            30000));
        QTest::qWait(3000); // three more looks: still no reload
        QCOMPARE(m_agent->log().count("Reloading WhatsApp Web"), 1);
        QVERIFY(metrics().contains("sak_page_reloads_total{reason=\"memory\"} 1\n"));
        QVERIFY(m_stub.control(u"/control/leak"_s, R"({"mbPerPoll": 0})").contains(u"mbPerPoll"_s));

        inject(kMessages);
        QVERIFY(QTest::qWaitFor(
            [&] {
                return m_stub.control(u"/control/sent"_s)[u"messages"_s].toArray().size() ==
                       kMessages + 1;
            },
            60000));
    }

    void cleanupTestCase()
    {
        if (m_agent)
            QCOMPARE(m_agent->terminate(), 0);
    }

private:
    void inject(int i)
    {
        m_stub.control(u"/control/inject"_s,
                       QJsonDocument(QJsonObject{{u"chatId"_s, u"4917633000%1@c.us"_s.arg(i % 10)},
                                                 {u"body"_s, u"how much is a latte? %1"_s.arg(i)}})
                           .toJson());
    }

    QByteArray metrics()
    {
        QByteArray output;
        return m_agent->runCommand({u"--metrics"_s}, &output) == 0 ? output : QByteArray();
    }

    qint64 rendererBytes()
    {
        static const QRegularExpression gauge(u"^sak_page_renderer_bytes (\\d+)$"_s,
                                              QRegularExpression::MultilineOption);
        const auto match = gauge.match(QString::fromUtf8(metrics()));
        return match.hasMatch() ? match.captured(1).toLongLong() : -1;
    }

    QJsonObject status()
    {
        QByteArray output;
        m_agent->runCommand({u"--status"_s}, &output);
        return QJsonDocument::fromJson(output.mid(output.indexOf('{'))).object();
    }

    // What the cloud last heard from this agent.
    QJsonObject heartbeat()
    {
        return m_stub.control(u"/admin/agents?tenant=e2e-shop"_s)[u"agents"_s]
            .toArray()
            .at(0)
            .toObject();
    }

    qint64 m_ceilingMb = 0;
};

QTEST_GUILESS_MAIN(TestPageMemory)
#include "tst_pagememory.moc"
