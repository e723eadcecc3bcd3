#include "bridge/requestpolicy.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

// What the WhatsApp profile may reach: WhatsApp's hosts over HTTPS, the configured WhatsApp
// URL's origin, the page's own data; nothing else.
class TestRequestPolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void allowsOnlyWhatsAppAndTheConfiguredOrigin_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("allowed");
        QTest::newRow("the page") << u"https://web.whatsapp.com/"_s << true;
        QTest::newRow("its static files") << u"https://static.whatsapp.net/rsrc.php/x.js"_s << true;
        QTest::newRow("media") << u"https://mmg.whatsapp.net/v/t62/abc"_s << true;
        QTest::newRow("media cdn") << u"https://media-fra3-1.cdn.whatsapp.net/v/x"_s << true;
        QTest::newRow("its websocket") << u"wss://web.whatsapp.com/ws/chat"_s << true;
        QTest::newRow("the configured origin") << u"https://127.0.0.1:8443/wa/api/poll"_s << true;
        QTest::newRow("the configured origin's websocket") << u"wss://127.0.0.1:8443/ws"_s << true;
        QTest::newRow("page data") << u"data:image/png;base64,AAAA"_s << true;
        QTest::newRow("a blob") << u"blob:https://web.whatsapp.com/1234"_s << true;
        QTest::newRow("analytics") << u"https://analytics.google.com/g/collect?v=2"_s << false;
        QTest::newRow("link preview server")
            << u"https://wajsapi.titanchat.com.br/v1/link-preview/fetch-data.png?url=x"_s << false;
        QTest::newRow("a look-alike") << u"https://evilwhatsapp.com/"_s << false;
        QTest::newRow("WhatsApp's name inside another")
            << u"https://web.whatsapp.com.example.org/"_s << false;
        QTest::newRow("WhatsApp without TLS") << u"http://web.whatsapp.com/"_s << false;
        QTest::newRow("another port of the origin") << u"https://127.0.0.1:9443/"_s << false;
        QTest::newRow("the origin without TLS") << u"http://127.0.0.1:8443/"_s << false;
        QTest::newRow("another loopback host") << u"https://localhost:8443/"_s << false;
        QTest::newRow("a file") << u"file:///etc/passwd"_s << false;
        QTest::newRow("ftp") << u"ftp://web.whatsapp.com/"_s << false;
    }
    void allowsOnlyWhatsAppAndTheConfiguredOrigin()
    {
        QFETCH(QString, url);
        QFETCH(bool, allowed);
        const RequestPolicy policy(QUrl(u"https://127.0.0.1:8443/wa/?x=1"_s));
        QCOMPARE(policy.allows(QUrl(url)), allowed);
    }

    // The default WhatsApp URL: its origin is WhatsApp's own.
    void theRealPageNeedsNothingElse()
    {
        const RequestPolicy policy(QUrl(u"https://web.whatsapp.com/"_s));
        QVERIFY(policy.allows(QUrl(u"https://web.whatsapp.com/"_s)));
        QVERIFY(!policy.allows(QUrl(u"https://127.0.0.1:8443/"_s)));
    }
};

QTEST_GUILESS_MAIN(TestRequestPolicy)
#include "tst_requestpolicy.moc"
