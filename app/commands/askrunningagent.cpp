#include "agent/platform/qrcode.h"
#include "agent/status/statusendpoint.h"
#include "app/commands/commands.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

// --status and --metrics: asks the running agent's status endpoint and prints the answer.
// --show-pairing: WhatsApp's pairing QR code (or the code to type on the phone) drawn here, for
// an agent that has no terminal of its own (the service), which never logs them.
class AskRunningAgent final : public Command
{
public:
    explicit AskRunningAgent(Input input)
        : Command(std::move(input), Needs::Nothing)
    {}

private:
    void run() override
    {
        const bool pairing = option() == u"show-pairing"_s;
        StatusEndpoint::ask(config().dataDir, pairing ? u"pairing"_s : option(), this,
                            [this, pairing](Result<QByteArray> answer) {
                                if (!answer) {
                                    fail(answer.error());
                                    return;
                                }
                                if (pairing) {
                                    showPairing(answer.value());
                                    return;
                                }
                                std::printf("%s", answer.value().constData());
                                std::fflush(stdout);
                                succeed();
                            });
    }

    void showPairing(const QByteArray &answer)
    {
        const QJsonObject pairing = QJsonDocument::fromJson(answer).object();
        if (!pairing.value(u"needsPairing"_s).toBool()) {
            std::printf("sak-agent: WhatsApp does not need pairing (session: %s).\n",
                        qPrintable(pairing.value(u"session"_s).toString()));
            succeed();
            return;
        }
        const QString linkCode = pairing.value(u"linkCode"_s).toString();
        const QString qr = pairing.value(u"qr"_s).toString();
        if (linkCode.isEmpty() && qr.isEmpty()) {
            fail(Error{
                u"no-code-yet"_s,
                u"WhatsApp needs pairing but has shown no code yet; try again in a few seconds."_s});
            return;
        }
        if (!linkCode.isEmpty())
            std::printf("\nWhatsApp pairing code: %s\nOn the shop's phone open WhatsApp > Linked "
                        "devices > Link a device > Link with phone number instead, and type it "
                        "(it is valid for 3 minutes).\n\n",
                        qPrintable(linkCode));
        if (!qr.isEmpty()) {
            const auto code = QrCode::encode(qr);
            if (!code) {
                fail(code.error());
                return;
            }
            std::printf("\nWhatsApp needs pairing: on the shop's phone open WhatsApp > Linked "
                        "devices > Link a device, and scan this code (it changes every 20 s: "
                        "run sak-agent --show-pairing again for the current one):\n\n%s\n",
                        qPrintable(code.value().toTerminal()));
        }
        std::fflush(stdout);
        succeed();
    }
};

} // namespace

std::unique_ptr<Command> commands::askRunningAgent(Command::Input input)
{
    return std::make_unique<AskRunningAgent>(std::move(input));
}

} // namespace sak
