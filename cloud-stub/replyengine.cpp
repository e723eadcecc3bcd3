#include "cloud-stub/replyengine.h"

#include "agent/protocol/jsonutil.h"

#include <QFile>
#include <QStringList>

using namespace Qt::Literals::StringLiterals;

namespace sak::stub {
namespace {

using json::Json;

Error rulesError(const QString &what)
{
    return Error{u"rules"_s, u"The reply rules are invalid: %1."_s.arg(what)};
}

// Keywords match whole words, case-insensitively ("hi" must not match "this").
std::optional<QList<QRegularExpression>> patternsOf(const Json &object, const char *key)
{
    const auto it = object.find(key);
    if (it == object.end() || !it->is_array())
        return std::nullopt;
    QList<QRegularExpression> patterns;
    for (const Json &word : *it) {
        if (!word.is_string() || word.get_ref<const std::string &>().empty())
            return std::nullopt;
        const QString escaped =
            QRegularExpression::escape(QString::fromStdString(word.get<std::string>()));
        patterns.append(QRegularExpression(u"\\b"_s + escaped + u"\\b"_s,
                                           QRegularExpression::CaseInsensitiveOption |
                                               QRegularExpression::UseUnicodePropertiesOption));
    }
    return patterns;
}

} // namespace

Result<ReplyEngine> ReplyEngine::fromFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{u"rules"_s, u"The reply rules file %1 cannot be read: %2."_s.arg(
                                     path, file.errorString())};
    return fromJson(file.readAll());
}

Result<ReplyEngine> ReplyEngine::fromJson(const QByteArray &bytes)
{
    const Json root = json::parse(bytes);
    if (root.is_discarded() || !root.is_object())
        return rulesError(u"not a JSON object"_s);
    ReplyEngine engine;
    const auto shop = json::string(root, "shop", 200);
    const auto fallback = json::string(root, "fallback", 4000);
    if (!shop || !fallback)
        return rulesError(u"'shop' and 'fallback' must be strings"_s);
    engine.m_shop = *shop;
    engine.m_fallback = *fallback;

    auto rule = [&](const char *key, Rule &out) -> bool {
        const auto it = root.find(key);
        if (it == root.end() || !it->is_object())
            return false;
        auto patterns = patternsOf(*it, "keywords");
        const auto reply = json::string(*it, "reply", 4000);
        if (!patterns || !reply)
            return false;
        out = Rule{*patterns, *reply};
        return true;
    };
    if (!rule("greeting", engine.m_greeting) || !rule("hours", engine.m_hours) ||
        !rule("price", engine.m_priceQuestion))
        return rulesError(
            u"'greeting', 'hours' and 'price' need 'keywords' (strings) and 'reply'"_s);
    const auto priceReply = json::string(root.at("price"), "itemReply", 4000);
    if (!priceReply)
        return rulesError(u"'price' needs 'itemReply'"_s);
    engine.m_priceReply = *priceReply;

    if (!rule("order", engine.m_orderQuestion))
        return rulesError(u"'order' needs 'keywords' (strings) and 'reply'"_s);
    const auto orderReply = json::string(root.at("order"), "statusReply", 4000);
    const auto unknownOrder = json::string(root.at("order"), "unknownReply", 4000);
    const auto orders = root.at("order").find("orders");
    if (!orderReply || !unknownOrder || orders == root.at("order").end() || !orders->is_object())
        return rulesError(
            u"'order' needs 'statusReply', 'unknownReply' and 'orders' (number: status)"_s);
    engine.m_orderReply = *orderReply;
    engine.m_unknownOrderReply = *unknownOrder;
    for (auto it = orders->begin(); it != orders->end(); ++it) {
        if (!it.value().is_string())
            return rulesError(u"every order's status must be a string"_s);
        engine.m_orders.insert(QString::fromStdString(it.key()),
                               QString::fromStdString(it.value().get<std::string>()));
    }

    // Optional: a shop that takes bookings offers its times as a poll.
    if (const auto booking = root.find("booking"); booking != root.end()) {
        auto patterns = patternsOf(*booking, "keywords");
        const auto question = json::string(*booking, "question", 4000);
        const auto options = booking->is_object() ? booking->find("options") : booking->end();
        const auto multiple = json::optionalBoolean(*booking, "multipleChoice");
        if (!patterns || !question || options == booking->end() || !options->is_array() ||
            !multiple)
            return rulesError(u"'booking' needs 'keywords', 'question', 'options' (strings) and "
                              u"may have 'multipleChoice'"_s);
        Poll poll{{}, *multiple};
        for (const Json &option : *options) {
            if (!option.is_string())
                return rulesError(u"every option of 'booking' must be a string"_s);
            poll.options.append(QString::fromStdString(option.get<std::string>()));
        }
        if (const QString problem = pollProblem(*question, poll); !problem.isEmpty())
            return rulesError(u"'booking' is not a poll WhatsApp takes: %1"_s.arg(problem));
        engine.m_bookingPatterns = *patterns;
        engine.m_booking = PollReply{*question, poll};
    }

    const auto catalog = root.find("catalog");
    if (catalog == root.end() || !catalog->is_array())
        return rulesError(u"'catalog' must be a list"_s);
    for (const Json &entry : *catalog) {
        const auto name = json::string(entry, "name", 200);
        const auto price = json::string(entry, "price", 100);
        auto patterns = patternsOf(entry, "keywords");
        if (!name || !price || !patterns)
            return rulesError(u"every catalog item needs 'name', 'price' and 'keywords'"_s);
        engine.m_catalog.append(Item{*name, *price, *patterns});
    }
    return engine;
}

