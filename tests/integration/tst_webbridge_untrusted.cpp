#include "bridge/profilemanager.h"
#include "bridge/webbridge.h"
#include "bridge/whatsapppage.h"
#include "tests/support/testenv.h"
#include "tests/support/webenginetestmain.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

// Without the stub's key pinned, the WhatsApp page must refuse the stub's certificate: the
// agent never accepts a certificate error.
class TestWebBridgeUntrusted : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void refusesAnUntrustedCertificate()
    {
        auto stub = test::startStub();
        QVERIFY(stub);
        QTemporaryDir dir;
        ProfileManager profiles{QString()};
        {
            WebBridge bridge(profiles.profile(u"untrusted"_s, dir.path()),
                             QUrl(u"https://127.0.0.1:%1/wa/"_s.arg(stub->httpsPort())));
            QSignalSpy loaded(bridge.page(), &QWebEnginePage::loadFinished);
            QSignalSpy problems(&bridge, &WhatsAppSession::healthProblem);
            bridge.start();
            QVERIFY(loaded.wait(30000));
            QCOMPARE(loaded.at(0).at(0).toBool(), false);
            QCOMPARE(bridge.state(), SessionState::Unhealthy);
            QCOMPARE(problems.size(), 1);
            QVERIFY(problems.at(0).at(0).toString().contains(u"certificate"_s));
            // Nothing of the page ran: the simulator never saw it.
            QCOMPARE(stub->simulator().state()[u"pages"_s].toArray().size(), 0);
        }
    }
};

SAK_WEBENGINE_TEST_MAIN(TestWebBridgeUntrusted, QGuiApplication, false)
#include "tst_webbridge_untrusted.moc"
