#pragma once

#include "agent/base/result.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace sak {

// A QR code (libqrencode) for the pairing string WhatsApp Web shows, so that a kiosk without
// a screen can be paired from a terminal or from a PNG copied off the box.
class QrCode
{
public:
    static Result<QrCode> encode(const QString &text);

    int size() const { return m_size; } // modules per side, without the quiet zone
    bool dark(int x, int y) const { return m_modules.at(y * m_size + x); }

    // Two rows of modules per line with Unicode half blocks, dark modules drawn as blank on a
    // light frame so the code scans on the usual dark terminal; with the quiet zone around.
    QString toTerminal() const;
    // The one picture of the code, for the kiosk's PNG and the pairing window: a binary PBM
    // (black on white) with `scale` pixels per module and `quietZone` light modules around.
    // PBM rather than a QImage keeps this library free of QtGui; QImage reads it
    // (QImage::fromData(bytes, "PBM")).
    QByteArray toPbm(int scale, int quietZone) const;

private:
    int m_size = 0;
    QList<bool> m_modules;
};

} // namespace sak
