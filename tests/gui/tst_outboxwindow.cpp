#include "tests/gui/guifixture.h"
#include "ui/outboxmodel.h"
#include "ui/outboxwindow.h"
#include "ui/translations.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QItemSelectionModel>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

namespace {
constexpr int kItems = 100000;

QString chatOf(int i)
{
    return u"49170%1@c.us"_s.arg(i % 50, 7, 10, QChar(u'0'));
}
} // namespace

// The outbox viewer over a real store of 100,000 items: it loads a page at a time, filters
// and searches in the store, follows changes live, and retries, cancels and pauses.
class TestOutboxWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        applyLanguage(u"en"_s); // English needs its plural forms too
        QVERIFY(m_fixture.open());
        // 100,000 items in one transaction; every 1,000th failed, every 997th sent.
        QVERIFY(m_fixture.store->inTransaction([&]() -> Status {
            for (int i = 0; i < kItems; ++i) {
                if (!m_fixture.enqueue(u"c%1"_s.arg(i), chatOf(i), u"Order %1 is ready"_s.arg(i)))
                    return Error{u"test"_s, u"enqueue failed"_s};
            }
            return Done{};
        }));
        for (int i = 0; i < kItems; i += 1000)
            QVERIFY(m_fixture.store->setOutboundState(u"c%1"_s.arg(i), outbox::kFailed,
                                                      u"Not on WhatsApp"_s));
        m_window = std::make_unique<OutboxWindow>(m_fixture.store.get(), m_fixture.pipeline.get());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void loadsAPageAtATime()
    {
        OutboxModel *model = m_window->model();
        QCOMPARE(model->totalCount(), kItems);
        QCOMPARE(model->rowCount(), OutboxModel::kPageSize);
        // Newest first.
        QCOMPARE(model->rowAt(0).item.text.clientId, u"c%1"_s.arg(kItems - 1));
        // Scrolling to the end loads the next page, not everything.
        m_window->view()->scrollToBottom();
        QTRY_VERIFY(model->rowCount() > OutboxModel::kPageSize);
        QVERIFY(model->rowCount() <= 4 * OutboxModel::kPageSize);
        // Shown in their own direction (isolates), so a right-to-left table keeps them intact.
        const auto shown = [&](int column) {
            QString text = model->index(0, column).data().toString();
            text.remove(QChar(0x2066)).remove(QChar(0x2068)).remove(QChar(0x2069));
            return text;
        };
        QCOMPARE(shown(OutboxModel::Message), u"Order %1 is ready"_s.arg(kItems - 1));
        QCOMPARE(shown(OutboxModel::State), u"Waiting"_s);
        QCOMPARE(shown(OutboxModel::Chat), u"+"_s + chatOf(kItems - 1).chopped(5));
        QCOMPARE(shown(OutboxModel::Priority), u"Broadcast"_s);
    }

    void theModelIsAWellBehavedModel()
    {
        OutboxModel model(m_fixture.store.get());
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.fetchMore({});
        model.setFilter({{outbox::kFailed}, {}, {}});
        model.refresh();
    }

    void filters_data()
    {
        QTest::addColumn<int>("shown");
        QTest::addColumn<QString>("chat");
        QTest::addColumn<QString>("search");
        QTest::addColumn<qint64>("total");

        QTest::newRow("failed") << int(OutboxWindow::Show::Failed) << QString() << QString()
                                << qint64(kItems / 1000);
        QTest::newRow("waiting") << int(OutboxWindow::Show::Waiting) << QString() << QString()
                                 << qint64(kItems - kItems / 1000);
        QTest::newRow("one chat") << int(OutboxWindow::Show::All) << chatOf(7) << QString()
                                  << qint64(kItems / 50);
        QTest::newRow("search") << int(OutboxWindow::Show::All) << QString() << u"order 4242 is"_s
                                << qint64(1);
        QTest::newRow("search errors") << int(OutboxWindow::Show::All) << QString()
                                       << u"not on whatsapp"_s << qint64(kItems / 1000);
        QTest::newRow("nothing") << int(OutboxWindow::Show::Cancelled) << QString() << QString()
                                 << qint64(0);
        QTest::newRow("failed in one chat")
            << int(OutboxWindow::Show::Failed) << chatOf(0) << QString()
            << qint64(kItems / 1000); // every 1,000th is in chat 0
    }

    void filters()
    {
        QFETCH(int, shown);
        QFETCH(QString, chat);
        QFETCH(QString, search);
        QFETCH(qint64, total);
        m_window->setShown(OutboxWindow::Show(shown));
        m_window->setChat(chat);
        m_window->setSearch(search);
        OutboxModel *model = m_window->model();
        QCOMPARE(model->totalCount(), total);
        QCOMPARE(model->rowCount(), int(std::min<qint64>(total, OutboxModel::kPageSize)));
        for (int row = 0; row < model->rowCount(); ++row) {
            const OutboxItem &item = model->rowAt(row).item;
            if (!chat.isEmpty())
                QCOMPARE(item.text.chatId, chat);
            if (shown == int(OutboxWindow::Show::Failed))
                QCOMPARE(item.state, outbox::kFailed);
        }
        m_window->setShown(OutboxWindow::Show::All);
        m_window->setChat({});
        m_window->setSearch({});
    }

    void retryAndCancelTheSelection()
    {
        m_window->setShown(OutboxWindow::Show::Failed);
        OutboxModel *model = m_window->model();
        auto *retry = m_window->findChildren<QPushButton *>().at(0);
        QCOMPARE(retry->text(), u"Retry"_s);
        QVERIFY(!retry->isEnabled()); // nothing selected
        m_window->view()->selectRow(0);
        QVERIFY(retry->isEnabled());
        const QString failed = model->rowAt(0).item.text.clientId;
        QTest::mouseClick(retry, Qt::LeftButton);
        QCOMPARE(m_fixture.store->outboundItem(failed).value()->state, outbox::kQueued);
        // The row left the "failed" view at once, and the message says what happened.
        QCOMPARE(model->totalCount(), kItems / 1000 - 1);
        QVERIFY(m_window->message().contains(u"1 message will be sent again"_s));

        m_window->setShown(OutboxWindow::Show::Waiting);
        m_window->view()->selectRow(0);
        m_window->view()->selectionModel()->select(
            model->index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        const QStringList ids = m_window->selectedIds();
        QCOMPARE(ids.size(), 2);
        QVERIFY(m_window->cancelSelected());
        for (const QString &id : ids)
            QCOMPARE(m_fixture.store->outboundItem(id).value()->state, outbox::kCancelled);
        QVERIFY(m_window->message().contains(u"2 messages cancelled"_s));
        m_window->setShown(OutboxWindow::Show::All);
    }

    void followsChangesLive()
    {
        OutboxModel *model = m_window->model();
        m_window->view()->scrollToTop();
        int row = 0;
        while (model->rowAt(row).item.state != outbox::kQueued)
            ++row;
        const QString waiting = model->rowAt(row).item.text.clientId;
        // Another process (sak-agent --cancel) changes an item; the cloud queues a new one.
        QVERIFY(m_fixture.store->cancelOutbound(waiting, 1));
        QVERIFY(m_fixture.enqueue(u"new-1"_s, chatOf(1), u"Fresh"_s));
        QTRY_COMPARE_WITH_TIMEOUT(model->rowAt(0).item.text.clientId, u"new-1"_s, 5000);
        QCOMPARE(model->rowAt(row + 1).item.text.clientId, waiting);
        QCOMPARE(model->rowAt(row + 1).item.state, outbox::kCancelled);
        QCOMPARE(model->totalCount(), kItems + 1);
    }

    void pauseAndResume()
    {
        QPushButton *pause = nullptr;
        for (auto *b : m_window->findChildren<QPushButton *>()) {
            if (b->text() == u"Pause sending"_s)
                pause = b;
        }
        QVERIFY(pause);
        QTest::mouseClick(pause, Qt::LeftButton);
        QVERIFY(m_fixture.pipeline->isPaused());
        QCOMPARE(pause->text(), u"Resume sending"_s);
        QTest::mouseClick(pause, Qt::LeftButton);
        QVERIFY(!m_fixture.pipeline->isPaused());
    }

    void cleanupTestCase() { m_window.reset(); }

private:
    test::GuiFixture m_fixture;
    std::unique_ptr<OutboxWindow> m_window;
};

QTEST_MAIN(TestOutboxWindow)
#include "tst_outboxwindow.moc"
