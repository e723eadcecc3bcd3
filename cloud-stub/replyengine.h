#pragma once

#include "agent/protocol/messagetypes.h"

#include "agent/base/result.h"

#include <QHash>
#include <QList>
#include <QRegularExpression>
#include <QString>

#include <optional>

namespace sak::stub {

// The stub's stand-in for the cloud's AI: deterministic answers from a rules file (greeting,
// catalog prices, order status, opening hours, fallback), so tests and demos know what reply
// to expect.
class ReplyEngine
{
public:
    static Result<ReplyEngine> fromFile(const QString &path);
    static Result<ReplyEngine> fromJson(const QByteArray &json);

    // The reply to a customer's text; senderName personalises the greeting.
    QString replyTo(const QString &text, const QString &senderName) const;
    // A question the shop answers with a poll (a booking: "which time suits you?"), if the
    // text asks one; the rules' "booking" section says which, with what options.
    struct PollReply
    {
        QString question;
        Poll poll;
    };
    std::optional<PollReply> pollFor(const QString &text) const;
    // The answer to something that is not text (a photo, a voice note, a location, ...):
    // empty for reactions, edits and revokes, which get none.
    QString acknowledge(const InboundMessage &message) const;

private:
    struct Item
    {
        QString name;
        QString price;
        QList<QRegularExpression> patterns;
    };
    struct Rule
    {
        QList<QRegularExpression> patterns;
        QString reply;
    };

    static bool matches(const QList<QRegularExpression> &patterns, const QString &text);
    QString orderReply(const QString &text) const;

    QString m_shop;
    Rule m_greeting;
    Rule m_hours;
    Rule m_priceQuestion; // asks for a price without naming a known item
    Rule m_orderQuestion; // asks about an order without a number we know
    QString m_orderReply; // "{order}" and "{status}" are filled in
    QString m_unknownOrderReply;
    QHash<QString, QString> m_orders; // order number -> status
    QString m_priceReply;             // "{item} costs {price}."
    QList<Item> m_catalog;
    QString m_fallback;
    QList<QRegularExpression> m_bookingPatterns; // none: the rules have no "booking"
    PollReply m_booking;
};

} // namespace sak::stub
