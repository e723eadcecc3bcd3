#include "agent/platform/qrcode.h"

#include <qrencode.h>

#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {
constexpr int kQuietZone = 2; // modules of light border; 4 is the standard, 2 scans fine on screens
} // namespace

Result<QrCode> QrCode::encode(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    // Medium error correction: a photo of a screen loses a little.
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString8bit(utf8.constData(), 0, QR_ECLEVEL_M), &QRcode_free);
    if (!code)
        return Error{
            u"qr-code"_s,
            u"The pairing text (%1 bytes) cannot be drawn as a QR code."_s.arg(utf8.size())};
    QrCode qr;
    qr.m_size = code->width;
    qr.m_modules.reserve(qsizetype(code->width) * code->width);
    for (int i = 0; i < code->width * code->width; ++i)
        qr.m_modules.append((code->data[i] & 1) != 0);
    return qr;
}

QString QrCode::toTerminal() const
{
    const auto at = [this](int x, int y) {
        return x >= 0 && y >= 0 && x < m_size && y < m_size && dark(x, y);
    };
    QString out;
    for (int y = -kQuietZone; y < m_size + kQuietZone; y += 2) {
        for (int x = -kQuietZone; x < m_size + kQuietZone; ++x) {
            // Light modules are drawn (the terminal's background is usually dark).
            const bool top = !at(x, y);
            const bool bottom = y + 1 < m_size + kQuietZone && !at(x, y + 1);
            out += top && bottom ? u'\u2588' : top ? u'\u2580' : bottom ? u'\u2584' : u' ';
        }
        out += u'\n';
    }
    return out;
}

QByteArray QrCode::toPbm(int scale, int quietZone) const
{
    const int side = (m_size + 2 * quietZone) * scale;
    const int bytesPerRow = (side + 7) / 8;
    QByteArray pbm = "P4\n" + QByteArray::number(side) + ' ' + QByteArray::number(side) + '\n';
    const qsizetype header = pbm.size();
    pbm.append(qsizetype(bytesPerRow) * side, '\0'); // 0 is white in PBM
    for (int y = 0; y < m_size; ++y) {
        for (int x = 0; x < m_size; ++x) {
            if (!dark(x, y))
                continue;
            for (int py = (y + quietZone) * scale; py < (y + quietZone + 1) * scale; ++py) {
                char *row = pbm.data() + header + qsizetype(py) * bytesPerRow;
                for (int px = (x + quietZone) * scale; px < (x + quietZone + 1) * scale; ++px)
                    row[px / 8] = char(row[px / 8] | (0x80 >> (px % 8)));
            }
        }
    }
    return pbm;
}

} // namespace sak
