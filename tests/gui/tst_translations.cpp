#include "tests/gui/guifixture.h"
#include "ui/outboxmodel.h"
#include "ui/outboxwindow.h"
#include "ui/pairingwindow.h"
#include "ui/settingsdialog.h"
#include "ui/translations.h"
#include "ui/trayicon.h"

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

// The windows in German (longer words) and Arabic (right to left): translated, laid out in the
// language's direction, and nothing cut off.
class TestTranslations : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(m_fixture.open()); }
    void cleanupTestCase() { applyLanguage(u"en"_s); }

    void windows_data()
    {
        QTest::addColumn<QString>("language");
        QTest::addColumn<bool>("rightToLeft");
        QTest::addColumn<QString>("connect"); // the Connect button's text
        QTest::newRow("English") << u"en"_s << false << u"Connect"_s;
        QTest::newRow("German") << u"de"_s << false << u"Verbinden"_s;
        QTest::newRow("Arabic") << u"ar"_s << true << u"اتصال"_s;
    }

    void windows()
    {
        QFETCH(QString, language);
        QFETCH(bool, rightToLeft);
        QFETCH(QString, connect);
        QCOMPARE(applyLanguage(language), language);
        QCOMPARE(QApplication::layoutDirection() == Qt::RightToLeft, rightToLeft);

        PairingWindow pairing;
        pairing.showStep(PairingWindow::Step::Cloud);
        pairing.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pairing));
        QPushButton *button = nullptr;
        for (auto *b : pairing.findChildren<QPushButton *>()) {
            if (b->isVisible())
                button = b;
        }
        QVERIFY(button);
        QCOMPARE(button->text(), connect);
        // The button sits at the end of the line: on the left in a right-to-left language.
        const int middle = pairing.width() / 2;
        const int buttonX = button->mapTo(&pairing, QPoint(button->width() / 2, 0)).x();
        QCOMPARE(buttonX < middle, rightToLeft);
        // Labels come first: right of their fields when reading right to left.
        auto *code = pairing.findChild<QLineEdit *>(u"code"_s);
        const QLabel *codeLabel = nullptr;
        for (auto *l : pairing.findChildren<QLabel *>()) {
            if (l->buddy() == code ||
                (l->isVisible() && l->geometry().center().y() == code->geometry().center().y()))
                codeLabel = l;
        }
        QVERIFY(codeLabel);
        QCOMPARE(codeLabel->x() > code->x(), rightToLeft);
        expectNothingCut(&pairing);

        OutboxWindow outbox(m_fixture.store.get(), m_fixture.pipeline.get());
        outbox.show();
        QVERIFY(QTest::qWaitForWindowExposed(&outbox));
        expectNothingCut(&outbox);
        SettingsDialog settings(AgentConfig{}, m_fixture.dir.filePath(u"x.ini"_s), nullptr);
        settings.show();
        QVERIFY(QTest::qWaitForWindowExposed(&settings));
        expectNothingCut(&settings);
        if (language != u"en"_s)
            QVERIFY(settings.windowTitle() != u"Settings - SAK Desktop Agent"_s);

        TrayIcon tray(m_fixture.status.get());
        const QString open = tray.action(TrayIcon::Action::OpenWhatsApp)->text();
        QCOMPARE(open == u"Open WhatsApp"_s, language == u"en"_s);
    }

    void switchingRetranslatesOpenWindows()
    {
        applyLanguage(u"en"_s);
        OutboxWindow outbox(m_fixture.store.get(), m_fixture.pipeline.get());
        outbox.show();
        QCOMPARE(outbox.windowTitle(), u"Outbox - SAK Desktop Agent"_s);
        applyLanguage(u"de"_s);
        QTRY_COMPARE(outbox.windowTitle(), u"Postausgang - SAK Desktop-Agent"_s);
        QCOMPARE(outbox.model()->headerData(0, Qt::Horizontal, Qt::DisplayRole).toString(),
                 u"Status"_s);
        applyLanguage(u"en"_s);
        QTRY_COMPARE(outbox.windowTitle(), u"Outbox - SAK Desktop Agent"_s);
    }

private:
    // Buttons and single-line labels get at least the room their text needs.
    static void expectNothingCut(QWidget *window)
    {
        for (auto *b : window->findChildren<QPushButton *>()) {
            if (b->isVisible())
                QVERIFY2(b->width() >= b->sizeHint().width(), qPrintable(b->text()));
        }
        for (auto *l : window->findChildren<QLabel *>()) {
            if (l->isVisible() && !l->wordWrap() && !l->text().isEmpty())
                QVERIFY2(l->width() >= l->sizeHint().width(), qPrintable(l->text()));
        }
    }

    test::GuiFixture m_fixture;
};

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
