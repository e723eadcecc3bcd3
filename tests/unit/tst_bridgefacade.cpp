#include "agent/protocol/bridgeprotocol.h"
#include "bridge/bridgefacade.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

class TestBridgeFacade : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void forwardsEventsAsUtf8()
    {
        QList<QByteArray> events;
        BridgeFacade facade([&](const QByteArray &json) { events.append(json); });
        facade.post(uR"({"kind":"qr","qr":"ü"})"_s);
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.at(0),
                 QByteArray(R"({"kind":"qr","qr":")") + QByteArray("\xc3\xbc") + "\"}");
    }

    void dropsOversizedEvents()
    {
        int calls = 0;
        BridgeFacade facade([&](const QByteArray &) { ++calls; });
        facade.post(QString(bridge::kMaxEventBytes + 1, u'x'));
        QCOMPARE(calls, 0);
    }

    void commandsGoOutAsText()
    {
        BridgeFacade facade([](const QByteArray &) {});
        QSignalSpy commands(&facade, &BridgeFacade::command);
        facade.sendCommand(R"({"cmd":"sendText"})");
        QCOMPARE(commands.size(), 1);
        QCOMPARE(commands.at(0).at(0).toString(), uR"({"cmd":"sendText"})"_s);
    }

    // The facade is all the page's relay can reach: it must publish nothing but post() and
    // the command signal (plus QObject's own destroyed/objectNameChanged).
    void publishesOnlyItsSmallSurface()
    {
        const QMetaObject &meta = BridgeFacade::staticMetaObject;
        QStringList own;
        for (int i = meta.methodOffset(); i < meta.methodCount(); ++i)
            own.append(QString::fromLatin1(meta.method(i).methodSignature()));
        own.sort();
        QCOMPARE(own, QStringList({u"command(QString)"_s, u"post(QString)"_s}));
        QCOMPARE(meta.propertyCount(), meta.propertyOffset());
    }
};

QTEST_GUILESS_MAIN(TestBridgeFacade)
#include "tst_bridgefacade.moc"
