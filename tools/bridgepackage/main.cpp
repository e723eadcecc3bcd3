// sak-bridge-package: makes a bridge package (docs/protocol.md, "Bridge packages"), the page
// half of the bridge signed with an offline release key. The format is the agent's own code
// (agent/protocol/bridgepackage.h): what this tool writes is what the agent reads.
#include "agent/protocol/bridgepackage.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStringDecoder>

#include <cstdio>
#include <optional>

using namespace Qt::Literals::StringLiterals;
namespace bp = sak::bridgepackage;

namespace {

// Every refusal: the user can fix it and run again.
constexpr int kRefused = 2;
int refuse(const QString &message)
{
    std::fprintf(stderr, "sak-bridge-package: %s\n", qPrintable(message));
    return kRefused;
}

QString tooLarge(qint64 bytes, const QString &what)
{
    return u"%1 is %2 bytes, more than the %3 a whole bridge package may have (docs/protocol.md); make the scripts smaller, or leave out --relay when the agent's own relay will do."_s
        .arg(what)
        .arg(bytes)
        .arg(bp::kMaxBytes);
}

sak::Result<QByteArray> readFile(const QString &path, const QString &what, const QString &option)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return sak::Error{u"file"_s,
                          u"Cannot read %1 %2 (%3): check the path, or give another with %4."_s.arg(
                              what, path, file.errorString(), option)};
    // A file larger than a whole package can never go into one: refused before it is read.
    if (file.size() > bp::kMaxBytes)
        return sak::Error{u"too-large"_s, tooLarge(file.size(), u"%1 %2"_s.arg(what, path))};
    return file.readAll();
}

