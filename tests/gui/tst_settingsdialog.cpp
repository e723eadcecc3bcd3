#include "agent/config/agentconfig.h"
#include "agent/platform/autostart.h"
#include "ui/settingsdialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeEdit>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

// The settings window reads the configuration file, writes it back only when it is valid, and
// what it wrote is what the agent reads at its next start.
class TestSettingsDialog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        qputenv("XDG_CONFIG_HOME", m_dir->filePath(u"xdg"_s).toUtf8());
        m_ini = m_dir->filePath(u"sak-agent.ini"_s);
        QFile file(m_ini);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("[cloud]\nurl=https://cloud.example\n[pacing]\nper-minute=12\nhourly-cap=80\n"
                   "quiet-hours=22:30-07:00\n[whatsapp]\nallowed-groups=120363000001@g.us\n"
                   "account=shop\n");
        file.close();
        m_autostart = std::make_unique<Autostart>(u"/usr/bin/sak-agent"_s, QStringList());
    }

    void showsTheFileAndWritesItBack()
    {
        const auto config = load();
        QVERIFY(config);
        SettingsDialog dialog(config.value(), m_ini, m_autostart.get());
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCOMPARE(child<QLineEdit>(u"cloudUrl"_s)->text(), u"https://cloud.example"_s);
        QCOMPARE(child<QSpinBox>(u"perMinute"_s)->value(), 12);
        QCOMPARE(child<QSpinBox>(u"hourlyCap"_s)->value(), 80);
        QCOMPARE(child<QSpinBox>(u"dailyCap"_s)->value(), 600); // the default
        QCOMPARE(child<QPlainTextEdit>(u"groups"_s)->toPlainText(), u"120363000001@g.us"_s);
        auto times = dialog.findChildren<QTimeEdit *>();
        QCOMPARE(times.size(), 2);
        QCOMPARE(times.at(0)->time(), QTime(22, 30));
        QCOMPARE(times.at(1)->time(), QTime(7, 0));

        // The owner changes things.
        child<QSpinBox>(u"perMinute"_s)->setValue(8);
        child<QSpinBox>(u"dailyCap"_s)->setValue(300);
        child<QPlainTextEdit>(u"groups"_s)
            ->setPlainText(u"120363000001@g.us\n\n  120363000002@g.us  \n"_s);
        times.at(0)->setTime(QTime(20, 0));
        auto *language = dialog.findChild<QComboBox *>();
        language->setCurrentIndex(language->findData(u"de"_s));
        QCheckBox *login = nullptr;
        for (auto *box : dialog.findChildren<QCheckBox *>()) {
            if (box->text().contains(u"log in"_s))
                login = box;
        }
        QVERIFY(login && login->isEnabled());
        login->setChecked(true);
        QSignalSpy saved(&dialog, &SettingsDialog::saved);
        QVERIFY(dialog.save());
        QCOMPARE(saved.size(), 1);

        const auto reread = load();
        QVERIFY(reread);
        QCOMPARE(reread.value().pacing.globalPerMinute, 8.0);
        QCOMPARE(reread.value().pacing.hourlyCap, 80);
        QCOMPARE(reread.value().pacing.dailyCap, 300);
        QCOMPARE(reread.value().pacing.quietStart, QTime(20, 0));
        QCOMPARE(reread.value().pacing.quietEnd, QTime(7, 0));
        QCOMPARE(reread.value().allowedGroups,
                 (QStringList{u"120363000001@g.us"_s, u"120363000002@g.us"_s}));
        QCOMPARE(reread.value().language, u"de"_s);
        QCOMPARE(reread.value().account, u"shop"_s); // settings it does not show are kept
        QVERIFY(m_autostart->isEnabled());

        // Quiet hours off, start on login off.
        for (auto *box : dialog.findChildren<QCheckBox *>()) {
            if (box != login)
                box->setChecked(false);
        }
        login->setChecked(false);
        QVERIFY(dialog.save());
        QCOMPARE(load().value().pacing.quietStart, load().value().pacing.quietEnd);
        QVERIFY(!m_autostart->isEnabled());
    }

    void refusesWhatWouldNotStart_data()
    {
        QTest::addColumn<QString>("cloudUrl");
        QTest::addColumn<QString>("groups");
        QTest::addColumn<QString>("error");
        QTest::newRow("plain http")
            << u"http://cloud.example"_s << QString() << u"not an https:// URL"_s;
        QTest::newRow("not a group id")
            << u"https://cloud.example"_s << u"4917000000@c.us"_s << u"not a group id"_s;
    }

    void refusesWhatWouldNotStart()
    {
        QFETCH(QString, cloudUrl);
        QFETCH(QString, groups);
        QFETCH(QString, error);
        QFile file(m_ini);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray before = file.readAll();
        file.close();
        SettingsDialog dialog(load().value(), m_ini, m_autostart.get());
        child<QLineEdit>(u"cloudUrl"_s, &dialog)->setText(cloudUrl);
        child<QPlainTextEdit>(u"groups"_s, &dialog)->setPlainText(groups);
        QSignalSpy saved(&dialog, &SettingsDialog::saved);
        QVERIFY(!dialog.save());
        QVERIFY2(dialog.errorText().contains(error), qPrintable(dialog.errorText()));
        QCOMPARE(saved.size(), 0);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), before); // untouched
        QVERIFY(!QFile::exists(m_ini + u".new"_s));
    }

private:
    Result<AgentConfig> load()
    {
        return AgentConfig::resolve(m_ini, true, {}, m_dir->filePath(u"data"_s));
    }
    template<typename T>
    T *child(const QString &name, QWidget *in = nullptr)
    {
        if (!in) {
            for (QWidget *w : QApplication::topLevelWidgets()) {
                if (w->isVisible() && w->objectName() == u"settingsDialog"_s)
                    in = w;
            }
        }
        return in ? in->findChild<T *>(name) : nullptr;
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_ini;
    std::unique_ptr<Autostart> m_autostart;
};

QTEST_MAIN(TestSettingsDialog)
#include "tst_settingsdialog.moc"
