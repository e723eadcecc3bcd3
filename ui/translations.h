#pragma once

#include <QString>

namespace sak {

// Switches the windows' language at run time: the translation of `language` ("de", "ar", ...;
// empty for the system's), Qt's own strings where Qt ships them, and the reading direction
// (right to left for Arabic). Every open window retranslates itself. Returns the language in
// use ("en" when no translation matched).
QString applyLanguage(const QString &language);

} // namespace sak
