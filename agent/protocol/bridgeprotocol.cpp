#include "agent/protocol/bridgeprotocol.h"

#include "agent/protocol/jsonutil.h"

using namespace Qt::Literals::StringLiterals;

namespace sak::bridge {
namespace {

Error bad(const QString &what)
{
    return Error{u"bad-bridge-event"_s,
                 u"The WhatsApp page sent an invalid event (%1); it was dropped."_s.arg(what)};
}

Result<Event> parseMessage(const json::Json &root)
{
    const auto it = root.find("message");
    if (it == root.end() || !it->is_object())
        return bad(u"message without a message object"_s);
    const json::Json &m = *it;
    MessageEvent event;
    const auto id = json::string(m, "id", kMaxIdLength);
    const auto chatId = json::string(m, "chatId", kMaxIdLength);
    const auto type = json::string(m, "type", 64);
    const auto body = json::optionalString(m, "body", kMaxBodyLength);
    const auto author = json::optionalString(m, "author", kMaxIdLength);
    const auto name = json::optionalString(m, "notifyName", 256);
    const auto t = json::integer(m, "t");
    const auto fromMe = json::boolean(m, "fromMe");
    if (!id || id->isEmpty())
        return bad(u"message id missing or too long"_s);
    if (!chatId || !chatId->contains(u'@'))
        return bad(u"chat id missing or malformed"_s);
    if (!type || type->isEmpty())
        return bad(u"message type missing"_s);
    if (!body)
        return bad(u"message body is not text or longer than %1 characters"_s.arg(kMaxBodyLength));
    if (!author || !name)
        return bad(u"author or sender name malformed"_s);
    if (!t || *t < 0)
        return bad(u"timestamp missing"_s);
    if (!fromMe)
        return bad(u"fromMe missing"_s);
    event.message = InboundMessage{*id, *chatId, *author, *type, *body, *t, *name};
    event.fromMe = *fromMe;
    // What goes with replies, media and locations; absent for a plain text.
    const auto quoted = json::optionalString(m, "quotedId", kMaxIdLength);
    const auto mimetype = json::optionalString(m, "mimetype", 256);
    const auto filename = json::optionalString(m, "filename", 1024);
    const auto size = json::optionalInteger(m, "size");
    const auto data = json::optionalBase64(m, "data", kMaxMediaBytes);
    const auto mediaError = json::optionalString(m, "mediaError", 1024);
    const auto who = json::person(m);
    if (!who)
        return bad(u"phone (E.164) or LID (…@lid) malformed"_s);
    const auto lat = json::optionalNumber(m, "lat");
    const auto lng = json::optionalNumber(m, "lng");
    if (!quoted || !mimetype || !filename || !size || *size < 0 || !mediaError)
        return bad(u"quoted id or media description malformed"_s);
    if (!data)
        return bad(u"media is not base64 or larger than %1 bytes"_s.arg(kMaxMediaBytes));
    if (!lat || !lng || *lat < -90 || *lat > 90 || *lng < -180 || *lng > 180)
        return bad(u"location out of range"_s);
    InboundMessage &message = event.message;
    message.quotedId = *quoted;
    message.mimetype = *mimetype;
    message.filename = *filename;
    message.mediaSize = *size;
    message.media = *data;
    message.mediaError = *mediaError;
    message.latitude = *lat;
    message.longitude = *lng;
    message.phone = who->phone;
    message.lid = who->lid;
    return Event{event};
}

// A list of at most 64 strings of at most 256 characters; absent is empty unless required.
std::optional<QStringList> stringList(const json::Json &root, const char *key, bool required)
{
    const auto it = root.find(key);
    if (it == root.end())
        return required ? std::nullopt : std::optional<QStringList>(QStringList());
    if (!it->is_array() || it->size() > 64)
        return std::nullopt;
    QStringList list;
    for (const auto &item : *it) {
        if (!item.is_string() || item.get_ref<const std::string &>().size() > 256)
            return std::nullopt;
        list.append(QString::fromStdString(item.get<std::string>()));
    }
    return list;
}

} // namespace

Result<Event> parseEvent(const QByteArray &bytes)
{
    if (bytes.size() > kMaxEventBytes)
        return bad(u"%1 bytes, more than the limit of %2"_s.arg(bytes.size()).arg(kMaxEventBytes));
    const json::Json root = json::parse(bytes);
    if (root.is_discarded() || !root.is_object())
        return bad(u"not a JSON object"_s);
    const auto kind = json::string(root, "kind", 32);
    if (!kind)
        return bad(u"no kind"_s);

    if (*kind == u"message"_s)
        return parseMessage(root);
    if (*kind == u"ack"_s) {
        const auto id = json::string(root, "id", kMaxIdLength);
        const auto ack = json::integer(root, "ack");
        if (!id || id->isEmpty() || !ack || *ack < int(Ack::MdDowngrade) || *ack > int(Ack::Peer))
            return bad(u"ack without a valid id and level"_s);
        return Event{AckEvent{*id, int(*ack)}};
    }
    if (*kind == u"state"_s) {
        const auto state = json::string(root, "state", 64);
        const auto synced = json::boolean(root, "hasSynced");
        if (!state || state->isEmpty() || !synced)
            return bad(u"state without a state name"_s);
        return Event{StateEvent{*state, *synced}};
    }
    if (*kind == u"qr"_s) {
        const auto qr = json::string(root, "qr", 4096);
        if (!qr || qr->isEmpty())
            return bad(u"empty QR code"_s);
        return Event{QrEvent{*qr}};
    }
    if (*kind == u"sendResult"_s) {
        const auto requestId = json::string(root, "requestId", kMaxIdLength);
        const auto id = json::optionalString(root, "id", kMaxIdLength);
        const auto ok = json::boolean(root, "ok");
        const auto error = json::optionalString(root, "error", 1024);
        const auto final = json::optionalBoolean(root, "final");
        // Where it went: the chat WhatsApp used and who is behind it, as far as it knows.
        const auto chat = json::optionalString(root, "chat", kMaxIdLength);
        auto who = json::person(root);
        if (!requestId || !id || !ok || !error || !final || !chat || !who)
            return bad(u"send result malformed"_s);
        who->chatId = *chat;
        return Event{SendResultEvent{*requestId, *id, *ok, *error, *final, *who}};
    }
    if (*kind == u"ready"_s) {
        const auto version = json::string(root, "version", 64);
        const auto library = json::optionalString(root, "library", 64);
        if (!version || !library)
            return bad(u"ready without a version"_s);
        return Event{ReadyEvent{*version, *library}};
    }
    if (*kind == u"health"_s) {
        const auto ok = json::boolean(root, "ok");
        const auto version = json::optionalString(root, "version", 64);
        const auto missing = stringList(root, "missing", true);
        const auto unavailable = stringList(root, "unavailable", false);
        const auto library = json::optionalString(root, "library", 64);
        if (!ok || !version || !missing || !unavailable || !library)
            return bad(u"health report malformed"_s);
        return Event{HealthEvent{*ok, *missing, *unavailable, *version, *library}};
    }
    if (*kind == u"logout"_s) {
        const auto reason = json::optionalString(root, "reason", 64);
        if (!reason)
            return bad(u"logout reason malformed"_s);
        return Event{LogoutEvent{*reason}};
    }
    if (*kind == u"caughtUp"_s)
        return Event{CaughtUpEvent{}};
    if (*kind == u"pageProblem"_s) {
        const auto problem = json::string(root, "problem", 64);
        if (!problem || problem->isEmpty())
            return bad(u"page problem without a name"_s);
        return Event{PageProblemEvent{*problem}};
    }
    if (*kind == u"pairingCode"_s) {
        const auto code = json::optionalString(root, "code", 64);
        const auto error = json::optionalString(root, "error", 1024);
        if (!code || !error || code->isEmpty() == error->isEmpty())
            return bad(u"pairing code event without exactly one of code and error"_s);
        return Event{PairingCodeEvent{*code, *error}};
    }
    return bad(u"unknown kind '%1'"_s.arg(kind->left(32)));
}

QByteArray sendTextCommand(const QString &requestId, const OutboundText &text)
{
    json::Json command = {
        {"cmd", "sendText"},
        {"requestId", json::str(requestId)},
        {"chatId", json::str(text.chatId)},
        {"body", json::str(text.body)},
        {"messageId", json::str(text.waMessageId)},
    };
    if (!text.quotedId.isEmpty())
        command["quotedId"] = json::str(text.quotedId);
    if (!text.media.isEmpty()) {
        command["mimetype"] = json::str(text.mimetype);
        command["filename"] = json::str(text.filename);
        command["data"] = json::base64(text.media);
    }
    if (!text.poll.isEmpty())
        command["poll"] = json::pollJson(text.poll);
    return QByteArray::fromStdString(command.dump());
}

QByteArray markSeenCommand(const QString &chatId)
{
    const json::Json command = {{"cmd", "markSeen"}, {"chatId", json::str(chatId)}};
    return QByteArray::fromStdString(command.dump());
}

QByteArray typingCommand(const QString &chatId, bool typing)
{
    const json::Json command = {
        {"cmd", "typing"}, {"chatId", json::str(chatId)}, {"typing", typing}};
    return QByteArray::fromStdString(command.dump());
}

QByteArray catchUpCommand(qint64 since)
{
    const json::Json command = {{"cmd", "catchUp"}, {"since", since}};
    return QByteArray::fromStdString(command.dump());
}

QByteArray configureCommand(qint64 mediaMaxBytes, const QStringList &allowedGroups,
                            bool appearOnline, bool rejectCalls)
{
    json::Json groups = json::Json::array();
    for (const QString &group : allowedGroups)
        groups.push_back(json::str(group));
    const json::Json command = {{"cmd", "configure"},
                                {"mediaMaxBytes", mediaMaxBytes},
                                {"allowedGroups", groups},
                                {"appearOnline", appearOnline},
                                {"rejectCalls", rejectCalls}};
    return QByteArray::fromStdString(command.dump());
}

QByteArray refreshQrCommand()
{
    return QByteArrayLiteral(R"({"cmd":"refreshQr"})");
}

QByteArray takeoverCommand()
{
    return QByteArrayLiteral(R"({"cmd":"takeover"})");
}

QByteArray pairingCodeCommand(const QString &phone)
{
    const json::Json command = {{"cmd", "pairingCode"}, {"phone", json::str(phone)}};
    return QByteArray::fromStdString(command.dump());
}

SessionState mapPageState(const QString &pageState, bool hasSynced)
{
    if (pageState == u"UNPAIRED"_s || pageState == u"UNPAIRED_IDLE"_s)
        return SessionState::NeedsPairing;
    if (pageState == u"PAIRING"_s)
        return SessionState::Pairing;
    if (pageState == u"CONNECTED"_s)
        return hasSynced ? SessionState::Connected : SessionState::Connecting;
    if (pageState == u"CONFLICT"_s)
        return SessionState::Conflict;
    if (pageState == u"PROXYBLOCK"_s || pageState == u"TOS_BLOCK"_s ||
        pageState == u"SMB_TOS_BLOCK"_s || pageState == u"DEPRECATED_VERSION"_s)
        return SessionState::Blocked;
    // UNLAUNCHED, OPENING, TIMEOUT and any state a newer WhatsApp Web may add: the page is
    // on its way somewhere; it reports again when it gets there.
    return SessionState::Connecting;
}

} // namespace sak::bridge
