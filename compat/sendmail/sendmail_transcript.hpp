// sendmail -X FILE: append the transaction to FILE, in sendmail's layout:
// every line prefixed with the process ID and a direction ("12345 <<< "
// for what sendmail received, "12345 >>> " for what it answered). For -bm
// the transaction is the envelope, the message lines and the result; for
// -bs the whole SMTP dialogue. FILE is opened as the caller (append, no
// symlink at the last component, created 0600); failing to open it is
// EX_CANTCREAT before any input is read. Lines are logged as they pass,
// each at most kMaxLogged bytes (longer ones are cut with "...").
#pragma once

#include <string>
#include <string_view>

#include "lib/base/result.hpp"
#include "lib/base/unique_fd.hpp"

namespace postern::sendmail {

class Transcript {
public:
    static constexpr std::size_t kMaxLogged = 1024;
    static Result<Transcript> open(const std::string& path);

    void received(std::string_view line) { write_line("<<< ", line); }
    void sent(std::string_view line) { write_line(">>> ", line); }
    // Content bytes in arbitrary chunks: logged line by line as received.
    void content(std::string_view data);
    void end_content();  // logs a final partial line

private:
    explicit Transcript(UniqueFd fd) : fd_(std::move(fd)) {}
    void write_line(std::string_view dir, std::string_view line);
    UniqueFd fd_;
    std::string partial_;
};

}  // namespace postern::sendmail
