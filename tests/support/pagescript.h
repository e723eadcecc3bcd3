#pragma once

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QTest>
#include <QWebEnginePage>
#include <QWebEngineScript>

#include <optional>

// Running script in a test's WhatsApp page and waiting for the answer.
namespace sak::test {

// The value of a script's last expression in the given world, as a string; "<no answer>"
// when the page gave none within 10 s.
inline QString evaluate(QWebEnginePage *page, const QString &script,
                        quint32 world = QWebEngineScript::MainWorld)
{
    std::optional<QString> result;
    page->runJavaScript(script, world, [&](const QVariant &v) { result = v.toString(); });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, 10000))
        return QStringLiteral("<no answer>");
    return *result;
}

// What a promise the expression gives settles to, in the main world: {"ok": true, "value":
// its value as JSON} or {"ok": false, "error": the message}; {"ok": false, "error":
// "timeout"} after timeoutMs.
inline QJsonObject settle(QWebEnginePage *page, const QString &expression, int timeoutMs = 15000)
{
    static int calls = 0;
    const QString slot = QStringLiteral("__sakTest%1").arg(++calls);
    evaluate(
        page,
        QStringLiteral(
            "window.%1 = undefined; Promise.resolve().then(() => (%2)).then("
            "(v) => { window.%1 = JSON.stringify({ok: true, value: v === undefined ? null : v}); },"
            "(e) => { window.%1 = JSON.stringify({ok: false, error: String((e && (e.message || "
            "e.code)) || e)}); }); 0")
            .arg(slot, expression));
    QString answer;
    (void)QTest::qWaitFor(
        [&] {
            answer = evaluate(page, QStringLiteral("window.%1 || ''").arg(slot));
            return !answer.isEmpty() && answer != QStringLiteral("<no answer>");
        },
        timeoutMs);
    if (answer.isEmpty() || answer == QStringLiteral("<no answer>"))
        return {{QStringLiteral("ok"), false},
                {QStringLiteral("error"), QStringLiteral("timeout")}};
    return QJsonDocument::fromJson(answer.toUtf8()).object();
}

} // namespace sak::test
