#include "agent/base/logging.h"
#include "agent/platform/unixsignals.h"
#include "cloud-stub/stubserver.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>

using namespace Qt::Literals::StringLiterals;

int main(int argc, char *argv[])
{
    sak::setUpLogging();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"sak-cloud-stub"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(SAK_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Local stand-in for the SAK cloud server and for WhatsApp Web (simulator), for demos and "
        u"tests.\n"
        "HTTPS: the cloud protocol under /v1 and the WhatsApp Web simulator under /wa/.\n"
        "Loopback HTTP: the customer panel (/customer), the simulator control API (/control) and the admin API (/admin)."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption address(u"address"_s,
                                     u"Address the HTTPS listener binds to (default 127.0.0.1)."_s,
                                     u"ip"_s, u"127.0.0.1"_s);
    const QCommandLineOption port(u"port"_s, u"HTTPS port (default 8443; 0 picks a free one)."_s,
                                  u"port"_s, u"8443"_s);
    const QCommandLineOption controlPort(
        u"control-port"_s,
        u"Loopback HTTP port of the panel and control API (default 8080; 0 picks a free one)."_s,
        u"port"_s, u"8080"_s);
    const QCommandLineOption cert(
        u"cert"_s, u"Server certificate chain, PEM (see scripts/make-certs.sh)."_s, u"file"_s);
    const QCommandLineOption key(u"key"_s, u"Server private key, PEM."_s, u"file"_s);
    const QCommandLineOption rules(u"rules"_s,
                                   u"Reply rules, JSON (default: the bundled coffee-shop rules)."_s,
                                   u"file"_s, u":/sak/stub/data/rules.json"_s);
    const QCommandLineOption business(
        u"business-number"_s,
        u"Phone number of the simulated business account (default 15550100200)."_s, u"digits"_s,
        u"15550100200"_s);
    const QCommandLineOption state(
        u"state-file"_s,
        u"Keep paired devices in this JSON file, so that they survive a restart."_s, u"file"_s);
    const QCommandLineOption jobsPort(
        u"jobs-port"_s,
        u"Port of the job channel, a secure WebSocket (default 8444; 0 picks a free one)."_s,
        u"port"_s, u"8444"_s);
    parser.addOptions({address, port, controlPort, jobsPort, cert, key, rules, business, state});
    parser.process(app);

    auto fail = [](const QString &message) {
        std::fprintf(stderr, "sak-cloud-stub: %s\n", qPrintable(message));
        return 2;
    };
    if (!parser.isSet(cert) || !parser.isSet(key))
        return fail(
            u"--cert and --key are required; scripts/make-certs.sh creates a local CA and a server certificate."_s);

    sak::stub::StubOptions options;
    options.address = QHostAddress(parser.value(address));
    if (options.address.isNull())
        return fail(u"--address '%1' is not an IP address."_s.arg(parser.value(address)));
    bool portOk = false;
    bool controlOk = false;
    options.httpsPort = parser.value(port).toUShort(&portOk);
    options.controlPort = parser.value(controlPort).toUShort(&controlOk);
    bool jobsOk = false;
    options.jobsPort = parser.value(jobsPort).toUShort(&jobsOk);
    controlOk = controlOk && jobsOk;
    if (!portOk || !controlOk)
        return fail(u"--port and --control-port take a number from 0 to 65535."_s);
    options.certFile = parser.value(cert);
    options.keyFile = parser.value(key);
    options.rulesFile = parser.value(rules);
    options.businessNumber = parser.value(business);
    options.stateFile = parser.value(state);

    // A stop (SIGTERM, Ctrl+C) ends the event loop, so that the server writes its state file
    // before it goes: a restarted stub goes on where this one stopped.
    sak::UnixSignals termination;
    QObject::connect(&termination, &sak::UnixSignals::terminationRequested, &app,
                     [] { QCoreApplication::quit(); });
    sak::stub::StubServer server;
    if (const auto started = server.start(options); !started)
        return fail(started.error().message);

    const QString host = options.address.toString();
    std::printf("sak-cloud-stub %s ready\n"
                "  cloud API           https://%s:%u/v1/\n"
                "  job channel         wss://%s:%u/v1/jobs\n"
                "  WhatsApp simulator  https://%s:%u/wa/\n"
                "  admin page          http://127.0.0.1:%u/admin\n"
                "  customer panel      http://127.0.0.1:%u/customer\n",
                SAK_VERSION, qPrintable(host), server.httpsPort(), qPrintable(host),
                server.jobsPort(), qPrintable(host), server.httpsPort(), server.controlPort(),
                server.controlPort());
    std::fflush(stdout);
    return app.exec();
}
