#include "ui/translations.h"

#include "agent/base/logging.h"

#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace sak {

QString applyLanguage(const QString &language)
{
    static std::unique_ptr<QTranslator> ours;
    static std::unique_ptr<QTranslator> qts;
    for (auto *t : {ours.get(), qts.get()}) {
        if (t)
            QCoreApplication::removeTranslator(t);
    }
    ours.reset();
    qts.reset();

    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
    QString used = u"en"_s;
    auto translator = std::make_unique<QTranslator>();
    // The translations are compiled into the program (resources/i18n).
    if (translator->load(locale, u"sak"_s, u"_"_s, u":/i18n"_s)) {
        QCoreApplication::installTranslator(translator.get());
        ours = std::move(translator);
        used = QLocale(ours->language()).name().section(u'_', 0, 0);
        auto qt = std::make_unique<QTranslator>();
        if (qt->load(locale, u"qtbase"_s, u"_"_s,
                     QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
            QCoreApplication::installTranslator(qt.get());
            qts = std::move(qt);
        }
    } else if (!language.isEmpty() && language != u"en"_s) {
        qCWarning(lcAgent).noquote() << "No translation for" << language << "- using English";
    }
    QLocale::setDefault(used == u"en"_s && !language.isEmpty() ? QLocale(QLocale::English)
                                                               : locale);
    QApplication::setLayoutDirection(used == u"en"_s ? Qt::LeftToRight : locale.textDirection());
    return used;
}

} // namespace sak
