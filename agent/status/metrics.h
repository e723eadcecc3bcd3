#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <utility>

namespace sak {

// A latency histogram with fixed upper bounds, as Prometheus keeps them.
class Histogram
{
public:
    explicit Histogram(QList<double> upperBounds);

    void observe(double value);
    const QList<double> &upperBounds() const { return m_bounds; }
    // Observations at or below each bound (cumulative, as exposed), then the total.
    QList<quint64> cumulativeCounts() const;
    double sum() const { return m_sum; }
    quint64 count() const { return m_count; }

private:
    QList<double> m_bounds;
    QList<quint64> m_counts; // per bucket, the last one above every bound
    double m_sum = 0;
    quint64 m_count = 0;
};

// Writes metrics in Prometheus' text format (version 0.0.4): a family's HELP and TYPE once,
// then its samples.
class MetricsWriter
{
public:
    using Labels = QList<std::pair<QString, QString>>;

    void family(const QString &name, const char *type, const QString &help);
    void sample(const QString &name, double value, const Labels &labels = {});
    void histogram(const QString &name, const QString &help, const Histogram &histogram);
    QByteArray text() const { return m_text; }

private:
    QByteArray m_text;
};

} // namespace sak
