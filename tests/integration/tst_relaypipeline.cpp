#include "cloudclient.h"
#include "fakesession.h"
#include "relaypipeline.h"
#include "testenv.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;
using test::customerMessage;

// The pipeline between a WhatsApp session (played by the test) and the real cloud stub over
// HTTPS on loopback.
class TestRelayPipeline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_stub = test::startStub();
        QVERIFY(m_stub);
    }

    void init()
    {
        m_session = std::make_unique<test::FakeSession>();
        m_cloud = std::make_unique<CloudClient>();
        QVERIFY(m_cloud->configure({QUrl(u"https://127.0.0.1:%1"_s.arg(m_stub->httpsPort())),
                                    test::certPath(u"ca.pem"_s),
                                    std::chrono::seconds(10),
                                    {}}));
        m_cloud->setCredentials(test::pairDevice(*m_stub, u"tenant-%1"_s.arg(++m_round)));
        m_pipeline = std::make_unique<RelayPipeline>(m_session.get(), m_cloud.get());
    }

    void cleanup()
    {
        m_pipeline.reset();
        m_cloud.reset();
        m_session.reset();
    }

    void customerMessageIsAnsweredThroughTheSession()
    {
        m_session->setState(SessionState::Connected);
        QSignalSpy relayed(m_pipeline.get(), &RelayPipeline::inboundRelayed);
        m_session->receive(
            customerMessage(u"M1"_s, u"491701234567@c.us"_s, u"how much is a latte"_s));
        QVERIFY(relayed.wait(10000));
        QTRY_COMPARE(m_session->sent.size(), 1);
        const OutboundText &text = m_session->sent.at(0);
        QCOMPARE(text.chatId, u"491701234567@c.us"_s);
        QCOMPARE(text.body, u"Latte costs 3.40 EUR."_s);
        QVERIFY(text.waMessageId.startsWith(u"3EB0"_s));
        QVERIFY(text.clientId.startsWith(u"r-"_s));
        QCOMPARE(m_stub->cloud().inbound(tenant()).size(), 1);
        QCOMPARE(m_stub->cloud().inbound(tenant()).at(0).message.id,
                 u"false_491701234567@c.us_M1"_s);
    }

    void duplicatesAndNonPersonChatsAreNotRelayed()
    {
        m_session->setState(SessionState::Connected);
        QSignalSpy relayed(m_pipeline.get(), &RelayPipeline::inboundRelayed);
        const InboundMessage message = customerMessage(u"D1"_s, u"491701234567@c.us"_s, u"hi"_s);
        m_session->receive(message);
        m_session->receive(message);
        m_session->receive(customerMessage(u"G1"_s, u"120363025@g.us"_s, u"hi group"_s));
        m_session->receive(customerMessage(u"S1"_s, u"status@broadcast"_s, u"story"_s));
        QVERIFY(relayed.wait(10000));
        QTest::qWait(300); // nothing more may arrive
        QCOMPARE(relayed.size(), 1);
        QCOMPARE(m_stub->cloud().inbound(tenant()).size(), 1);
    }

    void repliesWaitUntilWhatsAppIsConnected()
    {
        m_session->setState(SessionState::Connecting);
        QSignalSpy relayed(m_pipeline.get(), &RelayPipeline::inboundRelayed);
        m_session->receive(customerMessage(u"W1"_s, u"491701234567@c.us"_s, u"hello"_s));
        QVERIFY(relayed.wait(10000));
        QCOMPARE(m_session->sent.size(), 0);
        QCOMPARE(m_pipeline->outboundBacklog(), 1);
        m_session->setState(SessionState::Connected);
        QTRY_COMPARE(m_session->sent.size(), 1);
        QTRY_COMPARE(m_pipeline->outboundBacklog(), 0);
    }

    void acksAreReportedToTheCloudOnceEach()
    {
        m_session->setState(SessionState::Connected);
        m_session->receive(customerMessage(u"K1"_s, u"491701234567@c.us"_s, u"espresso?"_s));
        QTRY_COMPARE_WITH_TIMEOUT(m_session->sent.size(), 1, 10000);
        const QString id = m_session->sent.at(0).waMessageId;
        QSignalSpy states(m_pipeline.get(), &RelayPipeline::deliveryStateChanged);
        m_session->ack(id, 1);
        m_session->ack(id, 1); // repeated
        m_session->ack(id, 2);
        m_session->ack(id, 1); // late, out of order
        m_session->ack(id, 3);
        m_session->ack(u"3EB0NOTOURS"_s, 3);
        QTRY_COMPARE(m_stub->cloud().statusReports(tenant()).size(), 3);
        QStringList reported;
        for (const auto &r : m_stub->cloud().statusReports(tenant())) {
            QCOMPARE(r.waMessageId, id);
            QCOMPARE(r.clientId, m_session->sent.at(0).clientId);
            reported.append(r.state);
        }
        // Each state once; the reports travel in parallel, so they may arrive in any order (the
        // protocol orders states, and the cloud keeps the furthest).
        reported.sort();
        QCOMPARE(reported, QStringList({u"delivered"_s, u"read"_s, u"sent"_s}));
        QCOMPARE(states.size(), 3);
    }

    void failedSendIsReportedAndNotRepeated()
    {
        m_session->setState(SessionState::Connected);
        m_session->autoConfirm = false;
        m_session->receive(customerMessage(u"F1"_s, u"491701234567@c.us"_s, u"hours?"_s));
        QTRY_COMPARE_WITH_TIMEOUT(m_session->sent.size(), 1, 10000);
        m_session->finish(m_session->sent.at(0).waMessageId, false, u"chat not found"_s);
        QTRY_COMPARE(m_stub->cloud().statusReports(tenant()).size(), 1);
        QCOMPARE(m_stub->cloud().statusReports(tenant()).at(0).state, u"failed"_s);
        QCOMPARE(m_stub->cloud().statusReports(tenant()).at(0).detail, u"chat not found"_s);
        QTest::qWait(200);
        QCOMPARE(m_session->sent.size(), 1);
    }

    void repliesAreSentOneAtATimeInOrder()
    {
        m_session->setState(SessionState::Connected);
        m_session->autoConfirm = false;
        m_session->receive(customerMessage(u"O1"_s, u"491701234567@c.us"_s, u"espresso"_s));
        m_session->receive(customerMessage(u"O2"_s, u"491701234567@c.us"_s, u"latte"_s));
        QTRY_COMPARE_WITH_TIMEOUT(m_session->sent.size(), 1, 10000);
        QTRY_COMPARE(m_pipeline->outboundBacklog(), 2); // one in flight, one waiting
        QCOMPARE(m_session->sent.size(), 1);
        QCOMPARE(m_session->sent.at(0).body, u"Espresso costs 2.20 EUR."_s);
        m_session->finish(m_session->sent.at(0).waMessageId, true);
        QTRY_COMPARE(m_session->sent.size(), 2);
        QCOMPARE(m_session->sent.at(1).body, u"Latte costs 3.40 EUR."_s);
    }

    void cloudOutageIsRetriedThenGivenUp()
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 port = closed.serverPort();
        closed.close();
        QVERIFY(m_cloud->configure({QUrl(u"https://127.0.0.1:%1"_s.arg(port)),
                                    test::certPath(u"ca.pem"_s),
                                    std::chrono::seconds(5),
                                    {}}));
        m_pipeline->setRetryPolicy(
            {std::chrono::milliseconds(5), std::chrono::milliseconds(20), 3});
        m_session->setState(SessionState::Connected);
        QSignalSpy failed(m_pipeline.get(), &RelayPipeline::inboundFailed);
        m_session->receive(customerMessage(u"X1"_s, u"491701234567@c.us"_s, u"hi"_s));
        QCOMPARE(m_pipeline->inboundBacklog(), 1);
        QVERIFY(failed.wait(10000));
        QCOMPARE(failed.at(0).at(0).toString(), u"false_491701234567@c.us_X1"_s);
        QCOMPARE(failed.at(0).at(1).value<Error>().code, u"network"_s);
        QCOMPARE(m_pipeline->inboundBacklog(), 0);
    }

    void aFailingChatDoesNotHoldUpOthers()
    {
        // The first chat's message is refused by the cloud (it is too long for the protocol),
        // the second chat's goes through while the first is still being retried.
        m_pipeline->setRetryPolicy(
            {std::chrono::milliseconds(200), std::chrono::milliseconds(200), 50});
        m_session->setState(SessionState::Connected);
        InboundMessage bad = customerMessage(u"P1"_s, u"491700000001@c.us"_s, u"x"_s);
        bad.senderName = QString(300, u'n'); // over the protocol's 256-character limit
        QSignalSpy relayed(m_pipeline.get(), &RelayPipeline::inboundRelayed);
        m_session->receive(bad);
        m_session->receive(customerMessage(u"P2"_s, u"491700000002@c.us"_s, u"croissant"_s));
        QVERIFY(relayed.wait(10000));
        QCOMPARE(relayed.at(0).at(0).toString(), u"false_491700000002@c.us_P2"_s);
        QCOMPARE(m_pipeline->inboundBacklog(), 1);
    }

    void theCloudsRetryAfterIsObeyed()
    {
        // Our own back-off would wait a minute; the server says one second, and that is used.
        m_pipeline->setRetryPolicy({std::chrono::seconds(60), std::chrono::seconds(60), 5});
        m_session->setState(SessionState::Connected);
        m_stub->injectFault(429, 1, 1);
        QSignalSpy relayed(m_pipeline.get(), &RelayPipeline::inboundRelayed);
        m_session->receive(customerMessage(u"R1"_s, u"491701234567@c.us"_s, u"latte?"_s));
        QVERIFY(relayed.wait(15000));
        QCOMPARE(m_stub->cloud().inbound(tenant()).size(), 1);
    }

    void retryDelaysStayWithinTheirCeiling()
    {
        const RetryPolicy policy{std::chrono::milliseconds(100), std::chrono::milliseconds(1000),
                                 5};
        for (int attempt = 0; attempt < 8; ++attempt) {
            const qint64 ceiling = std::min<qint64>(1000, 100LL << attempt);
            for (int i = 0; i < 200; ++i) {
                const auto d = policy.delayFor(attempt).count();
                QVERIFY(d >= 0 && d <= ceiling);
            }
        }
    }

private:
    QString tenant() const { return u"tenant-%1"_s.arg(m_round); }

    std::unique_ptr<stub::StubServer> m_stub;
    std::unique_ptr<test::FakeSession> m_session;
    std::unique_ptr<CloudClient> m_cloud;
    std::unique_ptr<RelayPipeline> m_pipeline;
    int m_round = 0;
};

QTEST_GUILESS_MAIN(TestRelayPipeline)
#include "tst_relaypipeline.moc"
