// sak-bench-outbox: the outbox viewer over a real encrypted store of 100,000 items: opening,
// scrolling page by page, filtering, searching, live refreshes and painting, and the memory
// it takes once every row is loaded. Runs offscreen; prints its figures.

#include "tests/gui/guifixture.h"
#include "ui/outboxmodel.h"
#include "ui/outboxwindow.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QScrollBar>
#include <QTableView>

#include <algorithm>
#include <cstdio>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

namespace {

constexpr int kItems = 100000;

double ms(const QElapsedTimer &t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

long rssKiB()
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLong();
    }
    return -1;
}

// The median of `runs` timings of `work`, in milliseconds.
template<typename Work>
double median(int runs, Work work)
{
    QList<double> times;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer t;
        t.start();
        work();
        times.append(ms(t));
    }
    std::sort(times.begin(), times.end());
    return times.at(times.size() / 2);
}

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    test::GuiFixture fixture;
    if (!fixture.open())
        return 1;

    QElapsedTimer fill;
    fill.start();
    const Status filled = fixture.store->inTransaction([&]() -> Status {
        for (int i = 0; i < kItems; ++i) {
            if (!fixture.enqueue(u"c%1"_s.arg(i),
                                 u"49170%1@c.us"_s.arg(i % 500, 7, 10, QChar(u'0')),
                                 u"Order %1 is ready for pickup at the counter"_s.arg(i)))
                return Error{u"bench"_s, u"enqueue failed"_s};
        }
        return Done{};
    });
    if (!filled)
        return 1;
    for (int i = 0; i < kItems; i += 100)
        fixture.store->setOutboundState(u"c%1"_s.arg(i), outbox::kFailed, u"Not on WhatsApp"_s);
    std::printf("store: %d items queued in one transaction in %.0f ms\n", kItems, ms(fill));
    const long rssBefore = rssKiB();

    QElapsedTimer open;
    open.start();
    OutboxWindow window(fixture.store.get(), fixture.pipeline.get());
    window.resize(1100, 600);
    window.show();
    QApplication::processEvents();
    std::printf("open the window (count + first page + first paint): %.1f ms\n", ms(open));

    OutboxModel *model = window.model();
    QTableView *view = window.view();
    const double paint = median(21, [&] { view->viewport()->grab(); });
    std::printf("paint the visible rows: %.2f ms (median of 21)\n", paint);

    QList<double> pages;
    while (model->canFetchMore({})) {
        QElapsedTimer t;
        t.start();
        view->scrollToBottom(); // the view asks for the next page
        QApplication::processEvents();
        pages.append(ms(t));
    }
    std::sort(pages.begin(), pages.end());
    std::printf("scroll to the end, page by page (%d rows a page): median %.2f ms, p99 %.2f ms, "
                "%lld pages, %d rows loaded\n",
                OutboxModel::kPageSize, pages.at(pages.size() / 2),
                pages.at(pages.size() * 99 / 100), qlonglong(pages.size()), model->rowCount());
    std::printf("memory with every row loaded: +%ld KiB over the store alone (%ld KiB resident)\n",
                rssKiB() - rssBefore, rssKiB());

    const double paintEnd = median(21, [&] { view->viewport()->grab(); });
    std::printf("paint at the end of 100,000 rows: %.2f ms\n", paintEnd);

    const double idle = median(51, [&] { model->refresh(); });
    std::printf("live refresh, nothing changed: %.2f ms\n", idle);
    int n = 0;
    const double oneChange = median(51, [&] {
        fixture.store->setOutboundState(u"c%1"_s.arg(++n * 7 + 1), outbox::kCancelled);
        model->refresh();
    });
    std::printf("live refresh, one item changed (all loaded): %.2f ms\n", oneChange);

    struct Filter
    {
        const char *name;
        OutboxWindow::Show show;
        QString chat;
        QString search;
    };
    for (const Filter &f :
         {Filter{"state = failed", OutboxWindow::Show::Failed, {}, {}},
          Filter{"one chat", OutboxWindow::Show::All, u"491700000042@c.us"_s, {}},
          Filter{"search 'order 4242 '", OutboxWindow::Show::All, {}, u"order 4242 is"_s},
          Filter{"everything again", OutboxWindow::Show::All, {}, {}}}) {
        QElapsedTimer t;
        t.start();
        window.setShown(f.show);
        window.setChat(f.chat);
        window.setSearch(f.search);
        QApplication::processEvents();
        std::printf("filter %-22s %6.1f ms, %lld match(es)\n", f.name, ms(t),
                    qlonglong(model->totalCount()));
    }
    return 0;
}
