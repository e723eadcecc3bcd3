#pragma once

#include "agent/base/result.h"

#include <QStringList>

namespace sak {

// Starting the agent when the user logs in: an XDG autostart entry on Linux
// (~/.config/autostart), the Run key of the current user on Windows.
class Autostart
{
public:
    // `program` and `arguments` are what the login starts.
    Autostart(QString program, QStringList arguments);

    bool isEnabled() const;
    Status setEnabled(bool enabled);
    // Where the entry lives (a file on Linux, a registry value on Windows), for messages.
    QString location() const;

private:
    QString m_program;
    QStringList m_arguments;
};

} // namespace sak
