#include "qmgr_message.hpp"

#include <fcntl.h>

#include <cerrno>

#include "lib/base/safe_file.hpp"

namespace postern::qmgr {

Result<Message> Message::open(const std::string& path, std::string id,
                              const queue::ReadLimits& limits, OpenError* why) {
    FileCheck check;
    check.regular = true;
    auto fd = open_checked(path, O_RDWR, 0, check);
    if (!fd) {
        // A symlink or a non-regular file in the queue was not put there by
        // postern: quarantine it. A missing or unreadable file is left alone.
        int err = fd.error().sys_errno;
        if (why) *why = OpenError{fd.error(), err == 0 || err == ELOOP};
        return fd.error();
    }
    auto env = queue::read_envelope(fd->get(), limits);
    if (!env) {
        Error e = make_error(path + ": " + env.error().message, env.error().sys_errno);
        // A read(2) failure is the disk's fault, not the file's: only a
        // structural error sends the file to corrupt/.
        if (why) *why = OpenError{e, env.error().sys_errno == 0};
        return e;
    }
    return Message(std::move(id), std::move(*fd), std::move(*env));
}

double Message::age_seconds(const struct timespec& now) const {
    double secs = static_cast<double>(now.tv_sec - env_.arrival.tv_sec);
    secs += static_cast<double>(now.tv_nsec - env_.arrival.tv_nsec) / 1e9;
    return secs < 0 ? 0.0 : secs;
}

std::vector<std::size_t> Message::pending() const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < env_.recipients.size(); ++i)
        if (env_.recipients[i].status == queue::RcptStatus::Pending) out.push_back(i);
    return out;
}

bool Message::all_final() const {
    for (const auto& r : env_.recipients)
        if (r.status == queue::RcptStatus::Pending) return false;
    return true;
}

Status Message::mark(std::size_t i, queue::RcptStatus status) {
    auto& r = env_.recipients.at(i);
    // Final in memory even if the write fails: this process must not deliver
    // it again; a restart may (at-least-once), which is the safe direction.
    r.status = status;
    deferred_.erase(i);
    return queue::mark_recipient(fd_.get(), r.status_offset, status, posix_file_ops(), queue::Sync::later);
}

void Message::note_deferred(std::size_t i, std::string reason) { deferred_[i] = std::move(reason); }

}  // namespace postern::qmgr
