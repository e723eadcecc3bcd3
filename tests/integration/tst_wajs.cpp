#include "bridge/pagescripts.h"
#include "bridge/profilemanager.h"
#include "bridge/requestpolicy.h"
#include "bridge/whatsapppage.h"
#include "tests/support/pagescript.h"
#include "tests/support/testenv.h"
#include "tests/support/webenginetestmain.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QWebEngineProfile>
#include <QWebEngineScript>
#include <QWebEngineScriptCollection>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

// The check that the simulator tells the truth about the real page: the pinned wa-js bundle,
// alone (with its settings, without our adapter), made to be injected into the real WhatsApp
// Web, must reach ready on the simulator, receive, send under a chosen id, see acks and log
// out, through nothing but WPP's public API.
class TestWaJs : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_stub = test::startStub();
        QVERIFY(m_stub);
        m_profiles = std::make_unique<ProfileManager>(QString());
        QWebEngineProfile *profile = m_profiles->profile(u"wajs"_s, m_dir.path());
        // Counts what the page tries to send elsewhere (the agent's own policy, here a witness).
        m_requests = std::make_unique<RequestPolicy>(waUrl());
        profile->setUrlRequestInterceptor(m_requests.get());
        m_page = std::make_unique<WhatsAppPage>(profile, QList<QUrl>{waUrl()});
        m_page->scripts().insert(
            pagescripts::documentScript(u"wa-js settings"_s, pagescripts::libraryConfigSource()));
        m_page->scripts().insert(
            pagescripts::documentScript(u"wa-js"_s, pagescripts::librarySource()));
        m_page->load(waUrl());
    }

    void cleanupTestCase()
    {
        m_page.reset();
        m_profiles->profile(u"wajs"_s, m_dir.path())->setUrlRequestInterceptor(nullptr);
        m_profiles.reset();
    }

    // On the QR screen wa-js is fully ready (it counts the QR stream mode as ready), not
    // authenticated, and builds the QR text from the page's keys: ref and three keys.
    void readyOnTheQrScreen()
    {
        QTRY_COMPARE_WITH_TIMEOUT(eval(u"typeof WPP === 'object' && WPP.isFullReady"_s), u"true"_s,
                                  30000);
        QCOMPARE(eval(u"WPP.conn.isAuthenticated()"_s), u"false"_s);
        QCOMPARE(eval(u"String(WPP.conn.isMainReady())"_s), u"true"_s);
        const QJsonObject code = test::settle(m_page.get(), u"WPP.conn.getAuthCode()"_s);
        QVERIFY2(code[u"ok"_s].toBool(), qPrintable(code[u"error"_s].toString()));
        const QString full = code[u"value"_s][u"fullCode"_s].toString();
        QCOMPARE(full.split(u',').size(), 4);
        QVERIFY2(full.startsWith(u"2@"_s), qPrintable(full));
        // What the settings switched off stays off.
        QCOMPARE(eval(u"String(WPP.config.disableGoogleAnalytics)"_s), u"true"_s);
        QCOMPARE(eval(u"JSON.stringify(WPP.config.linkPreviewApiServers)"_s), u"[]"_s);
    }

    // Scanning logs the page in: conn.authenticated, and the phone lists the device under the
    // name the settings gave, not "WPPConnect".
    void authenticatesWhenScanned()
    {
        eval(u"window.__events = []; for (const e of ['conn.authenticated', 'conn.logout', "
             u"'conn.logout_reason']) WPP.on(e, () => window.__events.push(e)); 0"_s);
        QVERIFY(m_stub->simulator().scan());
        QTRY_COMPARE_WITH_TIMEOUT(eval(u"WPP.conn.isAuthenticated()"_s), u"true"_s, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(
            eval(u"window.__events.join()"_s).contains(u"conn.authenticated"_s), 10000);
        QCOMPARE(eval(u"WPP.conn.getMyUserId().toString()"_s), m_stub->simulator().businessWid());
        QTRY_VERIFY_WITH_TIMEOUT(deviceNames().contains(u"SAK Desktop Agent"_s), 10000);
        // Nothing was held for the new device: its offline delivery ends right away.
        QTRY_COMPARE_WITH_TIMEOUT(
            eval(u"String(WPP.whatsapp.BackendEventBus.isOfflineDeliveryEnd)"_s), u"true"_s, 10000);
    }

    // A customer writes from a LID chat (2026 message keys: no _serialized, toString() gives
    // the key); wa-js hands the message over with its key and its body.
    void receivesAMessageInALidChat()
    {
        eval(u"window.__messages = []; WPP.on('chat.new_message', (m) => window.__messages.push("
             u"{id: String(m.id), body: m.body, fromMe: m.id.fromMe})); 0"_s);
        QVERIFY(m_stub->simulator().inject({{u"chatId"_s, kLid},
                                            {u"phone"_s, kPhone},
                                            {u"id"_s, u"3AWAJS0001"_s},
                                            {u"body"_s, u"do you deliver?"_s}}));
        QTRY_VERIFY_WITH_TIMEOUT(
            eval(u"JSON.stringify(window.__messages)"_s).contains(u"do you deliver?"_s), 10000);
        const QJsonArray got =
            QJsonDocument::fromJson(
                eval(u"JSON.stringify(window.__messages.filter((m) => !m.fromMe))"_s).toUtf8())
                .array();
        QCOMPARE(got.size(), 1);
        QCOMPARE(got.at(0)[u"id"_s].toString(), u"false_%1_3AWAJS0001"_s.arg(kLid));
        // The number behind the LID, as WhatsApp told the page.
        const QJsonObject entry =
            test::settle(m_page.get(), u"WPP.contact.getPnLidEntry('%1')"_s.arg(kLid));
        QVERIFY2(entry[u"ok"_s].toBool(), qPrintable(entry[u"error"_s].toString()));
        QCOMPARE(entry[u"value"_s][u"phoneNumber"_s][u"_serialized"_s].toString(), kPhone);
    }

    // Sent under the id the sender chose; a phone number whose LID is known is sent in the LID
    // chat; the message can be found by its key afterwards; delivered and read acks arrive.
    void sendsUnderAChosenIdAndSeesAcks()
    {
        eval(u"window.__acks = []; WPP.on('chat.msg_ack_change', (e) => window.__acks.push("
             u"{ack: e.ack, ids: e.ids.map((key) => key.id)})); 0"_s);
        const QJsonObject chat = test::settle(m_page.get(), u"WPP.chat.find('%1')"_s.arg(kPhone));
        QVERIFY2(chat[u"ok"_s].toBool(), qPrintable(chat[u"error"_s].toString()));
        const QString key = u"true_%1_3EB0WAJS0000000000000000000001"_s.arg(kLid);
        const QJsonObject sent = test::settle(
            m_page.get(),
            u"WPP.chat.sendTextMessage('%1', 'Yes, every day.', {messageId: '%2'})"_s.arg(kLid,
                                                                                          key));
        QVERIFY2(sent[u"ok"_s].toBool(), qPrintable(sent[u"error"_s].toString()));
        QCOMPARE(sent[u"value"_s][u"id"_s].toString(), key);
        QCOMPARE(sent[u"value"_s][u"ack"_s].toInt(), 1);
        const QJsonArray inChat = m_stub->simulator().chat(kLid);
        QCOMPARE(inChat.last()[u"id"_s].toString(), u"3EB0WAJS0000000000000000000001"_s);
        QCOMPARE(inChat.last()[u"body"_s].toString(), u"Yes, every day."_s);

        const QJsonObject found = test::settle(
            m_page.get(), u"WPP.chat.getMessageById('%1').then((m) => m.body)"_s.arg(key));
        QVERIFY2(found[u"ok"_s].toBool(), qPrintable(found[u"error"_s].toString()));
        QCOMPARE(found[u"value"_s].toString(), u"Yes, every day."_s);

        QTRY_VERIFY_WITH_TIMEOUT(ackSeen(2, u"3EB0WAJS0000000000000000000001"_s), 10000);
        QVERIFY(m_stub->simulator().markRead(kLid));
        QTRY_VERIFY_WITH_TIMEOUT(ackSeen(3, u"3EB0WAJS0000000000000000000001"_s), 10000);
    }

    // A phone number: wa-js's chat lookup lands in the person's LID chat when WhatsApp knows
    // it, so the key must be built on the chat it returns.
    void aPhoneNumberIsSentToInItsLidChat()
    {
        const QJsonObject chat = test::settle(
            m_page.get(), u"WPP.chat.find('%1').then((c) => c.id.toString())"_s.arg(kPhone));
        QVERIFY2(chat[u"ok"_s].toBool(), qPrintable(chat[u"error"_s].toString()));
        QCOMPARE(chat[u"value"_s].toString(), kLid);
        const QJsonObject refused = test::settle(
            m_page.get(),
            u"WPP.chat.sendTextMessage('%1', 'x', {messageId: 'true_%1_3EB0WAJSX'})"_s.arg(kPhone));
        QVERIFY(!refused[u"ok"_s].toBool());
        QVERIFY2(refused[u"error"_s].toString().contains(u"not same of chat"_s),
                 qPrintable(refused[u"error"_s].toString()));
    }

    // Poll votes come as rows of the votes table (not as messages): wa-js hands them over with
    // the options chosen, for the poll the shop sent.
    void pollVotesArrive()
    {
        eval(
            u"window.__votes = []; WPP.on('chat.poll_response', (v) => window.__votes.push("
            u"{poll: v.msgId.id, chosen: v.selectedOptions.filter(Boolean).map((o) => o.name)})); 0"_s);
        const auto poll = m_stub->simulator().poll(
            {{u"chatId"_s, kLid},
             {u"name"_s, u"Pick-up time?"_s},
             {u"options"_s, QJsonArray{u"9-12"_s, u"12-15"_s, u"15-18"_s}}});
        QVERIFY(poll);
        const QString pollId = poll.value()[u"id"_s].toString();
        QTRY_VERIFY_WITH_TIMEOUT(
            test::settle(m_page.get(),
                         u"WPP.chat.getMessageById('true_%1_%2').then((m) => m.type)"_s.arg(
                             kLid, pollId))[u"value"_s]
                    .toString() == u"poll_creation"_s,
            10000);
        QVERIFY(m_stub->simulator().vote({{u"pollId"_s, pollId}, {u"options"_s, QJsonArray{1}}}));
        QTRY_COMPARE_WITH_TIMEOUT(eval(u"JSON.stringify(window.__votes)"_s),
                                  uR"([{"poll":"%1","chosen":["12-15"]}])"_s.arg(pollId), 10000);
    }

    // View-once media on a linked device: a placeholder that never decrypts, handed over as
    // what it is.
    void placeholdersArriveAsPlaceholders()
    {
        QVERIFY(
            m_stub->simulator().inject({{u"chatId"_s, kLid},
                                        {u"id"_s, u"3AWAJS0002"_s},
                                        {u"body"_s, u"(a photo, view once)"_s},
                                        {u"placeholder"_s, u"view_once_unavailable_fanout"_s}}));
        QTRY_VERIFY_WITH_TIMEOUT(
            eval(u"JSON.stringify(window.__messages)"_s).contains(u"3AWAJS0002"_s), 10000);
        QCOMPARE(
            test::settle(m_page.get(), u"WPP.chat.getMessageById('false_%1_3AWAJS0002').then("
                                       u"(m) => m.type + ' ' + m.subtype)"_s.arg(kLid))[u"value"_s]
                .toString(),
            u"ciphertext view_once_unavailable_fanout"_s);
    }

    // A device whose connection dropped gets what WhatsApp held for it meanwhile as the offline
    // burst: the delivery state is reset at the reconnect, the messages come as new ones in
    // batches, each chat's in order, with progress (Cmd offline_progress_update_from_bridge)
    // after each batch, and then BackendEventBus says that the offline delivery ended.
    void heldMessagesArriveAsAnOfflineBurst()
    {
        // Nothing from the tests before is still on its way to the page.
        QTRY_VERIFY_WITH_TIMEOUT(allDelivered(), 10000);
        eval(uR"((() => {
            window.__burst = {backend: [], progress: [], received: []};
            const held = () => WPP.whatsapp.MsgStore.getModelsArray()
                .filter((m) => /^3AWAJSB/.test(m.id.id)).length;
            WPP.on('conn.backend_event', (name) => window.__burst.backend.push(
                name + ' ' + WPP.whatsapp.BackendEventBus.isOfflineDeliveryEnd));
            WPP.whatsapp.Cmd.on('offline_progress_update_from_bridge',
                (percent) => window.__burst.progress.push([percent, held()]));
            WPP.on('chat.new_message', (m) => {
                if (/^3AWAJSB/.test(m.id.id)) window.__burst.received.push(String(m.id));
            });
        })(); 0)"_s);

        QVERIFY(m_stub->simulator().dropConnections());
        constexpr int kHeld = 120;           // batches of 50, 50 and 20
        QHash<QString, QStringList> written; // chat -> keys, in order
        for (int i = 0; i < kHeld; ++i) {
            const QString chat = u"49170124000%1@c.us"_s.arg(i % 3);
            const QString id = u"3AWAJSB%1"_s.arg(i, 3, 10, QChar(u'0'));
            QVERIFY(m_stub->simulator().inject(
                {{u"chatId"_s, chat}, {u"id"_s, id}, {u"body"_s, u"held %1"_s.arg(i)}}));
            written[chat].append(u"false_%1_%2"_s.arg(chat, id));
        }
        QTRY_VERIFY_WITH_TIMEOUT(
            eval(u"window.__burst.backend.join()"_s).contains(u"offline_delivery_end"_s), 15000);
        QCOMPARE(eval(u"String(WPP.whatsapp.BackendEventBus.isOfflineDeliveryEnd)"_s), u"true"_s);

        const QJsonObject burst =
            QJsonDocument::fromJson(eval(u"JSON.stringify(window.__burst)"_s).toUtf8()).object();
        QStringList backend;
        for (const auto &name : burst[u"backend"_s].toArray())
            backend.append(name.toString());
        const qsizetype reset = backend.indexOf(u"offline_delivery_state_reset false"_s);
        QVERIFY2(reset >= 0 && backend.indexOf(u"offline_delivery_end true"_s) > reset,
                 qPrintable(backend.join(u", "_s)));
        // [percent, how many of the held messages were in the page]: each batch whole at once.
        QCOMPARE(burst[u"progress"_s].toArray(),
                 (QJsonArray{QJsonArray{42, 50}, QJsonArray{83, 100}, QJsonArray{100, 120}}));
        QHash<QString, QStringList> received;
        for (const auto &key : burst[u"received"_s].toArray())
            received[key.toString().section(u'_', 1, 1)].append(key.toString());
        QCOMPARE(received, written);
    }

    // With its settings, wa-js sends nothing to a third party: no analytics (though it logged
    // in and sent), no link-preview servers (though a message carried a link and asked for a
    // preview, which WhatsApp's own code built).
    void reachesNoThirdParty()
    {
        const QJsonObject sent = test::settle(
            m_page.get(), u"WPP.chat.sendTextMessage('%1', 'Our menu: https://example.org/menu', "
                          u"{messageId: 'true_%1_3EB0WAJS0000000000000000000002', linkPreview: "
                          u"true}).then((r) => WPP.chat.getMessageById(r.id)).then((m) => "
                          u"m.subtype)"_s.arg(kLid));
        QVERIFY2(sent[u"ok"_s].toBool(), qPrintable(sent[u"error"_s].toString()));
        QCOMPARE(sent[u"value"_s].toString(), u"url"_s);
        // A preview fetched from a server is awaited before the send settles; analytics of the
        // login went out (or not) seconds ago.
        QCOMPARE(m_requests->blockedCount(), 0u);
    }

    // Logging out from the computer: WPP.conn.logout() settles, the phone forgets the device.
    void logsOut()
    {
        const QJsonObject out = test::settle(m_page.get(), u"WPP.conn.logout()"_s);
        QVERIFY2(out[u"ok"_s].toBool(), qPrintable(out[u"error"_s].toString()));
        QTRY_VERIFY_WITH_TIMEOUT(!m_stub->simulator().state()[u"paired"_s].toBool(), 10000);
    }

