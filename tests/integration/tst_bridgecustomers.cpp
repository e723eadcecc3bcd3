// What today's WhatsApp brings a shop, through the real engine, the real wa-js and the
// simulator: the account's presence (and, as they come, LID customers, placeholders, polls and
// calls). Each test has its own browser profile, as each shop PC does.
#include "tests/support/testenv.h"
#include "tests/support/webenginetestmain.h"
#include "tests/support/websession.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

class TestBridgeCustomers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_stub = test::startStub();
        QVERIFY(m_stub);
    }

    void init() { ++m_count; }

    // WhatsApp marks the account online while its page is open, and a linked device that keeps
    // it online silences the owner's phone: by default the agent keeps it unavailable, through
    // pairing, seen, typing and sending; `appear-online = true` lets it show online.
    void accountAppearsOnlineOnlyWhenAsked_data()
    {
        QTest::addColumn<bool>("appearOnline");
        QTest::newRow("default: never online") << false;
        QTest::newRow("appear-online = true") << true;
    }
    void accountAppearsOnlineOnlyWhenAsked()
    {
        QFETCH(bool, appearOnline);
        const qsizetype before = m_stub->simulator().presenceLog().size();
        test::WebSession s(test::simulatorUrl(*m_stub), name());
        s.bridge->setAppearOnline(appearOnline);
        // Shown, as in the desktop's window and on the kiosk: WhatsApp itself then marks the
        // account online.
        QVERIFY(s.pair(*m_stub, true));
        QCOMPARE(s.evaluate(u"document.visibilityState"_s), u"visible"_s);

        const QString chat = u"491701230077@c.us"_s;
        QSignalSpy received(s.bridge.get(), &WhatsAppSession::messageReceived);
        QVERIFY(m_stub->simulator().inject({{u"chatId"_s, chat}, {u"body"_s, u"Anyone there?"_s}}));
        QVERIFY(received.wait(10000));
        QSignalSpy finished(s.bridge.get(), &WhatsAppSession::sendFinished);
        s.bridge->markSeen(chat);
        s.bridge->setTyping(chat, true);
        s.bridge->sendText({u"r-presence"_s, chat, u"Yes, we are."_s, newWhatsAppMessageId()});
        QVERIFY(finished.wait(10000));
        QVERIFY(QTest::qWaitFor([&] { return m_stub->simulator().activityIn(chat).size() >= 2; },
                                10000));

        // What the page told WhatsApp's servers of the account's presence, since it opened.
        QVERIFY(QTest::qWaitFor([&] { return m_stub->simulator().presenceLog().size() > before; },
                                10000));
        const QJsonArray log = m_stub->simulator().presenceLog();
        QList<bool> sent;
        for (qsizetype i = before; i < log.size(); ++i)
            sent.append(log.at(i).toObject().value(u"available"_s).toBool());
        QCOMPARE(sent.contains(true), appearOnline);
        QCOMPARE(sent.last(), appearOnline);
        QCOMPARE(s.evaluate(u"String(require('WAWebStreamModel').Stream.available)"_s),
                 appearOnline ? u"true"_s : u"false"_s);
    }

    // The setting follows at once (the settings window saves it), without a reload.
    void appearOnlineChangesWhileRunning()
    {
        const qsizetype before = m_stub->simulator().presenceLog().size();
        test::WebSession s(test::simulatorUrl(*m_stub), name());
        QVERIFY(s.pair(*m_stub, true));
        s.bridge->setAppearOnline(true);
        QVERIFY(QTest::qWaitFor(
            [&] {
                const QJsonArray log = m_stub->simulator().presenceLog();
                return log.size() > before && log.last().toObject().value(u"available"_s).toBool();
            },
            10000));
        s.bridge->setAppearOnline(false);
        QVERIFY(QTest::qWaitFor(
            [&] {
                return !m_stub->simulator()
                            .presenceLog()
                            .last()
                            .toObject()
                            .value(u"available"_s)
                            .toBool();
            },
            10000));
    }

private:
    QString name() const { return u"customers-%1"_s.arg(m_count); }

    std::unique_ptr<stub::StubServer> m_stub;
    int m_count = 0;
};

SAK_WEBENGINE_TEST_MAIN(TestBridgeCustomers, QGuiApplication, true)
#include "tst_bridgecustomers.moc"
