#pragma once

#include "cloud-stub/stubserver.h"

#include <QSslConfiguration>
#include <QString>
#include <QUrl>

#include <memory>

// Helpers shared by the tests: the generated certificates and an in-process cloud stub.
namespace sak::test {

QString certPath(const QString &name); // e.g. "ca.pem", "server.pem"
QString serverPin();                   // the stub key's SPKI pin (base64)
// TLS settings that trust the test CA (and the system's), as the agent's --ca-file does.
QSslConfiguration trustingTestCa();

// Starts the stub on free loopback ports with the test certificate and the bundled rules;
// fails the calling test when it cannot.
std::unique_ptr<stub::StubServer> startStub(const QString &stateFile = {});

QString rulesPath();

// Standard deviation over mean: how irregular a series is (0 for a fixed interval).
double coefficientOfVariation(const QList<double> &values);

// Pairs a new device of the tenant with the in-process stub, as the agent's --pair does.
cloud::Credentials pairDevice(stub::StubServer &stub, const QString &tenantId);

struct HttpAnswer
{
    int status = 0; // 0: no answer within 10 s
    QByteArray body;
};
// A request to a local HTTP endpoint (never through a proxy), with an Authorization header
// when one is given.
HttpAnswer httpRequest(const QByteArray &method, const QUrl &url,
                       const QByteArray &authorization = {});

} // namespace sak::test
