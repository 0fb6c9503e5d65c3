// Message: one queue file in active/ as qmgr holds it in memory: the open
// file (qmgr is its only writer), its envelope, which recipients are final,
// why others were deferred, and how many delivery requests are still
// planned or running. Owned and touched by the main thread only.
#pragma once

#include <cstddef>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "lib/base/result.hpp"
#include "lib/base/unique_fd.hpp"
#include "lib/queue/queue_file.hpp"

namespace postern::qmgr {

class Message {
public:
    // Open path read-write (no symlinks, regular file) and read its envelope.
    // A file that does not parse is reported with corrupt() true.
    struct OpenError {
        Error error;
        bool corrupt = false;
    };
    static Result<Message> open(const std::string& path, std::string id,
                                const queue::ReadLimits& limits, OpenError* why);

    const std::string& id() const { return id_; }
    const queue::Envelope& envelope() const { return env_; }
    const std::vector<queue::Recipient>& recipients() const { return env_.recipients; }
    std::time_t arrival() const { return env_.arrival.tv_sec; }
    double age_seconds(const struct timespec& now) const;
    int fd() const { return fd_.get(); }

    // Indices of the recipients still Pending in the file.
    std::vector<std::size_t> pending() const;
    bool all_final() const;
    // Write a final status for recipient i in the file (pwrite only: the
    // Manager hands the file to its Flusher).
    Status mark(std::size_t i, queue::RcptStatus status);
    void note_deferred(std::size_t i, std::string reason);
    bool has_deferred() const { return !deferred_.empty(); }
    const std::map<std::size_t, std::string>& deferred_reasons() const { return deferred_; }
    // Recipients that failed for good in this pass, for the bounce notice.
    struct Failure {
        std::size_t index;
        std::string dsn;
        std::string reason;
    };
    void note_failed(std::size_t i, std::string dsn, std::string reason) {
        failures_.push_back(Failure{i, std::move(dsn), std::move(reason)});
    }
    const std::vector<Failure>& failures() const { return failures_; }

    // Requests planned or in flight for this message.
    void add_outstanding(int n) { outstanding_ += n; }
    void request_done() { --outstanding_; }
    int outstanding() const { return outstanding_; }

    void close() { fd_.reset(); }

private:
    Message(std::string id, UniqueFd fd, queue::Envelope env)
        : id_(std::move(id)), fd_(std::move(fd)), env_(std::move(env)) {}
    std::string id_;
    UniqueFd fd_;
    queue::Envelope env_;
    std::map<std::size_t, std::string> deferred_;
    std::vector<Failure> failures_;
    int outstanding_ = 0;
};

}  // namespace postern::qmgr
