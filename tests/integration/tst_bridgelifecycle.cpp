// One test executable per unit, and one WebEngine start for all of it: the bridge's lifecycle
// and traffic against the simulator, hence about 650 lines (the engine's start is the cost).
#include "bridge/webbridge.h"
#include "bridge/whatsapppage.h"
#include "tests/support/testenv.h"
#include "tests/support/webenginetestmain.h"
#include "tests/support/websession.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QWebEngineLoadingInfo>
#include <QWebEngineProfile>
#include <QWebEngineScript>

#include <csignal>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

namespace {

using Session = test::WebSession;

bool anyContains(const QSignalSpy &spy, const QString &text)
{
    return std::any_of(spy.cbegin(), spy.cend(), [&](const QList<QVariant> &args) {
        return args.at(0).toString().contains(text);
    });
}

} // namespace

// The session's lifecycle, the self-test and what the page may send, through the real engine
// against the simulator in its "WhatsApp changed" and failure modes. Each test has its own
// browser profile, as each shop PC does.
class TestBridgeLifecycle : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_stub = test::startStub();
        QVERIFY(m_stub);
    }

    void init() { ++m_count; }

    // WhatsApp renamed a module and moved a function to another one: wa-js finds both by
    // shape, nothing is reported, and sending works.
    void renamedAndMovedFunctionsAreFoundByShape()
    {
        Session s(
            url({{u"rename"_s, u"WAWebSendMsgChatAction:WAWebSendMsgActionsV2"_s},
                 {u"move"_s, u"WAWebFindChatAction.findOrCreateLatestChat:WAWebChatFinder"_s}}),
            name());
        QSignalSpy problems(s.bridge.get(), &WhatsAppSession::healthProblem);
        pair(s);
        QCOMPARE(s.bridge->sendingProblem(), QString());
        QSignalSpy finished(s.bridge.get(), &WhatsAppSession::sendFinished);
        const OutboundText text{u"r-moved"_s, u"491701230001@c.us"_s, u"Found it anyway."_s,
                                newWhatsAppMessageId()};
        s.bridge->sendText(text);
        QVERIFY(finished.wait(10000));
        QVERIFY2(finished.at(0).at(1).toBool(), qPrintable(finished.at(0).at(2).toString()));
        QCOMPARE(m_stub->simulator().sentByBusiness().last()[u"id"_s].toString(), text.waMessageId);
        QCOMPARE(problems.size(), 0);
    }

    // Sending's functions are gone: once the chats are loaded, the health problem names what
    // is unavailable, what wa-js (and which version) could not find and the WhatsApp Web
    // version; receiving goes on; a send fails with the reason.
    void selfTestNamesWhatIsMissing()
    {
        Session s(url({{u"omit"_s, u"WAWebSendMsgChatAction"_s}}), name());
        QSignalSpy problems(s.bridge.get(), &WhatsAppSession::healthProblem);
        pair(s);
        QTRY_VERIFY_WITH_TIMEOUT(!problems.isEmpty(), 10000);
        const QString problem = problems.at(0).at(0).toString();
        QVERIFY2(problem.contains(
                     u"WhatsApp Web 2.3000.1045220589-sim changed: sending is unavailable"_s),
                 qPrintable(problem));
        QVERIFY2(problem.contains(u"wa-js %1 cannot find addAndSendMsgToChat"_s.arg(
                     QString::fromLatin1(SAK_WAJS_VERSION))),
                 qPrintable(problem));
        QCOMPARE(s.bridge->state(), SessionState::Connected);
        QVERIFY(!s.bridge->sendingProblem().isEmpty());

        QSignalSpy received(s.bridge.get(), &WhatsAppSession::messageReceived);
        QVERIFY(m_stub->simulator().inject(
            {{u"chatId"_s, u"491701230002@c.us"_s}, {u"body"_s, u"still there?"_s}}));
        QTRY_COMPARE_WITH_TIMEOUT(test::messagesIn(received, u"491701230002@c.us"_s).size(), 1,
                                  10000);

        QSignalSpy finished(s.bridge.get(), &WhatsAppSession::sendFinished);
        s.bridge->sendText({u"r-x"_s, u"491701230002@c.us"_s, u"x"_s, newWhatsAppMessageId()});
        QVERIFY(finished.wait(10000));
        QVERIFY(!finished.at(0).at(1).toBool());
        QVERIFY2(finished.at(0).at(2).toString().contains(u"sending is unavailable"_s),
                 qPrintable(finished.at(0).at(2).toString()));
    }

    // Pages the agent cannot work with: unhealthy, saying why and what to do. Without the
    // stream model wa-js never gets ready; WhatsApp's "update your browser" page has no app.
    void unusablePagesMakeTheSessionUnhealthy_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QStringList>("says");
        QTest::newRow("core module missing")
            << u"omit"_s << u"WAWebStreamModel"_s
            << QStringList{u"the agent cannot work with this page"_s, u"cannot find Stream"_s};
        QTest::newRow("update your browser")
            << u"outdated"_s << u"1"_s << QStringList{u"outdated"_s, u"user-agent"_s};
    }
    void unusablePagesMakeTheSessionUnhealthy()
    {
        QFETCH(QString, mode);
        QFETCH(QString, value);
        QFETCH(QStringList, says);
        Session s(url({{mode, value}}), name());
        QSignalSpy problems(s.bridge.get(), &WhatsAppSession::healthProblem);
        s.bridge->start();
        QTRY_COMPARE_WITH_TIMEOUT(s.bridge->state(), SessionState::Unhealthy, 40000);
        for (const QString &text : says)
            QVERIFY2(anyContains(problems, text), qPrintable(text));
    }

    // The QR rotates, then goes idle; asked to, the page shows a new one.
    void idleQrIsRefreshedOnRequest()
    {
        Session s(url({{u"qrFirstMs"_s, u"2500"_s}, {u"qrNextMs"_s, u"400"_s}}), name());
        QSignalSpy qr(s.bridge.get(), &WhatsAppSession::qrCodeChanged);
        s.bridge->start();
        QTRY_COMPARE_WITH_TIMEOUT(s.evaluate(u"typeof window.require === 'function' && "
                                             u"window.require('WAWebSocketModel').Socket.state"_s),
                                  u"UNPAIRED_IDLE"_s, 20000);
        QVERIFY(qr.size() >= 2); // it rotated
        const qsizetype before = qr.size();
        QCOMPARE(s.bridge->state(), SessionState::NeedsPairing);
        s.bridge->refreshQr();
        QTRY_VERIFY_WITH_TIMEOUT(qr.size() > before, 10000);
        QVERIFY(qr.last().at(0).toString().startsWith(u"2@"_s));
    }

    // Pairing with the phone number: a bad number is refused with a reason, a good one gets a
    // code from the page, and typing it on the phone pairs the session.
    void pairsWithACodeInsteadOfAQr()
    {
        Session s(url({}), name());
        s.bridge->start();
        QTRY_COMPARE_WITH_TIMEOUT(s.bridge->state(), SessionState::NeedsPairing, 20000);
        QSignalSpy codes(s.bridge.get(), &WhatsAppSession::pairingCodeReceived);
        s.bridge->requestPairingCode(u"call me"_s);
        QVERIFY(codes.wait(5000));
        QVERIFY(codes.at(0).at(0).toString().isEmpty());
        QVERIFY(codes.at(0).at(1).toString().contains(u"country code"_s));

        s.bridge->requestPairingCode(u"+49 170 1234567"_s);
        QVERIFY(codes.wait(10000));
        const QString code = codes.at(1).at(0).toString();
        QVERIFY2(QRegularExpression(u"^[A-Z0-9]{4}-[A-Z0-9]{4}$"_s).match(code).hasMatch(),
                 qPrintable(code + u" / "_s + codes.at(1).at(1).toString()));
        QVERIFY(!m_stub->simulator().linkWithCode(u"AAAA-AAAA"_s));
        QVERIFY(m_stub->simulator().linkWithCode(code));
        QTRY_COMPARE_WITH_TIMEOUT(s.bridge->state(), SessionState::Connected, 15000);
    }

    // WhatsApp opened in another browser: the session reports the conflict and gets nothing
    // until it takes over; then what waited arrives. With takeover on, it takes over itself.
    void conflictIsReportedThenTakenOver()
    {
        Session s(url({}), name());
        pair(s);
        QVERIFY(m_stub->simulator().conflict());
        QTRY_COMPARE_WITH_TIMEOUT(s.bridge->state(), SessionState::Conflict, 10000);
        QSignalSpy received(s.bridge.get(), &WhatsAppSession::messageReceived);
        QVERIFY(m_stub->simulator().inject(
            {{u"chatId"_s, u"491701230003@c.us"_s}, {u"body"_s, u"anyone?"_s}}));
        QTest::qWait(1000);
        QCOMPARE(test::messagesIn(received, u"491701230003@c.us"_s).size(), 0);
        s.bridge->takeOver();
        QTRY_COMPARE_WITH_TIMEOUT(s.bridge->state(), SessionState::Connected, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(test::messagesIn(received, u"491701230003@c.us"_s).size(), 1,
                                  10000);

        s.bridge->setAutoTakeover(true);
        QSignalSpy states(s.bridge.get(), &WhatsAppSession::stateChanged);
        QVERIFY(m_stub->simulator().conflict());
        QTRY_VERIFY_WITH_TIMEOUT(states.size() >= 2 && s.bridge->state() == SessionState::Connected,
                                 10000);
        QCOMPARE(states.at(0).at(0).value<SessionState>(), SessionState::Conflict);
    }

    // WhatsApp refuses the account: the session is blocked (and nothing is sent).
    void blockedAccountIsReported()
    {
        Session s(url({}), name());
        pair(s);
        QVERIFY(!m_stub->simulator().block(u"BANNED"_s));
        QVERIFY(m_stub->simulator().block(u"TOS_BLOCK"_s));
        QTRY_COMPARE_WITH_TIMEOUT(s.bridge->state(), SessionState::Blocked, 10000);
    }

    // The renderer dies: the page is reloaded and the session comes back by itself.
    void crashedRendererIsReloaded()
    {
        Session s(url({}), name());
        pair(s);
        const qint64 renderer = s.bridge->page()->renderProcessPid();
        QVERIFY(renderer > 0);
        QSignalSpy states(s.bridge.get(), &WhatsAppSession::stateChanged);
        QVERIFY(::kill(pid_t(renderer), SIGKILL) == 0);
        QTRY_VERIFY_WITH_TIMEOUT(!states.isEmpty(), 15000);
        QTRY_COMPARE_WITH_TIMEOUT(s.bridge->state(), SessionState::Connected, 30000);
        QVERIFY(s.bridge->page()->renderProcessPid() != renderer);
    }

    // Logged out from the phone: the bridge says so and the page asks to be paired again.
    void logoutFromThePhoneAsksForPairing()
    {
        Session s(url({}), name());
        pair(s);
        QSignalSpy loggedOut(s.bridge.get(), &WhatsAppSession::loggedOut);
        // WhatsApp's reason reaches the log.
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(u"logged this computer out.*primary_logged_out"_s));
        QVERIFY(m_stub->simulator().logout());
        QVERIFY(loggedOut.wait(10000));
        QTRY_COMPARE_WITH_TIMEOUT(s.bridge->state(), SessionState::NeedsPairing, 20000);
    }

    // WhatsApp Web says a newer version is out: the page is reloaded without its cache (which
    // fetches it), and the session comes back without a problem.
    void anUpdateIsFetchedByAReload()
    {
        Session s(url({}), name());
        pair(s);
        QSignalSpy problems(s.bridge.get(), &WhatsAppSession::healthProblem);
        QSignalSpy loads(s.bridge->page(), &QWebEnginePage::loadStarted);
        QVERIFY(m_stub->simulator().announceUpdate());
        QVERIFY(loads.wait(10000));
        QTRY_COMPARE_WITH_TIMEOUT(s.bridge->state(), SessionState::Connected, 20000);
        QCOMPARE(problems.size(), 0);
    }

    // A page that never gets ready: reloaded, reloaded without cache, then reported.
    void stuckPageIsReloadedThenReported()
    {
        Session s(url({{u"stall"_s, u"1"_s}}), name());
        s.bridge->setLoadWatchdog(std::chrono::milliseconds(1500));
        int loads = 0;
        connect(s.bridge->page(), &QWebEnginePage::loadingChanged, this,
                [&](const QWebEngineLoadingInfo &info) {
                    loads += info.status() == QWebEngineLoadingInfo::LoadStartedStatus ? 1 : 0;
                });
        QSignalSpy problems(s.bridge.get(), &WhatsAppSession::healthProblem);
        s.bridge->start();
        QTRY_VERIFY_WITH_TIMEOUT(!problems.isEmpty(), 30000);
        QCOMPARE(loads, 3); // the first load and two reloads
        QCOMPARE(s.bridge->state(), SessionState::Unhealthy);
        QVERIFY(problems.at(0).at(0).toString().contains(u"did not finish loading"_s));
    }

    // A group message carries its group and the member who wrote it; statuses and channels
    // come through the bridge as they are (the pipeline decides what to relay).
    void groupMessagesCarryTheirAuthor()
    {
        Session s(url({}), name());
        pair(s);
        QSignalSpy received(s.bridge.get(), &WhatsAppSession::messageReceived);
        QVERIFY(m_stub->simulator().inject({{u"chatId"_s, u"120363012345678901@g.us"_s},
                                            {u"author"_s, u"491701230004@c.us"_s},
                                            {u"body"_s, u"who has oat milk?"_s}}));
        QTRY_COMPARE_WITH_TIMEOUT(test::messagesIn(received, u"120363012345678901@g.us"_s).size(),
                                  1, 10000);
        const auto message = test::messagesIn(received, u"120363012345678901@g.us"_s).at(0);
        QCOMPARE(message.author, u"491701230004@c.us"_s);
        // The simulator refuses a group message without its author, as WhatsApp has none.
        QVERIFY(!m_stub->simulator().inject(
            {{u"chatId"_s, u"120363012345678901@g.us"_s}, {u"body"_s, u"x"_s}}));
        QVERIFY(m_stub->simulator().inject(
            {{u"chatId"_s, u"status@broadcast"_s}, {u"body"_s, u"new menu!"_s}}));
        QTRY_COMPARE_WITH_TIMEOUT(test::messagesIn(received, u"status@broadcast"_s).size(), 1,
                                  10000);
    }

    // Photos are fetched only where the agent relays: a customer's own chat (phone number or
    // LID) and the allowed groups; never a status, a channel or another group.
    void mediaIsFetchedOnlyInRelayedChats()
    {
        Session s(url({}), name());
        s.bridge->setAllowedGroups({u"120363000000000001@g.us"_s});
        pair(s);
        QSignalSpy received(s.bridge.get(), &WhatsAppSession::messageReceived);
        const QByteArray photo(500, 'p');
        QHash<QString, QString> idByChat;
        for (const QString &chat : {u"491701230010@c.us"_s, u"103040506070809@lid"_s,
                                    u"120363000000000001@g.us"_s, u"120363000000000002@g.us"_s,
                                    u"status@broadcast"_s, u"120363999999999999@newsletter"_s}) {
            QJsonObject request{{u"chatId"_s, chat},
                                {u"type"_s, u"image"_s},
                                {u"mimetype"_s, u"image/jpeg"_s},
                                {u"data"_s, QString::fromLatin1(photo.toBase64())}};
            if (chat.endsWith(u"@g.us"_s))
                request.insert(u"author"_s, u"491701230011@c.us"_s);
            const auto injected = m_stub->simulator().inject(request);
            QVERIFY2(injected, qPrintable(injected ? QString() : injected.error().message));
            idByChat.insert(chat, injected.value()[u"id"_s].toString());
        }
        const auto ours = [&] {
            QList<InboundMessage> messages;
            for (const auto &args : received) {
                const auto m = args.at(0).value<InboundMessage>();
                if (m.id.contains(u'_' + idByChat.value(m.chatId)))
                    messages.append(m);
            }
            return messages;
        };
        QTRY_COMPARE_WITH_TIMEOUT(ours().size(), 6, 15000);
        for (const InboundMessage &m : ours()) {
            const bool relayed = !m.chatId.contains(u"status"_s) &&
                                 !m.chatId.endsWith(u"@newsletter"_s) &&
                                 m.chatId != u"120363000000000002@g.us"_s;
            QCOMPARE(m.media.isEmpty(), !relayed);
            QVERIFY2(m.mediaError.isEmpty(), qPrintable(m.mediaError));
            QCOMPARE(m_stub->simulator().mediaDownloads(idByChat.value(m.chatId)), relayed ? 1 : 0);
        }
    }

    // Everything a customer can send arrives with what belongs to it: media with its bytes
    // (fetched through the page), locations, contact cards, replies, reactions, edits and
    // deletions. Media over the limit arrives without its bytes, saying why.
    void everyKindOfMessageArrives()
    {
        Session s(url({}), name());
        s.bridge->setMediaLimit(64 * 1024);
        pair(s);
        QSignalSpy received(s.bridge.get(), &WhatsAppSession::messageReceived);
        const QString chat = u"491701230006@c.us"_s;
        QByteArray photo(20000, Qt::Uninitialized);
        for (qsizetype i = 0; i < photo.size(); ++i)
            photo[i] = char(i * 7 % 251); // every byte value, not only text
        const auto inject = [&](QJsonObject request) {
            request.insert(u"chatId"_s, chat);
            const auto injected = m_stub->simulator().inject(request);
            return injected ? injected.value()[u"id"_s].toString() : QString();
        };
        const QString first = inject({{u"body"_s, u"hi, a photo follows"_s}});
        const QString image = inject({{u"type"_s, u"image"_s},
                                      {u"body"_s, u"this one?"_s},
                                      {u"mimetype"_s, u"image/jpeg"_s},
                                      {u"filename"_s, u"cake.jpg"_s},
                                      {u"data"_s, QString::fromLatin1(photo.toBase64())}});
        QVERIFY(!first.isEmpty() && !image.isEmpty());
        inject({{u"type"_s, u"ptt"_s},
                {u"mimetype"_s, u"audio/ogg; codecs=opus"_s},
                {u"data"_s, QString::fromLatin1(QByteArray(3000, 'v').toBase64())}});
        inject({{u"type"_s, u"document"_s},
                {u"mimetype"_s, u"application/pdf"_s},
                {u"filename"_s, u"order.pdf"_s},
                {u"data"_s, QString::fromLatin1(QByteArray(100000, 'd').toBase64())}});
        inject({{u"type"_s, u"location"_s}, {u"lat"_s, 52.52}, {u"lng"_s, 13.405}});
        for (const auto &[type, mimetype] :
             {std::pair{u"video"_s, u"video/mp4"_s}, std::pair{u"audio"_s, u"audio/mpeg"_s},
              std::pair{u"sticker"_s, u"image/webp"_s}}) {
            inject({{u"type"_s, type},
                    {u"mimetype"_s, mimetype},
                    {u"data"_s, QString::fromLatin1(QByteArray(1000, 'm').toBase64())}});
        }
        inject({{u"type"_s, u"vcard"_s},
                {u"body"_s, u"BEGIN:VCARD\nVERSION:3.0\nFN:Ana\nEND:VCARD"_s}});
        inject({{u"type"_s, u"reaction"_s}, {u"body"_s, u"👍"_s}, {u"quotedId"_s, image}});
        inject({{u"body"_s, u"the chocolate one"_s}, {u"quotedId"_s, image}});
        const auto inChat = [&] {
            return test::messagesIn(received, chat);
        };
        QTRY_COMPARE_WITH_TIMEOUT(inChat().size(), 11, 15000);
        QVERIFY(m_stub->simulator().edit(first, u"hi! a photo follows"_s));
        QVERIFY(m_stub->simulator().revoke(first));
        QTRY_COMPARE_WITH_TIMEOUT(inChat().size(), 13, 15000);
        QList<InboundMessage> got = inChat();
        QStringList types;
        for (const auto &m : got)
            types.append(m.type);
        // In the order the customer sent them, though the media took longer to fetch.
        QCOMPARE(types, QStringList({u"chat"_s, u"image"_s, u"ptt"_s, u"document"_s, u"location"_s,
                                     u"video"_s, u"audio"_s, u"sticker"_s, u"vcard"_s,
                                     u"reaction"_s, u"chat"_s, u"edit"_s, u"revoke"_s}));
        for (int i : {5, 6, 7})
            QCOMPARE(got.at(i).media, QByteArray(1000, 'm'));
        got.remove(5, 3); // the checks below follow the order without them
        QCOMPARE(got.at(1).body, u"this one?"_s);
        QCOMPARE(got.at(1).mimetype, u"image/jpeg"_s);
        QCOMPARE(got.at(1).filename, u"cake.jpg"_s);
        QCOMPARE(got.at(1).media, photo);
        QCOMPARE(got.at(1).mediaSize, photo.size());
        QCOMPARE(got.at(2).media, QByteArray(3000, 'v'));
        QVERIFY(got.at(3).media.isEmpty()); // 100,000 bytes, over the 64 KiB limit
        QVERIFY2(got.at(3).mediaError.contains(u"larger than the agent takes"_s),
                 qPrintable(got.at(3).mediaError));
        QCOMPARE(got.at(3).filename, u"order.pdf"_s);
        QCOMPARE(got.at(4).latitude, 52.52);
        QCOMPARE(got.at(4).longitude, 13.405);
        QVERIFY(got.at(5).body.startsWith(u"BEGIN:VCARD"_s));
        QCOMPARE(got.at(6).body, u"👍"_s);
        QCOMPARE(got.at(6).quotedId, image);
        QCOMPARE(got.at(7).quotedId, image);
        QCOMPARE(got.at(8).body, u"hi! a photo follows"_s);
        QCOMPARE(got.at(8).quotedId, first);
        QCOMPARE(got.at(9).quotedId, first);
        QSet<QString> ids;
        for (const auto &m : got)
            ids.insert(m.id);
        QCOMPARE(ids.size(), got.size()); // each its own journal entry
    }

    // The shop sends a reply that quotes the customer's question, a photo with a caption and a
    // document, each under the id the agent chose.
    void sendsRepliesImagesAndDocuments()
    {
        Session s(url({}), name());
        pair(s);
        QSignalSpy received(s.bridge.get(), &WhatsAppSession::messageReceived);
        const QString chat = u"491701230007@c.us"_s;
        QVERIFY(m_stub->simulator().inject({{u"chatId"_s, chat}, {u"body"_s, u"menu?"_s}}));
        QTRY_COMPARE_WITH_TIMEOUT(test::messagesIn(received, chat).size(), 1, 10000);
        const InboundMessage question = test::messagesIn(received, chat).at(0);

        QByteArray photo(30000, Qt::Uninitialized);
        for (qsizetype i = 0; i < photo.size(); ++i)
            photo[i] = char(255 - i % 256);
        OutboundText reply{u"r-q"_s, chat, u"Here it is:"_s, newWhatsAppMessageId()};
        reply.quotedId = question.id;
        OutboundText image{u"r-i"_s, chat, u"Today's cakes"_s, newWhatsAppMessageId()};
        image.mimetype = u"image/png"_s;
        image.filename = u"cakes.png"_s;
        image.media = photo;
        OutboundText document{u"r-d"_s, chat, QString(), newWhatsAppMessageId()};
        document.mimetype = u"application/pdf"_s;
        document.filename = u"menu.pdf"_s;
        document.media = QByteArray("%PDF-1.4 the menu");
        QSignalSpy finished(s.bridge.get(), &WhatsAppSession::sendFinished);
        for (const OutboundText &text : {reply, image, document})
            s.bridge->sendText(text);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, 15000);
        for (const auto &args : finished)
            QVERIFY2(args.at(1).toBool(), qPrintable(args.at(2).toString()));

        QHash<QString, QJsonObject> sent;
        for (const auto value : m_stub->simulator().sentByBusiness())
            sent.insert(value[u"id"_s].toString(), value.toObject());
        const QJsonObject quoted = sent.value(reply.waMessageId);
        QCOMPARE(quoted[u"body"_s].toString(), reply.body);
        QCOMPARE(quoted[u"x"_s][u"quotedId"_s].toString(), question.id.section(u'_', -1));
        const QJsonObject sentImage = sent.value(image.waMessageId);
        QCOMPARE(sentImage[u"x"_s][u"type"_s].toString(), u"image"_s);
        QCOMPARE(sentImage[u"body"_s].toString(), u"Today's cakes"_s);
        QCOMPARE(QByteArray::fromBase64(sentImage[u"media"_s].toString().toLatin1()), photo);
        const QJsonObject sentDocument = sent.value(document.waMessageId);
        QCOMPARE(sentDocument[u"x"_s][u"type"_s].toString(), u"document"_s);
        QCOMPARE(sentDocument[u"x"_s][u"filename"_s].toString(), u"menu.pdf"_s);
        QCOMPARE(QByteArray::fromBase64(sentDocument[u"media"_s].toString().toLatin1()),
                 document.media);
    }

    // An event of a shape the adapter does not expect (a newer wa-js, a changed page): caught
    // before it can break wa-js, reported with what it takes away; the session goes on.
    void unexpectedEventShapesAreReported()
    {
        Session s(url({}), name());
        pair(s);
        QSignalSpy problems(s.bridge.get(), &WhatsAppSession::healthProblem);
        s.evaluate(u"WPP.emit('chat.msg_edited', null); 0"_s);
        QTRY_VERIFY_WITH_TIMEOUT(anyContains(problems, u"a usable chat.msg_edited event"_s), 10000);
        QVERIFY(anyContains(problems, u"receiving edits is unavailable"_s));
        QCOMPARE(s.bridge->state(), SessionState::Connected);
        QSignalSpy received(s.bridge.get(), &WhatsAppSession::messageReceived);
        QVERIFY(m_stub->simulator().inject(
            {{u"chatId"_s, u"491701230013@c.us"_s}, {u"body"_s, u"still there?"_s}}));
        QTRY_COMPARE_WITH_TIMEOUT(test::messagesIn(received, u"491701230013@c.us"_s).size(), 1,
                                  10000);
    }

    // Exactly once, even when the agent asks twice at once, and when WhatsApp learnt the
    // customer's LID between the first send and the retry (the message is in the phone-number
    // chat, the retry would go to the LID chat).
    void aRetryNeverSendsTwice()
    {
        Session s(url({}), name());
        pair(s);
        const QString phone = u"491701230014@c.us"_s;
        QSignalSpy finished(s.bridge.get(), &WhatsAppSession::sendFinished);
        const OutboundText text{u"r-twice"_s, phone, u"Your order is ready."_s,
                                newWhatsAppMessageId()};
        s.bridge->sendText(text);
        s.bridge->sendText(text); // the agent gave up waiting and asked again
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 10000);
        QVERIFY2(finished.at(0).at(1).toBool(), qPrintable(finished.at(0).at(2).toString()));
        const auto sentOnce = [&] {
            const QJsonArray inChat = m_stub->simulator().chat(phone);
            return inChat.size() == 1 && inChat.at(0)[u"sendCount"_s].toInt() == 1;
        };
        QTRY_VERIFY_WITH_TIMEOUT(sentOnce(), 10000);

        // The customer writes from their LID chat, and WhatsApp tells the number behind it.
        QSignalSpy received(s.bridge.get(), &WhatsAppSession::messageReceived);
        const QString lid = u"104050607080901@lid"_s;
        QVERIFY(m_stub->simulator().inject(
            {{u"chatId"_s, lid}, {u"phone"_s, phone}, {u"body"_s, u"thanks!"_s}}));
        QTRY_COMPARE_WITH_TIMEOUT(test::messagesIn(received, lid).size(), 1, 10000);
        finished.clear();
        s.bridge->sendText(text);
        QVERIFY(finished.wait(10000));
        QVERIFY2(finished.at(0).at(1).toBool(), qPrintable(finished.at(0).at(2).toString()));
        QVERIFY(sentOnce());
        QVERIFY(m_stub->simulator().chat(lid).size() == 1); // the customer's message only
    }

    // WhatsApp fails a message the shop sent (here: the file was too big): the agent hears
    // WhatsApp's own level, which says why.
    void failuresReachTheAgentWithTheirLevel()
    {
        Session s(url({}), name());
        pair(s);
        QSignalSpy finished(s.bridge.get(), &WhatsAppSession::sendFinished);
        QSignalSpy acks(s.bridge.get(), &WhatsAppSession::ackChanged);
        const OutboundText text{u"r-f"_s, u"491701230012@c.us"_s, u"the catalogue"_s,
                                newWhatsAppMessageId()};
        s.bridge->sendText(text);
        QVERIFY(finished.wait(10000));
        QVERIFY(m_stub->simulator().fail(text.waMessageId, int(Ack::ContentTooBig)));
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(acks.cbegin(), acks.cend(),
                                             [&](const QList<QVariant> &args) {
                                                 return args.at(0).toString() == text.waMessageId &&
                                                        args.at(1).toInt() == -4;
                                             }),
                                 10000);
    }

    // What the page asks permission for is refused (here: notifications; unanswered, the
    // request would hang instead).
    void permissionRequestsAreDenied()
    {
        Session s(url({}), name());
        pair(s);
        s.evaluate(uR"(
            Notification.requestPermission().then((p) => { window.__notifications = p; });
            'asked')"_s);
        QTRY_COMPARE_WITH_TIMEOUT(s.evaluate(u"String(window.__notifications)"_s), u"denied"_s,
                                  10000);
    }

    // The page's own scripts can dispatch anything as a bridge event: malformed ones are
    // dropped (and logged), and the session goes on.
    void malformedEventsFromThePageAreDropped()
    {
        Session s(url({}), name());
        pair(s);
        const QString garbage = uR"(
            for (const detail of [
                'not json', '[]', '{}', '{"kind":"nope"}', '{"kind":"ack","id":"","ack":9}',
                '{"kind":"message","message":{"id":"x","chatId":"no-at-sign"}}',
                '{"kind":"state","state":5}', 'x'.repeat(300000), 42, null,
                JSON.stringify({kind: 'message', message: {id: 'x', chatId: '1@c.us', author: '',
                    type: 'chat', body: 'y'.repeat(70000), t: 1, notifyName: '', fromMe: false}}),
            ]) document.dispatchEvent(new CustomEvent('sak:page-event', {detail}));
            'sent')"_s;
        QSignalSpy received(s.bridge.get(), &WhatsAppSession::messageReceived);
        QCOMPARE(s.evaluate(garbage), u"sent"_s);
        QVERIFY(m_stub->simulator().inject(
            {{u"chatId"_s, u"491701230005@c.us"_s}, {u"body"_s, u"real one"_s}}));
        const auto bodyOf = [&](qsizetype i) {
            return received.at(i).at(0).value<InboundMessage>().body;
        };
        QTRY_VERIFY_WITH_TIMEOUT(
            !received.isEmpty() && bodyOf(received.size() - 1) == u"real one"_s, 10000);
        for (qsizetype i = 0; i < received.size(); ++i)
            QVERIFY(received.at(i).at(0).value<InboundMessage>().id != u"x"_s);
        QCOMPARE(s.bridge->state(), SessionState::Connected);
    }

private:
    QUrl url(const QList<std::pair<QString, QString>> &query) const
    {
        return test::simulatorUrl(*m_stub, query);
    }
    QString name() const { return u"lifecycle-%1"_s.arg(m_count); }

    void pair(Session &s)
    {
        QVERIFY2(s.pair(*m_stub), qPrintable(u"not connected; the session is in state %1"_s.arg(
                                      int(s.bridge->state()))));
    }

    std::unique_ptr<stub::StubServer> m_stub;
    int m_count = 0;
};

SAK_WEBENGINE_TEST_MAIN(TestBridgeLifecycle, QGuiApplication, true)
#include "tst_bridgelifecycle.moc"
