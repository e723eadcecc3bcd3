#include "agent/status/metrics.h"

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace sak {

Histogram::Histogram(QList<double> upperBounds)
    : m_bounds(std::move(upperBounds))
    , m_counts(m_bounds.size() + 1, 0)
{
    std::sort(m_bounds.begin(), m_bounds.end());
}

void Histogram::observe(double value)
{
    const auto bucket = std::lower_bound(m_bounds.cbegin(), m_bounds.cend(), value);
    ++m_counts[bucket - m_bounds.cbegin()];
    m_sum += value;
    ++m_count;
}

QList<quint64> Histogram::cumulativeCounts() const
{
    QList<quint64> cumulative;
    quint64 running = 0;
    for (quint64 c : m_counts) {
        running += c;
        cumulative.append(running);
    }
    return cumulative;
}

namespace {

QString number(double value)
{
    if (std::isinf(value))
        return value > 0 ? u"+Inf"_s : u"-Inf"_s;
    return QString::number(value, 'g', 15);
}

// Label values escape backslash, double quote and newline.
QString labelValue(QString value)
{
    return value.replace(u'\\', u"\\\\"_s).replace(u'"', u"\\\""_s).replace(u'\n', u"\\n"_s);
}

} // namespace

void MetricsWriter::family(const QString &name, const char *type, const QString &help)
{
    QString escaped = help;
    escaped.replace(u'\\', u"\\\\"_s).replace(u'\n', u"\\n"_s);
    m_text += u"# HELP %1 %2\n# TYPE %1 %3\n"_s.arg(name, escaped, QLatin1String(type)).toUtf8();
}

void MetricsWriter::sample(const QString &name, double value, const Labels &labels)
{
    QString line = name;
    if (!labels.isEmpty()) {
        QStringList parts;
        for (const auto &[key, v] : labels)
            parts.append(u"%1=\"%2\""_s.arg(key, labelValue(v)));
        line += u'{' + parts.join(u',') + u'}';
    }
    m_text += (line + u' ' + number(value) + u'\n').toUtf8();
}

void MetricsWriter::histogram(const QString &name, const QString &help, const Histogram &histogram)
{
    family(name, "histogram", help);
    const QList<quint64> counts = histogram.cumulativeCounts();
    for (qsizetype i = 0; i < histogram.upperBounds().size(); ++i)
        sample(name + u"_bucket"_s, double(counts.at(i)),
               {{u"le"_s, number(histogram.upperBounds().at(i))}});
    sample(name + u"_bucket"_s, double(histogram.count()), {{u"le"_s, u"+Inf"_s}});
    sample(name + u"_sum"_s, histogram.sum());
    sample(name + u"_count"_s, double(histogram.count()));
}

} // namespace sak
