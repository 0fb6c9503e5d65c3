// Test helpers for pickup: a temporary queue directory and a fake cleanup
// service listening on its private/cleanup socket in a thread. The fake
// records what pickup sent and answers with a scripted reply (or hangs up).
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "lib/base/unique_fd.hpp"
#include "lib/ipc/channel.hpp"
#include "lib/ipc/messages.hpp"
#include "lib/queue/queue_dir.hpp"

namespace postern::pickup::testing {

class TempQueue {
public:
    TempQueue() {
        const char* base = std::getenv("TMPDIR");
        std::string tmpl = std::string(base && *base ? base : "/tmp") + "/pickup-test-XXXXXX";
        root_ = ::mkdtemp(tmpl.data()) ? tmpl : std::string();
        if (!root_.empty()) (void)queue::QueueDir::create_layout(root_);
    }
    ~TempQueue() {
        std::error_code ec;
        std::filesystem::remove_all(root_, ec);
    }
    TempQueue(const TempQueue&) = delete;
    TempQueue& operator=(const TempQueue&) = delete;
    const std::string& root() const { return root_; }

private:
    std::string root_;
};

struct Received {
    std::optional<ipc::CleanupOpen> open;
    std::vector<std::string> chunks;
    bool end = false;
};

class FakeCleanup {
public:
    enum class Script { Reply, HangUpAfterOpen };

    FakeCleanup(const std::string& socket_path, ipc::CleanupReply reply, Script script = Script::Reply)
        : reply_(std::move(reply)), script_(script) {
        auto fd = ipc::listen_unix(socket_path, 0600);
        if (fd) listen_ = std::move(*fd);
        thread_ = std::thread([this] { serve(); });
    }
    ~FakeCleanup() {
        if (thread_.joinable()) thread_.join();
    }
    FakeCleanup(const FakeCleanup&) = delete;
    FakeCleanup& operator=(const FakeCleanup&) = delete;

    // Wait for the conversation to finish; then the record is stable.
    const Received& received() {
        if (thread_.joinable()) thread_.join();
        return got_;
    }
    bool listening() const { return listen_.valid(); }

private:
    static constexpr ipc::Millis kTimeout{5000};

    void serve() {
        if (!listen_.valid()) return;
        struct pollfd p {listen_.get(), POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(kTimeout.count())) <= 0) return;
        UniqueFd conn(::accept(listen_.get(), nullptr, nullptr));
        if (!conn.valid()) return;
        if (!read_request(conn.get())) return;
        (void)ipc::send_msg(conn.get(), reply_, kTimeout);
    }

    bool read_request(int fd) {
        ipc::Limits limits;
        auto open = ipc::recv_msg<ipc::CleanupOpen>(fd, limits, kTimeout);
        if (!open) return false;
        got_.open = *open;
        if (script_ == Script::HangUpAfterOpen) return false;
        for (;;) {
            auto frame = ipc::recv_frame(fd, limits, kTimeout);
            if (!frame) return false;
            if (ipc::peek_type(*frame) == ipc::CleanupEnd::kType) {
                got_.end = true;
                return true;
            }
            auto data = ipc::decode_msg<ipc::CleanupData>(*frame, limits);
            if (!data) return false;
            got_.chunks.push_back(data->data);
        }
    }

    UniqueFd listen_;
    ipc::CleanupReply reply_;
    Script script_;
    Received got_;
    std::thread thread_;
};

}  // namespace postern::pickup::testing
