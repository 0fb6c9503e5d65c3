// |command and /file deliveries, in-process (as the test's own user).
#include "local_command.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "lib/base/identity.hpp"
#include "local_file.hpp"
#include "local_test_util.hpp"

namespace postern::local {
namespace {

using testing::TempDir;

class CommandTest : public ::testing::Test {
protected:
    void SetUp() override {
        s_ = testing::user_settings(dir_.path());
        testing::write_queue_file(s_.queue_directory + "/Q1", "bob@example.org", {"alice@example.test"},
                                  "Subject: hi\n\nFrom me\nbody\n", 7);
        m_ = testing::open_message(s_.queue_directory + "/Q1");
        job_.user = current_identity();
        job_.user.home = dir_.path();
        job_.recipient = "alice+x@example.test";
        job_.local = "alice+x";
        job_.domain = "example.test";
        job_.extension = "x";
        job_.time_limit = std::chrono::milliseconds(5000);
    }
    Outcome run(const std::string& command) {
        job_.command = command;
        return deliver_command(m_.msg, job_);
    }
    std::string out(const std::string& name) { return testing::slurp(dir_.path() + "/" + name); }

    TempDir dir_;
    Settings s_;
    testing::TestMessage m_;
    CommandJob job_;
};

TEST_F(CommandTest, MessageOnStdinWithFromLineAndHeaders) {
    Outcome o = run("cat > stdin.txt");
    ASSERT_EQ(o.status, Outcome::Status::Delivered) << o.reason;
    std::string got = out("stdin.txt");
    EXPECT_EQ(got.rfind("From bob@example.org ", 0), 0u) << got;
    EXPECT_NE(got.find("Return-Path: <bob@example.org>\nDelivered-To: alice+x@example.test\nSubject: hi\n"),
              std::string::npos);
    EXPECT_NE(got.find("\nFrom me\nbody\n"), std::string::npos);  // no quoting for commands
}

TEST_F(CommandTest, CleanEnvironmentAndHomeDirectory) {
    ASSERT_EQ(run("env > env.txt; pwd > pwd.txt").status, Outcome::Status::Delivered);
    std::string env = out("env.txt");
    for (const char* want : {"SENDER=bob@example.org\n", "RECIPIENT=alice+x@example.test\n", "LOCAL=alice+x\n",
                             "DOMAIN=example.test\n", "EXTENSION=x\n", "PATH=/usr/bin:/bin\n"})
        EXPECT_NE(env.find(want), std::string::npos) << want;
    EXPECT_EQ(env.find("GTEST"), std::string::npos);
    EXPECT_EQ(out("pwd.txt"), dir_.path() + "\n");
}

TEST_F(CommandTest, MetacharactersInTheAddressAreData) {
    job_.recipient = "a+`touch pwned`$(touch pwned2);touch pwned3@example.test";
    ASSERT_EQ(run("printf '%s' \"$RECIPIENT\" > r.txt").status, Outcome::Status::Delivered);
    EXPECT_EQ(out("r.txt"), job_.recipient);
    for (const char* f : {"pwned", "pwned2", "pwned3"})
        EXPECT_NE(::access((dir_.path() + "/" + f).c_str(), F_OK), 0) << f;
}

struct ExitCase {
    int code;
    Outcome::Status status;
    const char* dsn;
};

TEST_F(CommandTest, ExitCodesMapThroughSysexits) {
    const ExitCase cases[] = {{0, Outcome::Status::Delivered, "2.0.0"}, {75, Outcome::Status::Deferred, "4.3.0"},
                              {71, Outcome::Status::Deferred, "4.3.0"}, {67, Outcome::Status::Bounced, "5.1.1"},
                              {77, Outcome::Status::Bounced, "5.7.0"},  {1, Outcome::Status::Bounced, "5.3.0"}};
    for (const auto& c : cases) {
        Outcome o = run("echo said-" + std::to_string(c.code) + "; exit " + std::to_string(c.code));
        EXPECT_EQ(o.status, c.status) << c.code;
        EXPECT_EQ(o.dsn, c.dsn) << c.code;
        if (c.code) {
            EXPECT_NE(o.reason.find("said-" + std::to_string(c.code)), std::string::npos) << o.reason;
        }
    }
}

TEST_F(CommandTest, TimeLimitKillsTheProcessGroupAndDefers) {
    job_.time_limit = std::chrono::milliseconds(300);
    auto start = std::chrono::steady_clock::now();
    Outcome o = run("sleep 30 & sleep 30");
    EXPECT_EQ(o.status, Outcome::Status::Deferred);
    EXPECT_EQ(o.dsn, "4.4.7");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(CommandTest, CommandThatDoesNotReadStdinStillDelivers) {
    EXPECT_EQ(run("exit 0").status, Outcome::Status::Delivered);
}

TEST_F(CommandTest, FileAppendsMboxAndRefusesSymlinks) {
    std::string path = dir_.path() + "/copy.mbox";
    ASSERT_EQ(deliver_file(s_, m_.msg, "alice@example.test", path).status, Outcome::Status::Delivered);
    ASSERT_EQ(deliver_file(s_, m_.msg, "alice@example.test", path).status, Outcome::Status::Delivered);
    std::string box = testing::slurp(path);
    EXPECT_EQ(box.rfind("From bob@example.org ", 0), 0u);
    EXPECT_NE(box.find("\n>From me\n"), std::string::npos);
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    std::string link = dir_.path() + "/link";
    ASSERT_EQ(::symlink(path.c_str(), link.c_str()), 0);
    EXPECT_EQ(deliver_file(s_, m_.msg, "alice@example.test", link).status, Outcome::Status::Bounced);
    EXPECT_EQ(deliver_file(s_, m_.msg, "alice@example.test", "relative").status, Outcome::Status::Bounced);
    EXPECT_EQ(deliver_file(s_, m_.msg, "alice@example.test", "/dev/null").status, Outcome::Status::Delivered);
    EXPECT_EQ(testing::slurp(path), box);  // the refused ones wrote nothing
}

}  // namespace
}  // namespace postern::local
