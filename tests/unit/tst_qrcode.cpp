#include "agent/platform/qrcode.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace sak;

class TestQrCode : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // A WhatsApp pairing string (ref and three base64 keys) as a version 6-ish code.
    void encodesThePairingString()
    {
        const QString pairing = u"2@Xq1fJ8m3Kp0vYb6uR9sLzQwE4tHnC2aD7gV5iO1kMjP3,"
                                u"h8Z0yT5bW3qR7uN1mK4vX9cF2dS6gJ0aL8pE3tY7oU=,"
                                u"Qf5Lk2Rz8Wn1Xb4Vc7Md0Hs3Ty6Gu9Pa2Je5Ki8Ol1Nq=,"
                                u"Cx3Vb6Nm9Qw2Er5Ty8Ui1Op4As7Df0Gh3Jk6Lz9Xc=,"
                                u"web"_s;
        const auto code = QrCode::encode(pairing);
        QVERIFY(code);
        const int size = code.value().size();
        QCOMPARE((size - 17) % 4, 0); // 17 + 4 x version
        QVERIFY(size >= 41);          // 170 bytes need at least version 6 at level M
        // The three finder patterns: dark 7x7 rings with a dark 3x3 centre.
        for (const auto &[ox, oy] : {std::pair{0, 0}, {size - 7, 0}, {0, size - 7}}) {
            QVERIFY(code.value().dark(ox, oy));
            QVERIFY(code.value().dark(ox + 6, oy + 6));
            QVERIFY(!code.value().dark(ox + 1, oy + 1));
            QVERIFY(code.value().dark(ox + 3, oy + 3));
        }
        QVERIFY(!code.value().dark(7, 7)); // the separator
    }

    void drawsForATerminal()
    {
        const auto code = QrCode::encode(u"2@short,a,b,c,web"_s);
        QVERIFY(code);
        const QStringList lines = code.value().toTerminal().split(u'\n', Qt::SkipEmptyParts);
        const int side = code.value().size() + 4; // with the quiet zone
        QCOMPARE(lines.size(), (side + 1) / 2);
        for (const QString &line : lines) {
            QCOMPARE(line.size(), side);
            for (const QChar c : line)
                QVERIFY(QStringView(u" \u2580\u2584\u2588").contains(c));
        }
        // The quiet zone is light, so drawn as full blocks; a finder's corner is dark.
        QCOMPARE(lines.first(), QString(side, QChar(u'\u2588')));
        QCOMPARE(lines.at(1).at(2), QChar(u' ')); // rows 0 and 1 of column 0: both dark
    }

    // The one picture of the code (the kiosk's PNG, the pairing window): a binary PBM.
    void drawsAPbm()
    {
        const auto code = QrCode::encode(u"2@short,a,b,c,web"_s);
        QVERIFY(code);
        constexpr int kScale = 3;
        constexpr int kQuietZone = 4;
        const int side = (code.value().size() + 2 * kQuietZone) * kScale;
        const QByteArray pbm = code.value().toPbm(kScale, kQuietZone);
        const QByteArray header =
            "P4\n" + QByteArray::number(side) + ' ' + QByteArray::number(side) + '\n';
        QVERIFY(pbm.startsWith(header));
        const int bytesPerRow = (side + 7) / 8;
        QCOMPARE(pbm.size(), header.size() + bytesPerRow * side);
        const auto black = [&](int px, int py) {
            const char byte = pbm.at(header.size() + py * bytesPerRow + px / 8);
            return (byte & (0x80 >> (px % 8))) != 0;
        };
        // Each module is a block of kScale pixels inside the quiet zone, which is white.
        for (int y = 0; y < code.value().size(); ++y) {
            for (int x = 0; x < code.value().size(); ++x) {
                for (int d = 0; d < kScale; ++d)
                    QCOMPARE(black((x + kQuietZone) * kScale + d, (y + kQuietZone) * kScale + d),
                             code.value().dark(x, y));
            }
        }
        for (int p = 0; p < side; ++p) {
            QVERIFY(!black(p, 0));
            QVERIFY(!black(0, p));
            QVERIFY(!black(side - 1, p));
        }
    }

    void refusesWhatDoesNotFit()
    {
        const auto code = QrCode::encode(QString(5000, u'x'));
        QVERIFY(!code);
        QVERIFY(code.error().message.contains(u"cannot be drawn"_s));
    }
};

QTEST_GUILESS_MAIN(TestQrCode)
#include "tst_qrcode.moc"
