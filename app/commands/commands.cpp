#include "app/commands/commands.h"

#include <QCommandLineParser>

#include <vector>

using namespace Qt::Literals::StringLiterals;

namespace sak {
namespace {

struct Entry
{
    QString option;
    // Only the desktop may start without a cloud URL (its first-run window asks for one), and
    // the commands on the local store and the running agent do not need it either.
    bool needsCloud;
    std::unique_ptr<Command> (*make)(Command::Input);
};

// In the order of precedence when several are given.
const std::vector<Entry> &table()
{
    static const std::vector<Entry> all{
        {u"rotate-key"_s, true, commands::rotateKey},
        {u"pair"_s, true, commands::pair},
        {u"unpair"_s, true, commands::unpair},
        {u"rotate-credentials"_s, true, commands::rotateCredentials},
        {u"check-store"_s, false, commands::checkStore},
        {u"outbox"_s, false, commands::outbox},
        {u"retry"_s, false, commands::retry},
        {u"cancel"_s, false, commands::cancel},
        {u"pause-sending"_s, false, commands::pauseSending},
        {u"resume-sending"_s, false, commands::pauseSending},
        {u"requeue-dead"_s, false, commands::requeueDead},
        {u"bridge-rollback"_s, false, commands::bridge},
        {u"bridge"_s, false, commands::bridge},
        {u"status"_s, false, commands::askRunningAgent},
        {u"metrics"_s, false, commands::askRunningAgent},
        {u"show-pairing"_s, false, commands::askRunningAgent},
    };
    return all;
}

const Entry *find(const QString &command)
{
    for (const Entry &entry : table()) {
        if (entry.option == command)
            return &entry;
    }
    return nullptr;
}

} // namespace

QString commandIn(const QCommandLineParser &parser)
{
    for (const Entry &entry : table()) {
        if (parser.isSet(entry.option))
            return entry.option;
    }
    return {};
}

bool commandNeedsCloud(const QString &command)
{
    const Entry *entry = find(command);
    return entry && entry->needsCloud;
}

std::unique_ptr<Command> makeCommand(Command::Input input)
{
    const Entry *entry = find(input.option);
    return entry ? entry->make(std::move(input)) : nullptr;
}

} // namespace sak
