// Shared fixtures for local's unit tests: a temp directory, a queue file
// written with queue::Writer, and Settings for a user instance in it.
#pragma once

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/unit/common/temp_dir.hpp"

#include "lib/base/unique_fd.hpp"
#include "lib/queue/queue_file.hpp"
#include "local_message.hpp"
#include "local_settings.hpp"

namespace postern::local::testing {

using postern::testing::TempDir;

inline std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

inline void spit(const std::string& path, const std::string& data) {
    std::ofstream out(path, std::ios::binary);
    out << data;
}

// Write a queue file at path; content is split into several 'D' records
// when chunk is smaller than the content.
inline void write_queue_file(const std::string& path, const std::string& sender,
                             const std::vector<std::string>& recipients, const std::string& content,
                             std::size_t chunk = 1 << 20) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600));
    ASSERT_TRUE(fd.valid()) << path;
    queue::Envelope env;
    env.arrival.tv_sec = 1700000000;
    env.sender = sender;
    for (const auto& r : recipients) env.recipients.push_back(queue::Recipient{r, "", "", queue::RcptStatus::Pending, 0});
    queue::Writer w(fd.get());
    ASSERT_TRUE(w.write_envelope(env).ok());
    for (std::size_t i = 0; i < content.size(); i += chunk) ASSERT_TRUE(w.write_data(content.substr(i, chunk)).ok());
    ASSERT_TRUE(w.finish().ok());
}

// A queued message opened as local opens it.
struct TestMessage {
    UniqueFd fd;
    Message msg;
};

inline TestMessage open_message(const std::string& path) {
    TestMessage t;
    t.fd.reset(::open(path.c_str(), O_RDONLY));
    EXPECT_TRUE(t.fd.valid());
    auto env = queue::read_envelope(t.fd.get());
    EXPECT_TRUE(env.ok()) << (env.ok() ? "" : env.error().message);
    t.msg.queue_id = "TESTID";
    t.msg.fd = t.fd.get();
    if (env) t.msg.envelope = *env;
    return t;
}

inline Settings user_settings(const std::string& root) {
    Settings s;
    s.queue_directory = root + "/queue";
    s.mail_spool_directory = root + "/spool";
    s.mailbox_format = MailboxFormat::Maildir;
    s.user_instance = true;
    s.local_domains = {"example.test", "localhost"};
    s.lock_attempts = 3;
    s.lock_delay = std::chrono::milliseconds(10);
    s.delivery_timeout = std::chrono::milliseconds(20000);
    s.ipc_timeout = std::chrono::milliseconds(5000);
    ::mkdir(s.queue_directory.c_str(), 0700);
    ::mkdir(s.mail_spool_directory.c_str(), 0700);
    return s;
}

// The single file in a Maildir's new/ (empty when none or several).
inline std::string only_new_file(const std::string& maildir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(maildir + "/new", ec)) names.push_back(e.path());
    return names.size() == 1 ? names.front() : std::string();
}

}  // namespace postern::local::testing
