// Shared fixtures for the qmgr unit tests: a temporary queue directory, a
// queue-file writer, and a fake delivery agent on a UNIX socket that
// records each DeliverRequest and answers with a scripted reply.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/unit/common/temp_dir.hpp"

#include "lib/base/log.hpp"
#include "lib/base/safe_file.hpp"
#include "lib/base/unique_fd.hpp"
#include "lib/ipc/messages.hpp"
#include "lib/queue/queue_dir.hpp"
#include "lib/queue/queue_file.hpp"

namespace postern::qmgr::testing {

inline void quiet_logs() {
    log::Options o;
    o.program = "qmgr";
    o.to_syslog = false;
    o.to_stderr = false;
    log::init(o);
}

using postern::testing::TempDir;

inline queue::Envelope make_envelope(const std::vector<std::string>& rcpts, std::time_t arrival = 0) {
    queue::Envelope env;
    env.arrival.tv_sec = arrival ? arrival : std::time(nullptr);
    env.sender = "alice@example.org";
    for (const auto& r : rcpts) env.recipients.push_back(queue::Recipient{r, "", "", queue::RcptStatus::Pending, 0});
    return env;
}

// Write a complete queue file into sub/ and return its ID.
inline std::string write_queue_file(queue::QueueDir& q, std::string_view sub, const queue::Envelope& env,
                                    std::string_view body = "Subject: test\n\nhello\n") {
    auto file = q.create(sub);
    EXPECT_TRUE(file.ok()) << (file.ok() ? "" : file.error().message);
    if (!file) return {};
    queue::Writer w(file->fd.get());
    EXPECT_TRUE(w.write_envelope(env).ok());
    EXPECT_TRUE(w.write_data(body).ok());
    EXPECT_TRUE(w.finish().ok());
    EXPECT_TRUE(q.commit(*file).ok());
    return file->queue_id;
}

inline std::string read_statuses(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return "<missing>";
    auto env = queue::read_envelope(fd.get());
    if (!env) return "<corrupt>";
    std::string out;
    for (const auto& r : env->recipients) out.push_back(static_cast<char>(r.status));
    return out;
}

// A delivery agent stand-in. reply() builds the answer from the request;
// the default delivers every recipient.
class FakeAgent {
public:
    using Reply = std::function<ipc::DeliverReply(const ipc::DeliverRequest&)>;

    FakeAgent(const std::string& socket_path, Reply reply = deliver_all)
        : reply_(std::move(reply)) {
        auto fd = ipc::listen_unix(socket_path, 0600);
        EXPECT_TRUE(fd.ok()) << (fd.ok() ? "" : fd.error().message);
        if (fd) listen_ = std::move(*fd);
        thread_ = std::thread([this] { serve(); });
    }
    ~FakeAgent() {
        stop_ = true;
        thread_.join();
    }
    std::vector<ipc::DeliverRequest> requests() {
        std::lock_guard lock(mu_);
        return requests_;
    }

    static ipc::DeliverReply reply_all(const ipc::DeliverRequest& req, ipc::RecipientResult::Status s,
                                       std::string dsn, std::string reason) {
        ipc::DeliverReply rep;
        for (const auto& r : req.recipients) rep.results.push_back({r.offset, s, dsn, reason});
        return rep;
    }
    static ipc::DeliverReply deliver_all(const ipc::DeliverRequest& req) {
        return reply_all(req, ipc::RecipientResult::Status::Delivered, "2.0.0", "delivered to maildir");
    }

private:
    void serve() {
        while (!stop_) {
            struct pollfd p = {listen_.get(), POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) continue;
            UniqueFd c(::accept4(listen_.get(), nullptr, nullptr, SOCK_CLOEXEC));
            if (!c.valid()) continue;
            auto req = ipc::recv_msg<ipc::DeliverRequest>(c.get(), ipc::Limits{}, ipc::Millis{2000});
            if (!req) continue;
            {
                std::lock_guard lock(mu_);
                requests_.push_back(*req);
            }
            (void)ipc::send_msg(c.get(), reply_(*req), ipc::Millis{2000});
        }
    }

    Reply reply_;
    UniqueFd listen_;
    std::atomic<bool> stop_{false};
    std::mutex mu_;
    std::vector<ipc::DeliverRequest> requests_;
    std::thread thread_;
};

}  // namespace postern::qmgr::testing
