// master's signals, turned into bytes on a self-pipe so that the main loop
// handles them one at a time, outside signal context:
//   SIGCHLD -> reap and refill; SIGHUP -> reload; SIGTERM/SIGINT -> stop.
#pragma once

#include <vector>

#include "lib/base/result.hpp"
#include "lib/base/unique_fd.hpp"

namespace postern::master {

class SignalPipe {
public:
    // Install the handlers (once per process).
    static Result<SignalPipe> install();
    int fd() const { return read_.get(); }
    // The signals that arrived since the last call, in order (bounded by
    // the pipe's capacity; a lost duplicate SIGCHLD is harmless because
    // reaping collects every exited child).
    std::vector<int> drain();

private:
    explicit SignalPipe(UniqueFd read) : read_(std::move(read)) {}
    UniqueFd read_;
};

}  // namespace postern::master