private:
    static inline const QString kLid = u"102030405060708@lid"_s;
    static inline const QString kPhone = u"491701239999@c.us"_s;

    QUrl waUrl() const { return QUrl(u"https://127.0.0.1:%1/wa/"_s.arg(m_stub->httpsPort())); }
    QString eval(const QString &script) { return test::evaluate(m_page.get(), script); }

    bool ackSeen(int ack, const QString &id)
    {
        const QJsonArray acks =
            QJsonDocument::fromJson(eval(u"JSON.stringify(window.__acks)"_s).toUtf8()).array();
        return std::any_of(acks.begin(), acks.end(), [&](const QJsonValue &a) {
            const QJsonArray ids = a[u"ids"_s].toArray();
            return a[u"ack"_s].toInt() == ack &&
                   std::any_of(ids.begin(), ids.end(),
                               [&](const QJsonValue &key) { return key.toString() == id; });
        });
    }

    bool allDelivered() const
    {
        const QJsonArray messages = m_stub->simulator().snapshot()[u"messages"_s].toArray();
        return std::all_of(messages.begin(), messages.end(),
                           [](const QJsonValue &m) { return m[u"delivered"_s].toBool(); });
    }

    QStringList deviceNames() const
    {
        QStringList names;
        for (const auto &page : m_stub->simulator().state()[u"pages"_s].toArray())
            names.append(page[u"deviceName"_s].toString());
        return names;
    }

    std::unique_ptr<stub::StubServer> m_stub;
    std::unique_ptr<RequestPolicy> m_requests;
    QTemporaryDir m_dir;
    std::unique_ptr<ProfileManager> m_profiles;
    std::unique_ptr<WhatsAppPage> m_page;
};

SAK_WEBENGINE_TEST_MAIN(TestWaJs, QGuiApplication, true)
#include "tst_wajs.moc"
