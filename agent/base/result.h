#pragma once

#include <QMetaType>
#include <QString>

#include <utility>
#include <variant>

namespace sak {

// An error as a value: a stable machine-readable code and a sentence for a person that says
// what went wrong and what to do about it.
struct Error
{
    QString code;
    QString message;
    int retryAfterSeconds =
        0; // a server's Retry-After (429/503): wait this long before trying again
    // The HTTP status of the answer this error is about (0: none came), also when the answer
    // is not used (not signed by the cloud): a 4xx refuses the request, whoever sent it.
    int httpStatus = 0;
};

// The outcome of an operation that can fail. Errors travel as values; nothing here throws.
template<typename T>
class Result
{
public:
    Result(T value)
        : m_data(std::move(value))
    {}
    Result(Error error)
        : m_data(std::move(error))
    {}

    bool ok() const { return std::holds_alternative<T>(m_data); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<T>(m_data); }
    T &value() & { return std::get<T>(m_data); }
    T &&value() && { return std::get<T>(std::move(m_data)); }
    const Error &error() const { return std::get<Error>(m_data); }

private:
    std::variant<T, Error> m_data;
};

// For operations that return nothing but can fail.
struct Done
{
};
using Status = Result<Done>;

} // namespace sak

Q_DECLARE_METATYPE(sak::Error)
