#include "agent/cloud/credentials.h"
#include "app/commands/commands.h"

#include <cstdio>

#ifdef Q_OS_WIN
#include <io.h>
#else
#include <unistd.h>
#endif

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

constexpr int kMaxCodeLength = 128;

bool stdinIsTerminal()
{
#ifdef Q_OS_WIN
    return _isatty(_fileno(stdin));
#else
    return isatty(fileno(stdin));
#endif
}

// --pair CODE: exchanges a code from the cloud's dashboard for the agent's credentials. The
// code is single-use, but until it is used whoever has it can pair in the shop's place, and
// a command line is readable by every user of the computer (ps, /proc/PID/cmdline): --pair
// alone reads it from the environment (SAK_PAIRING_CODE, which only this user can read) or
// from standard input.
class Pair final : public Command
{
public:
    explicit Pair(Input input)
        : Command(std::move(input), Needs::Cloud)
    {}

private:
    Status prepare() override
    {
        auto code = readCode();
        if (!code)
            return code.error();
        if (code.value().size() > kMaxCodeLength)
            return Error{
                u"pairing-code"_s,
                u"The pairing code is longer than %1 characters; copy it again from the cloud's dashboard."_s
                    .arg(kMaxCodeLength)};
        m_code = code.value();
        return Done{};
    }

    Result<QString> readCode()
    {
        // "-" (or nothing) is what the command line has for --pair without a code.
        if (value() != u"-"_s && !value().isEmpty()) {
            std::fprintf(stderr,
                         "sak-agent: warning: a pairing code on the command line can be read by "
                         "every user of this computer while sak-agent runs (ps, /proc); next "
                         "time give it on standard input (sak-agent --pair) or in "
                         "SAK_PAIRING_CODE.\n");
            return value().trimmed();
        }
        const Error missing{
            u"pairing-code"_s,
            u"No pairing code was given: sak-agent --pair reads it from standard input or from the environment variable SAK_PAIRING_CODE. Get one from the cloud's dashboard."_s};
        if (qEnvironmentVariableIsSet("SAK_PAIRING_CODE")) {
            const QString code = qEnvironmentVariable("SAK_PAIRING_CODE").trimmed();
            qunsetenv("SAK_PAIRING_CODE"); // nothing this process starts inherits it
            if (code.isEmpty())
                return missing;
            return code;
        }
        if (config().passphraseFile == u"-"_s)
            return Error{
                u"pairing-code"_s,
                u"Standard input carries the passphrase (--passphrase-file -): give the pairing code in the environment variable SAK_PAIRING_CODE instead."_s};
        if (stdinIsTerminal()) {
            std::fprintf(stderr, "Pairing code (from the cloud's dashboard): ");
            std::fflush(stderr);
        }
        char line[kMaxCodeLength * 2];
        if (!std::fgets(line, sizeof line, stdin))
            return missing;
        const QString code = QString::fromUtf8(line).trimmed();
        if (code.isEmpty())
            return missing;
        return code;
    }

    void run() override
    {
        pairAndKeep(cloud(), store(), m_code, [this](Result<cloud::Credentials> credentials) {
            if (!credentials) {
                fail(credentials.error());
                return;
            }
            std::printf("sak-agent: paired with %s as %s of tenant %s.\n",
                        qPrintable(config().cloudUrl.host()),
                        qPrintable(credentials.value().agentId),
                        qPrintable(credentials.value().tenantId));
            succeed();
        });
    }

    QString m_code;
};

} // namespace

std::unique_ptr<Command> commands::pair(Command::Input input)
{
    return std::make_unique<Pair>(std::move(input));
}

} // namespace sak
