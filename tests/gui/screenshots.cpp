// sak-screenshots OUTDIR: renders each window of the desktop UI with sample data into PNG
// files (scripts/screenshots.sh runs it under Xvfb for docs/screenshots/). The data is made
// up; the windows are the real ones.
#include "tests/gui/guifixture.h"
#include "ui/outboxwindow.h"
#include "ui/pairingwindow.h"
#include "ui/settingsdialog.h"
#include "ui/translations.h"
#include "ui/trayicon.h"

#include <QApplication>
#include <QDir>
#include <QLineEdit>
#include <QMenu>
#include <QPainter>
#include <QTableView>

#include <cstdio>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

namespace {

QString g_out;
bool g_ok = true;

void save(QWidget *window, const QString &name)
{
    window->show();
    if (!QTest::qWaitForWindowExposed(window))
        std::fprintf(stderr, "sak-screenshots: %s was not shown\n", qPrintable(name));
    QTest::qWait(200);
    const QString path = g_out + u'/' + name + u".png"_s;
    if (!window->grab().save(path)) {
        std::fprintf(stderr, "sak-screenshots: cannot write %s\n", qPrintable(path));
        g_ok = false;
        return;
    }
    std::printf("%s\n", qPrintable(path));
    window->hide();
}

void fillOutbox(test::GuiFixture &f)
{
    const QStringList bodies{u"Your order #1042 is ready for pickup."_s,
                             u"A cappuccino is 3.20 €, a latte 3.50 €."_s,
                             u"New beans are in: Ethiopia Yirgacheffe!"_s,
                             u"We open at 8:00 tomorrow."_s, u"Thank you! See you soon."_s};
    const QStringList states{outbox::kRead,   outbox::kDelivered, outbox::kSent,
                             outbox::kFailed, outbox::kQueued,    outbox::kUnknown};
    for (int i = 0; i < 24; ++i) {
        const QString id = u"demo-%1"_s.arg(i);
        f.enqueue(id, u"4915112%1@c.us"_s.arg(34500 + i * 7), bodies.at(i % bodies.size()));
        const QString target = states.at(i % states.size());
        if (target == outbox::kQueued)
            continue;
        if (target == outbox::kFailed) {
            f.store->setOutboundState(id, outbox::kFailed, u"This number is not on WhatsApp"_s);
            continue;
        }
        f.store->setOutboundState(id, outbox::kSending);
        if (target == outbox::kUnknown) {
            f.store->setOutboundState(id, outbox::kUnknown, u"The agent stopped while sending"_s);
            continue;
        }
        for (const QString &s : {outbox::kSent, outbox::kDelivered, outbox::kRead}) {
            f.store->setOutboundState(id, s);
            if (s == target)
                break;
        }
    }
}

void pairing(const QString &suffix)
{
    test::FakeSession session;
    session.setState(SessionState::NeedsPairing);
    PairingWindow window;
    window.setCloudPairing([](const QUrl &, const QString &, auto done) { done(Done{}); },
                           QUrl(u"https://cloud.sak.example"_s));
    window.findChild<QLineEdit *>(u"code"_s)->setText(u"K7PQ-2M9X"_s);
    window.showStep(PairingWindow::Step::Cloud);
    save(&window, u"pairing-1-cloud"_s + suffix);
    window.setSession(&session);
    window.showStep(PairingWindow::Step::WhatsApp);
    Q_EMIT session.qrCodeChanged(
        u"2@Rk9SX1NDUkVFTlNIT1RTX09OTFk=,bm90IGEgcmVhbCBrZXk=,c2NyZWVuc2hvdA==,ZGVtbw=="_s);
    save(&window, u"pairing-2-whatsapp"_s + suffix);
    session.setState(SessionState::Connected);
    save(&window, u"pairing-3-done"_s + suffix);
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: sak-screenshots OUTDIR\n");
        return 2;
    }
    g_out = QString::fromLocal8Bit(argv[1]);
    QDir().mkpath(g_out);

    test::GuiFixture fixture;
    if (!fixture.open()) {
        std::fprintf(stderr, "sak-screenshots: the sample store cannot be created\n");
        return 2;
    }
    fillOutbox(fixture);

    for (const QString &language : {u"en"_s, u"de"_s, u"ar"_s}) {
        applyLanguage(language);
        const QString suffix = language == u"en"_s ? QString() : u'-' + language;
        pairing(suffix);
        OutboxWindow outbox(fixture.store.get(), fixture.pipeline.get());
        outbox.resize(1100, 520);
        outbox.view()->selectRow(3);
        save(&outbox, u"outbox"_s + suffix);
        if (language != u"en"_s)
            continue;
        AgentConfig config;
        config.cloudUrl = QUrl(u"https://cloud.sak.example"_s);
        config.allowedGroups = {u"120363025555555555@g.us"_s};
        SettingsDialog settings(config, fixture.dir.filePath(u"sak-agent.ini"_s), nullptr);
        save(&settings, u"settings"_s);
        TrayIcon tray(fixture.status.get());
        fixture.session.setState(SessionState::Connected);
        save(tray.menu(), u"tray-menu"_s);
    }

    // The tray's six states side by side.
    QWidget strip;
    strip.setFixedSize(6 * 96, 64);
    QPixmap icons(strip.size());
    icons.fill(Qt::white);
    {
        QPainter p(&icons);
        for (int i = 0; i <= int(AgentStatus::Overall::Connected); ++i)
            p.drawPixmap(i * 96 + 16, 0, TrayIcon::iconFor(AgentStatus::Overall(i)).pixmap(64));
    }
    if (!icons.save(g_out + u"/tray-icons.png"_s))
        g_ok = false;
    return g_ok ? 0 : 1;
}
