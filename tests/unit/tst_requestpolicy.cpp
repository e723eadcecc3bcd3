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

    // Links from the page handed to the system: the web only. Every other scheme would start
    // whatever program the system has for it.
    void opensOnlyWebLinks_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("opened");
        QTest::newRow("https") << u"https://example.org/offer?x=1"_s << true;
        QTest::newRow("http") << u"http://example.org/"_s << true;
        QTest::newRow("upper-case scheme") << u"HTTPS://example.org/"_s << true;
        QTest::newRow("mailto") << u"mailto:shop@example.org?attach=/etc/passwd"_s << false;
        QTest::newRow("file") << u"file:///etc/passwd"_s << false;
        QTest::newRow("smb") << u"smb://192.0.2.1/share/x.exe"_s << false;
        QTest::newRow("tel") << u"tel:+491701234567"_s << false;
        QTest::newRow("javascript") << u"javascript:alert(1)"_s << false;
        QTest::newRow("data") << u"data:text/html,<b>x</b>"_s << false;
        QTest::newRow("custom app") << u"ms-settings:privacy"_s << false;
        QTest::newRow("ftp") << u"ftp://example.org/x"_s << false;
        QTest::newRow("https without a host") << u"https:///etc/passwd"_s << false;
        QTest::newRow("no scheme") << u"example.org"_s << false;
    }
    void opensOnlyWebLinks()
    {
        QFETCH(QString, url);
        QFETCH(bool, opened);
        QCOMPARE(isOpenableLink(QUrl(url)), opened);
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