// A script as the page will run it: UTF-8 text, taken as it is (a byte that is not UTF-8 would
// be replaced on the way, and the package would not carry the file it names).
sak::Result<QString> readScript(const QString &path, const QString &what, const QString &option)
{
    const auto bytes = readFile(path, what, option);
    if (!bytes)
        return bytes.error();
    QStringDecoder utf8(QStringDecoder::Utf8);
    QString text = utf8.decode(bytes.value());
    if (utf8.hasError())
        return sak::Error{u"encoding"_s,
                          u"%1 %2 is not UTF-8 text: save it as UTF-8 and run again."_s.arg(
                              what.at(0).toUpper() + what.mid(1), path)};
    return text;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"sak-bridge-package"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(SAK_VERSION));

    const QVersionNumber treeVersion = QVersionNumber::fromString(QStringLiteral(SAK_VERSION));
    const QVersionNumber treeSeries(treeVersion.majorVersion(), treeVersion.minorVersion());

    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Makes a bridge package: the page half of the WhatsApp bridge (the wa-js bundle, the page "
        u"adapter and optionally the relay), signed with an Ed25519 release key, for the cloud to "
        u"deliver to agents that trust the key (docs/protocol.md, \"Bridge packages\").\n"
        u"Make a key pair with scripts/bridge-package.sh --new-key DIR; agents trust its public "
        u"key when built with -DSAK_BRIDGE_KEYS=DIR/public.pem. The build's test key "
        u"(build/bridge-test-key/private.pem) is for tests and the demo only.\n"
        u"Exit status: 0 written, 2 refused (the message says why and what to do)."_s);
    parser.addHelpOption();
    const QCommandLineOption key(
        u"key"_s, u"The Ed25519 private key to sign with, PEM (required)."_s, u"pem"_s);
    const QCommandLineOption version(
        u"version"_s,
        u"The package's version, 1 to 4 numbers such as 1.2.0 (required); agents take only a version newer than the one they run."_s,
        u"x"_s);
    const QCommandLineOption agentMin(
        u"agent-min"_s,
        u"The oldest agent the package is for (default %1, this tree's)."_s.arg(
            treeVersion.toString()),
        u"version"_s, treeVersion.toString());
    const QCommandLineOption agentMax(
        u"agent-max"_s,
        u"The newest agent the package is for; a prefix takes every version that starts with it (default %1: every %1.x)."_s
            .arg(treeSeries.toString()),
        u"version"_s, treeSeries.toString());
    const QCommandLineOption library(
        u"library"_s,
        u"The wa-js bundle (default: the one this tree pins, %1)."_s.arg(
            QStringLiteral(SAK_WAJS_BUNDLE)),
        u"file"_s, QStringLiteral(SAK_WAJS_BUNDLE));
    const QCommandLineOption waJs(
        u"wa-js"_s,
        u"The wa-js bundle's version (default %1, the one this tree pins)."_s.arg(
            QStringLiteral(SAK_WAJS_VERSION)),
        u"version"_s, QStringLiteral(SAK_WAJS_VERSION));
    const QCommandLineOption pageAgent(
        u"page-agent"_s,
        u"The page adapter, with the marker %1 (default: this tree's, %2)."_s.arg(
            QLatin1String(bp::kSettingsMarker), QStringLiteral(SAK_PAGE_AGENT_FILE)),
        u"file"_s, QStringLiteral(SAK_PAGE_AGENT_FILE));
    const QCommandLineOption relay(
        u"relay"_s,
        u"The ApplicationWorld relay, only when it changed (default: none, the agent keeps its own)."_s,
        u"file"_s);
    const QCommandLineOption notes(u"notes"_s, u"What the package fixes, for the operators."_s,
                                   u"text"_s);
    const QCommandLineOption output(u"output"_s, u"The file to write the package to (required)."_s,
                                    u"file"_s);
    parser.addOptions(
        {key, version, agentMin, agentMax, library, waJs, pageAgent, relay, notes, output});
    if (!parser.parse(QCoreApplication::arguments()))
        return refuse(u"%1 See --help."_s.arg(parser.errorText()));
    if (parser.isSet(u"help"_s))
        parser.showHelp(0);
    if (!parser.positionalArguments().isEmpty())
        return refuse(u"Unexpected argument \"%1\": every input is an option; see --help."_s.arg(
            parser.positionalArguments().constFirst()));

    if (!parser.isSet(key))
        return refuse(
            u"--key is required: the Ed25519 private key (PEM) to sign with. Make a key pair with scripts/bridge-package.sh --new-key DIR."_s);
    if (!parser.isSet(version))
        return refuse(u"--version is required: the package's version, such as 1.2.0."_s);
    if (!parser.isSet(output))
        return refuse(u"--output is required: the file to write the package to."_s);

    bp::Manifest manifest;
    manifest.versionText = parser.value(version);
    const auto packageVersion = bp::parseVersion(manifest.versionText);
    if (!packageVersion)
        return refuse(
            u"--version \"%1\" is not a version the agent reads: give 1 to 4 dot-separated numbers, such as 1.2.0."_s
                .arg(manifest.versionText));
    manifest.version = *packageVersion;
    const auto minimum = bp::parseVersion(parser.value(agentMin));
    const auto maximum = bp::parseVersion(parser.value(agentMax));
    if (!minimum || !maximum)
        return refuse(
            u"--agent-min \"%1\" or --agent-max \"%2\" is not a version: give 1 to 4 dot-separated numbers, such as 0.1.0 and 0.1."_s
                .arg(parser.value(agentMin), parser.value(agentMax)));
    manifest.agentMin = *minimum;
    manifest.agentMax = *maximum;
    if (!(manifest.agentMin <= manifest.agentMax ||
          manifest.agentMax.isPrefixOf(manifest.agentMin)))
        return refuse(
            u"--agent-min %1 is above --agent-max %2: no agent would take the package. Give a range that holds the agents it is for."_s
                .arg(manifest.agentMin.toString(), manifest.agentMax.toString()));
    manifest.waJsVersion = parser.value(waJs).trimmed();
    if (manifest.waJsVersion.isEmpty() || manifest.waJsVersion.size() > 64)
        return refuse(u"--wa-js must name the bundle's wa-js version, such as 4.6.0."_s);
    if (parser.isSet(library) && !parser.isSet(waJs))
        std::fprintf(stderr,
                     "sak-bridge-package: note: --library without --wa-js; the manifest says wa-js "
                     "%s, the version this tree pins.\n",
                     SAK_WAJS_VERSION);
    manifest.notes = parser.value(notes);
    if (manifest.notes.size() > bp::kMaxNotes)
        return refuse(u"--notes has %1 characters; an agent reads at most %2. Say it shorter."_s
                          .arg(manifest.notes.size())
                          .arg(bp::kMaxNotes));
    manifest.created = QDateTime::currentDateTimeUtc();

    const auto keyPem = readFile(parser.value(key), u"the signing key"_s, u"--key"_s);
    if (!keyPem)
        return refuse(keyPem.error().message);
    const auto libraryText =
        readScript(parser.value(library), u"the wa-js bundle"_s, u"--library"_s);
    if (!libraryText)
        return refuse(libraryText.error().message);
    const auto adapterText =
        readScript(parser.value(pageAgent), u"the page adapter"_s, u"--page-agent"_s);
    if (!adapterText)
        return refuse(adapterText.error().message);
    std::optional<QString> relayText;
    if (parser.isSet(relay)) {
        const auto read = readScript(parser.value(relay), u"the relay"_s, u"--relay"_s);
        if (!read)
            return refuse(read.error().message);
        relayText = read.value();
    }
    manifest.library = libraryText.value();
    manifest.pageAgent = adapterText.value();
    manifest.relay = relayText.value_or(QString());
    if (manifest.library.trimmed().isEmpty())
        return refuse(
            u"The wa-js bundle %1 is empty: give the bundle's dist/wppconnect-wa.js with --library."_s
                .arg(parser.value(library)));
    if (relayText && manifest.relay.trimmed().isEmpty())
        return refuse(u"The relay %1 is empty: leave out --relay to keep the agent's own."_s.arg(
            parser.value(relay)));
    if (!manifest.pageAgent.contains(QLatin1String(bp::kSettingsMarker)))
        return refuse(
            u"The page adapter %1 has no %2 marker, where the agent puts its settings; keep the marker as bridge/js/pageagent.js has it and run again."_s
                .arg(parser.value(pageAgent), QLatin1String(bp::kSettingsMarker)));

    const auto signedDocument = bp::sign(manifest, keyPem.value());
    if (!signedDocument)
        return refuse(
            u"--key %1: %2 A release key pair comes from scripts/bridge-package.sh --new-key DIR."_s
                .arg(parser.value(key), signedDocument.error().message));
    const QByteArray &document = signedDocument.value();
    // A signing key others can read is a key others may have copied.
    const QFileInfo keyInfo(parser.value(key));
    if (keyInfo.permissions() & (QFile::ReadGroup | QFile::ReadOther))
        std::fprintf(stderr,
                     "sak-bridge-package: warning: %s can be read by other users; a release key "
                     "should not (chmod 600 it).\n",
                     qPrintable(keyInfo.filePath()));
    // What the agent will read, read back here: the size limit, and the form.
    const auto readBack = bp::read(document);
    if (!readBack) {
        if (readBack.error().code == u"bridge-package-too-large"_s)
            return refuse(tooLarge(document.size(), u"The package"_s));
        return refuse(
            u"The package made does not read back as one (%1) and was not written; this is a bug, please report it."_s
                .arg(readBack.error().message));
    }

    QSaveFile file(parser.value(output));
    if (!file.open(QIODevice::WriteOnly) || file.write(document) != document.size() ||
        !file.commit())
        return refuse(u"Cannot write %1 (%2): check that its folder exists and is writable."_s.arg(
            parser.value(output), file.errorString()));

    const QByteArray sha256 =
        QCryptographicHash::hash(document, QCryptographicHash::Sha256).toHex();
    std::printf("Bridge package %s written to %s\n"
                "  key      %s\n"
                "  size     %lld bytes\n"
                "  sha256   %s\n"
                "  wa-js    %s\n"
                "  agents   %s to %s\n",
                qPrintable(manifest.versionText), qPrintable(parser.value(output)),
                qPrintable(readBack.value().keyId), static_cast<long long>(document.size()),
                sha256.constData(), qPrintable(manifest.waJsVersion),
                qPrintable(manifest.agentMin.toString()), qPrintable(manifest.agentMax.toString()));
    return 0;
}
