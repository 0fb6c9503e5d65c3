// Maildir delivery and the delivery headers.
#include "local_maildir.hpp"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "lib/base/identity.hpp"
#include "local_headers.hpp"
#include "local_test_util.hpp"

namespace postern::local {
namespace {

using testing::TempDir;

class MaildirTest : public ::testing::Test {
protected:
    void SetUp() override {
        s_ = testing::user_settings(dir_.path());
        user_ = current_identity();
        user_.name = "alice";
    }
    std::string queue(const std::string& content, const std::string& sender = "bob@example.org") {
        std::string path = s_.queue_directory + "/Q1";
        testing::write_queue_file(path, sender, {"alice@example.test"}, content, 7);
        return path;
    }
    TempDir dir_;
    Settings s_;
    Identity user_;
};

TEST_F(MaildirTest, CreatesMaildirAndStoresHeadersPlusMessageExactly) {
    const std::string content = "Subject: hi\nFrom: bob@example.org\n\nFrom here on\nbody\n";
    auto m = testing::open_message(queue(content));
    Outcome o = deliver_maildir(s_, m.msg, "alice@example.test", user_);
    EXPECT_EQ(o.status, Outcome::Status::Delivered) << o.reason;
    EXPECT_EQ(o.dsn, "2.0.0");
    EXPECT_EQ(o.reason, "delivered to maildir");
    std::string box = s_.mail_spool_directory + "/alice";
    for (const char* sub : {"", "/tmp", "/new", "/cur"}) {
        struct stat st {};
        ASSERT_EQ(::lstat((box + sub).c_str(), &st), 0) << sub;
        EXPECT_TRUE(S_ISDIR(st.st_mode));
        EXPECT_EQ(st.st_mode & 07777, 0700u) << sub;
    }
    std::string file = testing::only_new_file(box);
    ASSERT_FALSE(file.empty());
    EXPECT_EQ(testing::slurp(file),
              "Return-Path: <bob@example.org>\nDelivered-To: alice@example.test\n" + content);
    EXPECT_TRUE(std::filesystem::is_empty(box + "/tmp"));
}

TEST_F(MaildirTest, NullSenderIsAnEmptyReturnPath) {
    auto m = testing::open_message(queue("Subject: x\n\nbody\n", ""));
    ASSERT_EQ(deliver_maildir(s_, m.msg, "alice@example.test", user_).status, Outcome::Status::Delivered);
    EXPECT_EQ(testing::slurp(testing::only_new_file(s_.mail_spool_directory + "/alice")).substr(0, 17),
              "Return-Path: <>\nD");
}

TEST_F(MaildirTest, SymlinkedMaildirIsRefused) {
    ::mkdir((dir_.path() + "/elsewhere").c_str(), 0700);
    ASSERT_EQ(::symlink((dir_.path() + "/elsewhere").c_str(), (s_.mail_spool_directory + "/alice").c_str()), 0);
    auto m = testing::open_message(queue("Subject: x\n\nbody\n"));
    Outcome o = deliver_maildir(s_, m.msg, "alice@example.test", user_);
    EXPECT_EQ(o.status, Outcome::Status::Deferred);
    EXPECT_EQ(o.dsn, "4.2.0");
    EXPECT_TRUE(std::filesystem::is_empty(dir_.path() + "/elsewhere"));
}

// Fails every write with ENOSPC.
class FullDisk : public FileOps {
public:
    Status write_all(int, std::string_view) override { return errno_error("write", ENOSPC); }
};

TEST_F(MaildirTest, FullDiskDefersAsMailboxFullAndLeavesNothing) {
    auto m = testing::open_message(queue("Subject: x\n\nbody\n"));
    FullDisk ops;
    Outcome o = deliver_maildir(s_, m.msg, "alice@example.test", user_, ops);
    EXPECT_EQ(o.status, Outcome::Status::Deferred);
    EXPECT_EQ(o.dsn, "4.2.2");
    EXPECT_EQ(o.reason, "mailbox full");
    std::string box = s_.mail_spool_directory + "/alice";
    EXPECT_TRUE(std::filesystem::is_empty(box + "/tmp"));
    EXPECT_TRUE(std::filesystem::is_empty(box + "/new"));
}

TEST(MaildirName, UniqueNamesHaveTheMaildirShape) {
    std::string a = maildir_unique_name(), b = maildir_unique_name();
    EXPECT_NE(a, b);
    EXPECT_NE(a.find(".M"), std::string::npos);
    EXPECT_NE(a.find("P" + std::to_string(::getpid()) + "Q"), std::string::npos);
    EXPECT_EQ(a.find('/'), std::string::npos);
}

TEST(DeliveryHeaders, NewlinesInValuesCannotAddHeaders) {
    EXPECT_EQ(delivery_headers("a@b\nX-Evil: 1", "c@d"), "Return-Path: <a@b X-Evil: 1>\nDelivered-To: c@d\n");
}

struct LoopCase {
    const char* label;
    const char* headers;
    bool loop;
};

const LoopCase kLoopCases[] = {
    {"none", "Subject: x\n\n", false},
    {"same address", "Delivered-To: alice@example.test\n\n", true},
    {"different case", "delivered-to:   ALICE@Example.TEST \n\n", true},
    {"angle brackets", "Delivered-To: <alice@example.test>\n\n", true},
    {"folded value", "Delivered-To:\n alice@example.test\n\n", true},
    {"other recipient", "Delivered-To: bob@example.test\n\n", false},
    {"only in the body", "Subject: x\n\nDelivered-To: alice@example.test\n", false},
    {"similar header name", "X-Delivered-To: alice@example.test\n\n", false},
};

TEST(LoopCheck, Table) {
    for (const auto& c : kLoopCases) EXPECT_EQ(has_delivered_to(c.headers, "alice@example.test"), c.loop) << c.label;
}

TEST(HeaderBlock, StopsAtTheEmptyLineAndAtTheLimit) {
    TempDir dir;
    std::string path = dir.path() + "/Q";
    testing::write_queue_file(path, "", {"a@b"}, "A: 1\nB: 2\n\nbody\nmore\n", 3);
    auto m = testing::open_message(path);
    auto block = read_header_block(m.msg, 1000);
    ASSERT_TRUE(block.ok());
    EXPECT_EQ(*block, "A: 1\nB: 2\n\n");
    auto cut = read_header_block(m.msg, 6);
    ASSERT_TRUE(cut.ok());
    EXPECT_EQ(*cut, "A: 1\nB");
}

}  // namespace
}  // namespace postern::local
