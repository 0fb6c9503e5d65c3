// mbox delivery: format, quoting, locks, unsafe mailboxes.
#include "local_mailbox.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <utime.h>

#include <gtest/gtest.h>

#include "lib/base/identity.hpp"
#include "local_dotlock.hpp"
#include "local_test_util.hpp"

namespace postern::local {
namespace {

using testing::TempDir;

class MboxTest : public ::testing::Test {
protected:
    void SetUp() override {
        s_ = testing::user_settings(dir_.path());
        s_.mailbox_format = MailboxFormat::Mbox;
        user_ = current_identity();
        user_.name = "alice";
        box_ = s_.mail_spool_directory + "/alice";
    }
    Outcome deliver(const std::string& content, const std::string& sender = "bob@example.org",
                    FileOps& ops = posix_file_ops()) {
        std::string path = s_.queue_directory + "/Q1";
        testing::write_queue_file(path, sender, {"alice@example.test"}, content, 5);
        auto m = testing::open_message(path);
        return deliver_mbox(s_, m.msg, "alice@example.test", user_, ops);
    }
    // The message part after the From_ line.
    std::string after_from_line(const std::string& mbox) { return mbox.substr(mbox.find('\n') + 1); }

    TempDir dir_;
    Settings s_;
    Identity user_;
    std::string box_;
};

TEST_F(MboxTest, FromLineHeadersQuotingAndTrailingBlankLine) {
    Outcome o = deliver("Subject: hi\n\nFrom me\nnot From here\n>From kept\nFrom\nFrom x");
    ASSERT_EQ(o.status, Outcome::Status::Delivered) << o.reason;
    EXPECT_EQ(o.reason, "delivered to mailbox");
    std::string mbox = testing::slurp(box_);
    EXPECT_EQ(mbox.rfind("From bob@example.org ", 0), 0u) << mbox;
    EXPECT_EQ(after_from_line(mbox),
              "Return-Path: <bob@example.org>\nDelivered-To: alice@example.test\n"
              "Subject: hi\n\n>From me\nnot From here\n>From kept\nFrom\n>From x\n\n");
    struct stat st {};
    ASSERT_EQ(::stat(box_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    EXPECT_NE(::access((box_ + ".lock").c_str(), F_OK), 0) << "dot-lock left behind";
}

TEST_F(MboxTest, NullSenderIsMailerDaemonAndMessagesAppend) {
    ASSERT_EQ(deliver("Subject: 1\n\none\n", "").status, Outcome::Status::Delivered);
    ASSERT_EQ(deliver("Subject: 2\n\ntwo\n").status, Outcome::Status::Delivered);
    std::string mbox = testing::slurp(box_);
    EXPECT_EQ(mbox.rfind("From MAILER-DAEMON ", 0), 0u);
    EXPECT_NE(mbox.find("one\n\nFrom bob@example.org "), std::string::npos) << mbox;
}

TEST(MboxFormat, FromLineIsAsctimeStyle) {
    const char* old_tz = std::getenv("TZ");
    std::string saved = old_tz ? old_tz : "";
    ::setenv("TZ", "UTC", 1);
    ::tzset();
    EXPECT_EQ(from_line("a@b", 531000168), "From a@b Wed Oct 29 20:02:48 1986\n");
    EXPECT_EQ(from_line("a@b", 1700000000 - 86400 * 10), "From a@b Sat Nov  4 22:13:20 2023\n");
    EXPECT_EQ(from_line("", 531000168).substr(0, 19), "From MAILER-DAEMON ");
    if (old_tz)
        ::setenv("TZ", saved.c_str(), 1);
    else
        ::unsetenv("TZ");
    ::tzset();
}

TEST(MboxFormat, QuotingAcrossEveryChunkBoundary) {
    const std::string in = "From a\nFrom\nFro\nFrom b\nxFrom c\n\nFrom d";
    const std::string want = ">From a\nFrom\nFro\n>From b\nxFrom c\n\n>From d";
    for (std::size_t chunk = 1; chunk <= in.size(); ++chunk) {
        FromQuoter q;
        std::string out;
        for (std::size_t i = 0; i < in.size(); i += chunk) q.feed(std::string_view(in).substr(i, chunk), out);
        q.finish(out);
        EXPECT_EQ(out, want) << "chunk " << chunk;
    }
}

TEST_F(MboxTest, HeldDotLockDefers) {
    testing::spit(box_ + ".lock", "");
    Outcome o = deliver("Subject: x\n\nbody\n");
    EXPECT_EQ(o.status, Outcome::Status::Deferred);
    EXPECT_EQ(o.dsn, "4.2.0");
    EXPECT_NE(o.reason.find("mailbox locked"), std::string::npos) << o.reason;
    EXPECT_EQ(::access((box_ + ".lock").c_str(), F_OK), 0) << "someone else's lock was removed";
    EXPECT_NE(::access(box_.c_str(), F_OK), 0);
}

TEST_F(MboxTest, StaleDotLockIsRemoved) {
    testing::spit(box_ + ".lock", "");
    struct utimbuf old {};
    old.actime = old.modtime = std::time(nullptr) - 301;
    ASSERT_EQ(::utime((box_ + ".lock").c_str(), &old), 0);
    Outcome o = deliver("Subject: x\n\nbody\n");
    EXPECT_EQ(o.status, Outcome::Status::Delivered) << o.reason;
    EXPECT_NE(::access((box_ + ".lock").c_str(), F_OK), 0);
}

TEST_F(MboxTest, FcntlLockHeldByAnotherProcessDefers) {
    testing::spit(box_, "");
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        UniqueFd fd(::open(box_.c_str(), O_RDWR));
        struct flock fl {};
        fl.l_type = F_WRLCK;
        ::fcntl(fd.get(), F_SETLK, &fl);
        ::sleep(3);
        ::_exit(0);
    }
    ::usleep(300000);
    Outcome o = deliver("Subject: x\n\nbody\n");
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    EXPECT_EQ(o.status, Outcome::Status::Deferred);
    EXPECT_NE(o.reason.find("mailbox locked"), std::string::npos) << o.reason;
}

TEST_F(MboxTest, SymlinkedMailboxIsRefused) {
    std::string target = dir_.path() + "/target";
    testing::spit(target, "");
    ASSERT_EQ(::symlink(target.c_str(), box_.c_str()), 0);
    Outcome o = deliver("Subject: x\n\nbody\n");
    EXPECT_EQ(o.status, Outcome::Status::Deferred);
    EXPECT_EQ(o.dsn, "4.2.0");
    EXPECT_EQ(testing::slurp(target), "");
}

TEST_F(MboxTest, HardLinkedMailboxIsRefused) {
    std::string target = dir_.path() + "/target";
    testing::spit(target, "");
    ASSERT_EQ(::link(target.c_str(), box_.c_str()), 0);
    Outcome o = deliver("Subject: x\n\nbody\n");
    EXPECT_EQ(o.status, Outcome::Status::Deferred);
    EXPECT_NE(o.reason.find("links"), std::string::npos) << o.reason;
    EXPECT_EQ(testing::slurp(target), "");
}

TEST_F(MboxTest, MailboxOwnedBySomeoneElseIsRefused) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a file away";
    testing::spit(box_, "");
    ASSERT_EQ(::chown(box_.c_str(), 12345, 12345), 0);
    Outcome o = deliver("Subject: x\n\nbody\n");
    EXPECT_EQ(o.status, Outcome::Status::Deferred);
    EXPECT_NE(o.reason.find("owned by uid 12345"), std::string::npos) << o.reason;
    EXPECT_EQ(testing::slurp(box_), "");
}

// Lets the first n bytes through, then fails with err.
class FailAfter : public FileOps {
public:
    FailAfter(std::size_t n, int err) : left_(n), err_(err) {}
    Status write_all(int fd, std::string_view data) override {
        if (data.size() <= left_) {
            left_ -= data.size();
            return FileOps::write_all(fd, data);
        }
        (void)FileOps::write_all(fd, data.substr(0, left_));
        left_ = 0;
        return errno_error("write", err_);
    }

private:
    std::size_t left_;
    int err_;
};

TEST_F(MboxTest, WriteErrorTruncatesBackToTheOldSize) {
    const std::string old = "From x Mon Jan  1 00:00:00 2024\nSubject: old\n\nold\n\n";
    testing::spit(box_, old);
    FailAfter ops(10, EIO);
    Outcome o = deliver("Subject: x\n\nbody\n", "bob@example.org", ops);
    EXPECT_EQ(o.status, Outcome::Status::Deferred);
    EXPECT_EQ(o.dsn, "4.2.0");
    EXPECT_EQ(testing::slurp(box_), old);
}

TEST_F(MboxTest, FullDiskIsMailboxFull) {
    FailAfter ops(0, EDQUOT);
    Outcome o = deliver("Subject: x\n\nbody\n", "bob@example.org", ops);
    EXPECT_EQ(o.dsn, "4.2.2");
    EXPECT_EQ(o.reason, "mailbox full");
    EXPECT_EQ(testing::slurp(box_), "");
}

TEST(MboxGroups, OnlyAGroupWritableSpoolGivesItsGroup) {
    TempDir dir;
    Settings s;
    s.mail_spool_directory = dir.path();
    ::chmod(dir.path().c_str(), 0775);
    struct stat st {};
    ASSERT_EQ(::stat(dir.path().c_str(), &st), 0);
    EXPECT_EQ(mbox_groups(s), std::vector<gid_t>{st.st_gid});
    ::chmod(dir.path().c_str(), 01777);
    EXPECT_TRUE(mbox_groups(s).empty());
    ::chmod(dir.path().c_str(), 0755);
    EXPECT_TRUE(mbox_groups(s).empty());
}

TEST(DotLock, AttemptsAreBounded) {
    TempDir dir;
    std::string lock = dir.path() + "/u.lock";
    testing::spit(lock, "");
    LockPolicy policy{3, std::chrono::milliseconds(20), std::chrono::seconds(300)};
    auto start = std::chrono::steady_clock::now();
    auto l = DotLock::acquire(lock, policy);
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_FALSE(l.ok());
    EXPECT_GE(took, std::chrono::milliseconds(40));
    EXPECT_LT(took, std::chrono::milliseconds(2000));
}

}  // namespace
}  // namespace postern::local
