#include "app/chromiumswitches.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

// Chromium's switches from outside: the environment passes an allow-list whatever the
// spelling, the command line passes none; read the way QtWebEngine and Chromium read them.
class TestChromiumSwitches : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // As Chromium's base::CommandLine: "--" and "-" (Windows: also "/") start a switch, the
    // name ends at "=", and on Windows its case does not matter.
    void switchNames_data()
    {
        QTest::addColumn<QString>("argument");
        QTest::addColumn<QString>("name"); // null: no switch
        QTest::newRow("double dash")
            << u"--remote-debugging-port=9222"_s << u"remote-debugging-port"_s;
        QTest::newRow("single dash")
            << u"-remote-debugging-port=9222"_s << u"remote-debugging-port"_s;
        QTest::newRow("upper case")
            << u"--REMOTE-DEBUGGING-PORT=9222"_s << u"remote-debugging-port"_s;
        QTest::newRow("without a value")
            << u"--remote-debugging-pipe"_s << u"remote-debugging-pipe"_s;
        QTest::newRow("underscores are another name")
            << u"--remote_debugging_port=1"_s << u"remote_debugging_port"_s;
        QTest::newRow("triple dash is another name") << u"---x"_s << u"-x"_s;
        QTest::newRow("the end of the switches") << u"--"_s << QString();
        QTest::newRow("a dash") << u"-"_s << QString();
        QTest::newRow("a value") << u"9222"_s << QString();
#ifdef Q_OS_WIN
        QTest::newRow("slash") << u"/remote-debugging-port=1"_s << u"remote-debugging-port"_s;
#else
        QTest::newRow("slash is a path") << u"/remote-debugging-port=1"_s << QString();
#endif
    }
    void switchNames()
    {
        QFETCH(QString, argument);
        QFETCH(QString, name);
        const auto read = chromiumSwitchName(argument);
        QCOMPARE(read.has_value(), !name.isNull());
        if (read)
            QCOMPARE(*read, name);
    }

    // As QtWebEngine reads QTWEBENGINE_CHROMIUM_FLAGS.
    void flagsSplitAsQtWebEngineSplitsThem_data()
    {
        QTest::addColumn<QString>("flags");
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("spaces") << u"  --a   --b=1 "_s << QStringList{u"--a"_s, u"--b=1"_s};
        QTest::newRow("a quoted argument")
            << u"\"--a=1 2\" --b"_s << QStringList{u"--a=1 2"_s, u"--b"_s};
        QTest::newRow("a quoted value") << u"--a=\"1 2\""_s << QStringList{u"--a=1 2"_s};
        QTest::newRow("quotes inside")
            << u"--remote-\"\"debugging-port=1"_s << QStringList{u"--remote-debugging-port=1"_s};
        QTest::newRow("only quotes") << u"\"\""_s << QStringList{};
        QTest::newRow("a tab is no separator") << u"--a\t--b"_s << QStringList{u"--a\t--b"_s};
    }
    void flagsSplitAsQtWebEngineSplitsThem()
    {
        QFETCH(QString, flags);
        QFETCH(QStringList, arguments);
        QCOMPARE(splitChromiumFlags(flags), arguments);
        QCOMPARE(splitChromiumFlags(joinChromiumFlags(arguments)), arguments);
    }

    void environmentPassesOnlyTheAllowList_data()
    {
        QTest::addColumn<QString>("flags");
        QTest::addColumn<QStringList>("kept");
        QTest::addColumn<QStringList>("dropped");
        const QStringList none;
        QTest::newRow("allowed") << u"--disable-gpu --use-gl=egl --log-level=2"_s
                                 << QStringList{u"--disable-gpu"_s, u"--use-gl=egl"_s,
                                                u"--log-level=2"_s}
                                 << none;
        QTest::newRow("allowed, in another case")
            << u"--Disable-GPU"_s << QStringList{u"--Disable-GPU"_s} << none;
        QTest::newRow("debugging port")
            << u"--disable-gpu --remote-debugging-port=9222"_s << QStringList{u"--disable-gpu"_s}
            << QStringList{u"--remote-debugging-port"_s};
        QTest::newRow("single dash")
            << u"-remote-debugging-port=9222"_s << none << QStringList{u"-remote-debugging-port"_s};
        QTest::newRow("quoted") << u"\"--remote-debugging-port=9222\""_s << none
                                << QStringList{u"--remote-debugging-port"_s};
        QTest::newRow("quoted value") << u"--remote-debugging-port=\"9222\""_s << none
                                      << QStringList{u"--remote-debugging-port"_s};
        QTest::newRow("upper case") << u"--REMOTE-DEBUGGING-PORT=9222"_s << none
                                    << QStringList{u"--REMOTE-DEBUGGING-PORT"_s};
        QTest::newRow("underscores") << u"--remote_debugging_port=9222"_s << none
                                     << QStringList{u"--remote_debugging_port"_s};
        QTest::newRow("pipe") << u"--remote-debugging-pipe"_s << none
                              << QStringList{u"--remote-debugging-pipe"_s};
        QTest::newRow("origins") << u"--remote-allow-origins=*"_s << none
                                 << QStringList{u"--remote-allow-origins"_s};
        QTest::newRow("features") << u"--enable-features=Foo"_s << none
                                  << QStringList{u"--enable-features"_s};
        QTest::newRow("no sandbox") << u"--no-sandbox"_s << none << QStringList{u"--no-sandbox"_s};
        QTest::newRow("certificate pins")
            << u"--ignore-certificate-errors-spki-list=abc"_s << none
            << QStringList{u"--ignore-certificate-errors-spki-list"_s};
        QTest::newRow("V8 flags") << u"--js-flags=--allow-natives-syntax"_s << none
                                  << QStringList{u"--js-flags"_s};
        QTest::newRow("not a switch")
            << u"https://example.org/"_s << none << QStringList{u"https://example.org/"_s};
        QTest::newRow("after the end of the switches")
            << u"--disable-gpu -- --disable-gpu-compositing"_s << QStringList{u"--disable-gpu"_s}
            << QStringList{u"--"_s, u"--disable-gpu-compositing"_s};
        // A value is a value: Chromium reads no switch inside it.
        QTest::newRow("a switch inside a value")
            << u"--use-gl=\"egl --remote-debugging-port=1\""_s
            << QStringList{u"--use-gl=egl --remote-debugging-port=1"_s} << none;
    }
    void environmentPassesOnlyTheAllowList()
    {
        QFETCH(QString, flags);
        QFETCH(QStringList, kept);
        QFETCH(QStringList, dropped);
        const FilteredChromiumFlags filtered = filterChromiumFlags(splitChromiumFlags(flags));
        QCOMPARE(filtered.kept, kept);
        QCOMPARE(filtered.dropped, dropped);
        // What Chromium reads back from the rewritten variable is what was kept.
        QCOMPARE(splitChromiumFlags(joinChromiumFlags(filtered.kept)), kept);
    }

    void environmentIsRewritten()
    {
        qputenv("QTWEBENGINE_REMOTE_DEBUGGING", "127.0.0.1:9222");
        qputenv("QTWEBENGINE_CHROMIUM_FLAGS",
                "-remote-debugging-port=9223 --disable-gpu \"--remote-debugging-port=9224\"");
        filterChromiumEnvironment();
        QVERIFY(!qEnvironmentVariableIsSet("QTWEBENGINE_REMOTE_DEBUGGING"));
        QCOMPARE(qgetenv("QTWEBENGINE_CHROMIUM_FLAGS"), QByteArray("--disable-gpu"));

        // Unset, it is set empty: then QtWebEngine takes nothing from the command line.
        qunsetenv("QTWEBENGINE_CHROMIUM_FLAGS");
        filterChromiumEnvironment();
        QVERIFY(qEnvironmentVariableIsSet("QTWEBENGINE_CHROMIUM_FLAGS"));
        QCOMPARE(qgetenv("QTWEBENGINE_CHROMIUM_FLAGS"), QByteArray());
    }

    // The command line: nothing for Chromium gets through (QtWebEngine hands it what follows
    // --webEngineArgs); debugging switches are dropped with a note instead of failing the
    // start; the agent's own options and values stay.
    void commandLinePassesNoChromiumSwitch_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QStringList>("kept");
        const QString agent = u"sak-agent"_s;
        QTest::newRow("own options")
            << QStringList{agent, u"--headless"_s, u"--user-agent"_s, u"Mozilla/5.0 (X11)"_s}
            << QStringList{agent, u"--headless"_s, u"--user-agent"_s, u"Mozilla/5.0 (X11)"_s};
        QTest::newRow("a value that looks like it")
            << QStringList{agent, u"--data-dir"_s, u"/srv/remote-debugging-port"_s}
            << QStringList{agent, u"--data-dir"_s, u"/srv/remote-debugging-port"_s};
        QTest::newRow("debugging port")
            << QStringList{agent, u"--remote-debugging-port=9222"_s, u"--headless"_s}
            << QStringList{agent, u"--headless"_s};
        QTest::newRow("single dash")
            << QStringList{agent, u"-remote-debugging-port=9222"_s} << QStringList{agent};
        QTest::newRow("upper case")
            << QStringList{agent, u"--Remote-Debugging-Pipe"_s} << QStringList{agent};
        QTest::newRow("origins") << QStringList{agent, u"--remote-allow-origins=*"_s}
                                 << QStringList{agent};
        QTest::newRow("webEngineArgs") << QStringList{agent, u"--headless"_s, u"--webEngineArgs"_s,
                                                      u"--disable-gpu"_s, u"--headless"_s}
                                       << QStringList{agent, u"--headless"_s};
        QTest::newRow("webEngineArgs in another case")
            << QStringList{agent, u"--WEBENGINEARGS"_s, u"--no-sandbox"_s} << QStringList{agent};
    }
    void commandLinePassesNoChromiumSwitch()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QStringList, kept);
        QCOMPARE(withoutChromiumSwitches(arguments), kept);
    }
};

QTEST_GUILESS_MAIN(TestChromiumSwitches)
#include "tst_chromiumswitches.moc"
