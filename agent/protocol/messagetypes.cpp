#include "agent/protocol/messagetypes.h"

#include <QStringList>

#include <QRandomGenerator>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace sak {

QString sessionStateName(SessionState state)
{
    switch (state) {
    case SessionState::Starting:
        return u"starting"_s;
    case SessionState::NeedsPairing:
        return u"needs-pairing"_s;
    case SessionState::Pairing:
        return u"pairing"_s;
    case SessionState::Connecting:
        return u"connecting"_s;
    case SessionState::Connected:
        return u"connected"_s;
    case SessionState::Conflict:
        return u"conflict"_s;
    case SessionState::Blocked:
        return u"blocked"_s;
    case SessionState::Unhealthy:
        return u"unhealthy"_s;
    }
    return u"unknown"_s;
}

QString ackFailure(int ack)
{
    switch (static_cast<Ack>(ack)) {
    case Ack::MdDowngrade:
        return u"WhatsApp could not deliver it: the customer's WhatsApp cannot receive it (too old)."_s;
    case Ack::Inactive:
        return u"WhatsApp could not deliver it: the customer's device is inactive."_s;
    case Ack::ContentUnuploadable:
        return u"WhatsApp could not upload the file."_s;
    case Ack::ContentTooBig:
        return u"WhatsApp refused the file as too large."_s;
    case Ack::ContentGone:
        return u"The file is no longer on WhatsApp's servers."_s;
    case Ack::Expired:
        return u"WhatsApp let the message expire before it was sent."_s;
    case Ack::Error:
        return u"WhatsApp reported an error for this message."_s;
    default:
        return {};
    }
}

QString newWhatsAppMessageId()
{
    // 3EB0 + 16 random bytes in upper-case hex: the shape of ids WhatsApp Web creates itself,
    // so our messages do not stand out, with 128 bits of randomness against collisions.
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    QString id = u"3EB0"_s;
    for (quint32 w : words)
        id += QString::number(w, 16).rightJustified(8, u'0').toUpper();
    return id;
}

bool InboundMessage::isMedia() const
{
    static const QStringList mediaTypes{u"image"_s, u"video"_s,    u"audio"_s,
                                        u"ptt"_s,   u"document"_s, u"sticker"_s};
    return mediaTypes.contains(type);
}

bool isRelayedType(const QString &type)
{
    static const QStringList relayed{u"chat"_s,   u"image"_s,       u"video"_s,    u"audio"_s,
                                     u"ptt"_s,    u"document"_s,    u"sticker"_s,  u"location"_s,
                                     u"vcard"_s,  u"multi_vcard"_s, u"reaction"_s, u"edit"_s,
                                     u"revoke"_s, u"unavailable"_s, u"call"_s,     u"poll_vote"_s};
    return relayed.contains(type);
}

bool isPersonChat(const QString &chatId)
{
    return chatId.endsWith(u"@c.us"_s) || chatId.endsWith(u"@lid"_s);
}

QString internationalDigits(const QString &typed)
{
    static const QRegularExpression separators(u"[\\s()./-]"_s);
    static const QRegularExpression international(u"^[1-9][0-9]{6,14}$"_s); // E.164
    QString digits = typed;
    digits.remove(separators);
    if (digits.startsWith(u'+'))
        digits.remove(0, 1);
    else if (digits.startsWith(u"00"_s))
        digits.remove(0, 2);
    else
        return {}; // a national number: its country code is not known
    return international.match(digits).hasMatch() ? digits : QString();
}

bool isInternationalNumber(const QString &number)
{
    static const QRegularExpression e164(u"^\\+[1-9][0-9]{6,14}$"_s);
    return e164.match(number).hasMatch();
}

QString pollProblem(const QString &question, const Poll &poll)
{
    if (question.trimmed().isEmpty() || question.size() > kMaxPollQuestionLength)
        return u"A poll needs a question of 1 to %1 characters."_s.arg(kMaxPollQuestionLength);
    if (poll.options.size() < kMinPollOptions || poll.options.size() > kMaxPollOptions)
        return u"A poll needs %1 to %2 options (it has %3)."_s.arg(kMinPollOptions)
            .arg(kMaxPollOptions)
            .arg(poll.options.size());
    QStringList seen;
    for (const QString &option : poll.options) {
        const QString trimmed = option.trimmed();
        if (trimmed.isEmpty() || option.size() > kMaxPollOptionLength || option.contains(u'\n'))
            return u"Each option of a poll needs one line of 1 to %1 characters."_s.arg(
                kMaxPollOptionLength);
        if (seen.contains(trimmed, Qt::CaseInsensitive))
            return u"A poll's options must differ ('%1' is there twice)."_s.arg(trimmed);
        seen.append(trimmed);
    }
    return {};
}

QString Recipient::shown(const QString &addressedChat) const
{
    if (!phone.isEmpty())
        return phone;
    if (!lid.isEmpty())
        return lid;
    return chatId.isEmpty() ? addressedChat : chatId;
}

Recipient recipientOf(const QString &chatId)
{
    static const QRegularExpression number(u"^([0-9]+)@c\\.us$"_s);
    static const QRegularExpression lid(u"^[0-9]+@lid$"_s);
    Recipient r;
    if (const auto m = number.match(chatId);
        m.hasMatch() && isInternationalNumber(u"+"_s + m.captured(1)))
        r.phone = u"+"_s + m.captured(1);
    else if (lid.match(chatId).hasMatch())
        r.lid = chatId;
    return r;
}

} // namespace sak
