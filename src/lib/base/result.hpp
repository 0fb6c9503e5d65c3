// Result<T>: the value of an operation that can fail in an expected way
// (LevelDB's Status, C++23's std::expected). Failures carry a one-line
// human message and, where one applies, an errno value. Programs turn an
// Error into an SMTP reply, a sysexits code or a log line; never into a crash.
#pragma once

#include <cerrno>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace postern {

struct Error {
    std::string message;  // one line, no trailing newline: "path: reason"
    int sys_errno = 0;    // errno when the failure came from a system call
};

// "what: strerror(err)"
Error errno_error(std::string_view what, int err = errno);
inline Error make_error(std::string message, int sys_errno = 0) { return Error{std::move(message), sys_errno}; }

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error error) : v_(std::move(error)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const Error& error() const { return std::get<1>(v_); }

private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), ok_(false) {}
    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const { return error_; }

private:
    Error error_;
    bool ok_ = true;
};

using Status = Result<void>;

}  // namespace postern

// Propagate a failure: POSTERN_TRY(expr) returns expr's Error from the caller.
#define POSTERN_TRY(expr)                                  \
    do {                                                   \
        auto&& postern_try_r_ = (expr);                    \
        if (!postern_try_r_.ok()) return postern_try_r_.error(); \
    } while (0)
