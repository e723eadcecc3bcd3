#include "tests/support/fakesession.h"
#include "tests/support/webenginetestmain.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QLabel>
#include <QStatusBar>
#include <QTest>
#include <QWebEnginePage>
#include <QWebEngineView>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void showsThePageAndFollowsTheSession()
    {
        test::FakeSession session;
        QWebEnginePage page;
        MainWindow window(&page, &session);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        auto *view = window.findChild<QWebEngineView *>();
        QVERIFY(view);
        QCOMPARE(view->page(), &page);

        auto labelText = [&] {
            QStringList texts;
            for (auto *label : window.statusBar()->findChildren<QLabel *>())
                texts.append(label->text());
            return texts.join(u" | "_s);
        };
        QVERIFY(labelText().contains(u"Opening WhatsApp"_s));
        session.setState(SessionState::NeedsPairing);
        QVERIFY(labelText().contains(u"Scan the QR code"_s));
        session.setState(SessionState::Connected);
        QVERIFY(labelText().contains(u"WhatsApp connected"_s));
        Q_EMIT session.healthProblem(u"WhatsApp Web changed"_s);
        QVERIFY(labelText().contains(u"WhatsApp Web changed"_s));
        window.setCloudState(u"Cloud: example"_s);
        QVERIFY(labelText().contains(u"Cloud: example"_s));
        window.setProtection(u"key file"_s, true);
        QVERIFY(labelText().contains(u"Weaker protection"_s));
        window.setProtection(u"keychain"_s, false);
        QVERIFY(labelText().contains(u"Encrypted"_s));
    }
};

SAK_WEBENGINE_TEST_MAIN(TestMainWindow, QApplication, false)
#include "tst_mainwindow.moc"
