#include "tests/support/testenv.h"

#include <cmath>
#include <memory>

#include <QDateTime>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace sak::test {

QString certPath(const QString &name)
{
    return QStringLiteral(SAK_TEST_CERT_DIR) + u'/' + name;
}

QString serverPin()
{
    QFile file(certPath(u"server.spki"_s));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("Test certificates are missing: build the sak_test_certs target");
    return QString::fromLatin1(file.readAll().trimmed());
}

QSslConfiguration trustingTestCa()
{
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.addCaCertificates(QSslCertificate::fromPath(certPath(u"ca.pem"_s)));
    return tls;
}

double coefficientOfVariation(const QList<double> &values)
{
    if (values.isEmpty())
        return 0;
    double mean = 0;
    for (double v : values)
        mean += v / double(values.size());
    double variance = 0;
    for (double v : values)
        variance += (v - mean) * (v - mean) / double(values.size());
    return mean > 0 ? std::sqrt(variance) / mean : 0;
}

QString rulesPath()
{
    return QStringLiteral(SAK_SOURCE_DIR) + u"/cloud-stub/data/rules.json"_s;
}

std::unique_ptr<stub::StubServer> startStub(const QString &stateFile)
{
    auto server = std::make_unique<stub::StubServer>();
    stub::StubOptions options;
    options.httpsPort = 0;
    options.controlPort = 0;
    options.jobsPort = 0;
    options.certFile = certPath(u"server.pem"_s);
    options.keyFile = certPath(u"server.key"_s);
    options.rulesFile = rulesPath();
    options.stateFile = stateFile;
    const auto started = server->start(options);
    if (!started) {
        qWarning("stub did not start: %s", qPrintable(started.error().message));
        return nullptr;
    }
    return server;
}

cloud::Credentials pairDevice(stub::StubServer &stub, const QString &tenantId)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QString code =
        stub.cloud().devices().createPairingCode(tenantId, now).value(u"code"_s).toString();
    auto credentials = stub.cloud().devices().pair({code, u"test"_s, u"0"_s}, now);
    if (!credentials)
        qFatal("pairing failed: %s", qPrintable(credentials.error().message));
    return credentials.value();
}

HttpAnswer httpRequest(const QByteArray &method, const QUrl &url, const QByteArray &authorization)
{
    QNetworkAccessManager network;
    network.setProxy(QNetworkProxy::NoProxy);
    QNetworkRequest request(url);
    if (!authorization.isEmpty())
        request.setRawHeader("Authorization", authorization);
    std::unique_ptr<QNetworkReply> reply(network.sendCustomRequest(request, method));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(10000))
        return {};
    return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
}

} // namespace sak::test