bool ReplyEngine::matches(const QList<QRegularExpression> &patterns, const QString &text)
{
    return std::any_of(patterns.cbegin(), patterns.cend(),
                       [&](const QRegularExpression &p) { return p.match(text).hasMatch(); });
}

QString ReplyEngine::orderReply(const QString &text) const
{
    // An order number is what a customer copies from the confirmation: digits, maybe after '#'.
    static const QRegularExpression number(u"#?\\b(\\d{3,10})\\b"_s);
    auto matches = number.globalMatch(text);
    while (matches.hasNext()) {
        const QString candidate = matches.next().captured(1);
        if (const auto status = m_orders.constFind(candidate); status != m_orders.cend())
            return QString(m_orderReply)
                .replace(u"{order}"_s, candidate)
                .replace(u"{status}"_s, *status);
        return QString(m_unknownOrderReply).replace(u"{order}"_s, candidate);
    }
    return m_orderQuestion.reply;
}

QString ReplyEngine::replyTo(const QString &text, const QString &senderName) const
{
    if (matches(m_orderQuestion.patterns, text))
        return orderReply(text);
    QStringList prices;
    for (const Item &item : m_catalog) {
        if (matches(item.patterns, text))
            prices.append(QString(m_priceReply)
                              .replace(u"{item}"_s, item.name)
                              .replace(u"{price}"_s, item.price));
    }
    if (!prices.isEmpty())
        return prices.join(u' ');
    if (matches(m_priceQuestion.patterns, text)) {
        QStringList menu;
        for (const Item &item : m_catalog)
            menu.append(item.name);
        return QString(m_priceQuestion.reply).replace(u"{menu}"_s, menu.join(u", "_s));
    }
    if (matches(m_hours.patterns, text))
        return m_hours.reply;
    if (matches(m_greeting.patterns, text)) {
        const QString name = senderName.isEmpty() ? QString() : u" "_s + senderName;
        return QString(m_greeting.reply).replace(u"{name}"_s, name).replace(u"{shop}"_s, m_shop);
    }
    return QString(m_fallback).replace(u"{shop}"_s, m_shop);
}

std::optional<ReplyEngine::PollReply> ReplyEngine::pollFor(const QString &text) const
{
    if (m_bookingPatterns.isEmpty() || !matches(m_bookingPatterns, text))
        return std::nullopt;
    return m_booking;
}

QString ReplyEngine::acknowledge(const InboundMessage &m) const
{
    static const QHash<QString, QString> what{
        {u"image"_s, u"photo"_s},         {u"video"_s, u"video"_s},
        {u"audio"_s, u"audio"_s},         {u"ptt"_s, u"voice message"_s},
        {u"document"_s, u"document"_s},   {u"sticker"_s, u"sticker"_s},
        {u"location"_s, u"location"_s},   {u"vcard"_s, u"contact"_s},
        {u"multi_vcard"_s, u"contacts"_s}};
    if (m.type == u"poll_vote"_s) // body: the options chosen, one per line
        return m.body.isEmpty()
                   ? u"Noted: you took your vote back."_s
                   : u"Thanks, we noted your choice: %1."_s.arg(m.body.split(u'\n').join(u", "_s));
    if (m.type == u"unavailable"_s) // body: view-once or not-decrypted
        return m.body == u"view-once"_s
                   ? u"We cannot open view-once photos here; could you send it as a normal photo?"_s
                   : u"Your message did not reach us; could you send it again?"_s;
    const QString thing = what.value(m.type);
    if (thing.isEmpty())
        return {};
    if (!m.mediaError.isEmpty())
        return u"We could not open your %1; could you send it again, or describe it in a message?"_s
            .arg(thing);
    if (m.isMedia() && !m.filename.isEmpty())
        return u"Thanks, we got your %1 (%2, %3 KB) and will look at it."_s.arg(
            thing, m.filename, QString::number((m.media.size() + 1023) / 1024));
    return u"Thanks, we got your %1."_s.arg(thing);
}

} // namespace sak::stub
