// MailWriter: buffered writes of one delivery to a mailbox or Maildir file,
// through FileOps so tests can fail a write (ENOSPC) or an fsync.
// It writes the delivery headers, then the queued content passed through an
// optional line filter (mbox ">From " quoting); write errors and queue read
// errors are kept apart, because the first defers as a mailbox problem
// (4.2.x) and the second as a queue problem (4.3.0).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "lib/base/file_ops.hpp"
#include "lib/base/result.hpp"
#include "local_message.hpp"

namespace postern::local {

class MailWriter {
public:
    MailWriter(int fd, FileOps& ops) : fd_(fd), ops_(ops) {}
    MailWriter(const MailWriter&) = delete;
    MailWriter& operator=(const MailWriter&) = delete;

    Status put(std::string_view data);
    Status flush();
    // The last byte written so far ('\0' when nothing was).
    char last() const { return last_; }

    // Stream msg's content through filter (identity when empty) into put().
    // On failure, write_failed() tells a write error from a read error.
    using Filter = std::function<void(std::string_view in, std::string& out)>;
    Status copy_content(const Message& msg, const Filter& filter = {});
    bool write_failed() const { return write_failed_; }

private:
    int fd_;
    FileOps& ops_;
    std::string buf_;
    char last_ = '\0';
    bool write_failed_ = false;
};

}  // namespace postern::local
