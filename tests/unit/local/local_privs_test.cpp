// Deliveries in a child that becomes the recipient; root-only parts use a
// real user created with useradd and removed afterwards.
#include "local_privs.hpp"

#include <grp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cstdlib>

#include <gtest/gtest.h>

#include "lib/ipc/messages.hpp"
#include "local_session.hpp"
#include "local_test_util.hpp"

namespace postern::local {
namespace {

using testing::TempDir;
using std::chrono::milliseconds;

TEST(OutcomeReport, RoundTrip) {
    Outcome o = bounced("5.1.1", "unknown user: x");
    auto back = decode_outcome(encode_outcome(o));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->status, o.status);
    EXPECT_EQ(back->dsn, "5.1.1");
    EXPECT_EQ(back->reason, "unknown user: x");
}

TEST(OutcomeReport, GarbageAndBadStatusAreRejected) {
    EXPECT_FALSE(decode_outcome("garbage").ok());
    ipc::AttrList l;
    l.add_int("status", 7).add("dsn", "2.0.0").add("reason", "x");
    EXPECT_FALSE(decode_outcome(ipc::encode_payload(l)).ok());
    ipc::AttrList extra;
    extra.add_int("status", 0).add("dsn", "2.0.0").add("reason", "x").add("more", "y");
    EXPECT_FALSE(decode_outcome(ipc::encode_payload(extra)).ok());
}

TEST(RunDelivery, UnprivilegedRunsInProcess) {
    pid_t self = ::getpid();
    Outcome o = run_delivery(false, RunAs{current_identity(), std::vector<gid_t>{}}, milliseconds(1000),
                             [&] { return delivered(::getpid() == self ? "same" : "other"); });
    EXPECT_EQ(o.reason, "same");
}

// Root-only: a throw-away user (and group) for the duration of one test.
class AsRoot : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root";
        name_ = "plt" + std::to_string(::getpid());
        std::string cmd = "useradd -M -N -s /usr/sbin/nologin " + name_ + " >/dev/null 2>&1";
        if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "useradd not available";
        created_ = true;
        auto id = lookup_user(name_);
        ASSERT_TRUE(id.ok());
        user_ = *id;
        ASSERT_EQ(::chmod(dir_.path().c_str(), 0755), 0);
        s_ = testing::user_settings(dir_.path());
        s_.user_instance = false;
        s_.mailbox_format = MailboxFormat::Mbox;
        ::chmod(s_.mail_spool_directory.c_str(), 01777);
        ::mkdir((s_.queue_directory + "/active").c_str(), 0700);
    }
    void TearDown() override {
        // Best effort: userdel may already have removed a same-named group.
        if (created_ && std::system(("userdel " + name_ + " >/dev/null 2>&1").c_str()) != 0) {}
        if (!group_.empty() && std::system(("groupdel " + group_ + " >/dev/null 2>&1").c_str()) != 0) {}
    }
    ipc::DeliverReply deliver(const std::string& content) {
        testing::write_queue_file(s_.queue_directory + "/active/QID2", "bob@example.org", {name_ + "@example.test"},
                                  content);
        ipc::DeliverRequest req;
        req.queue_id = "QID2";
        req.queue_file = "active/QID2";
        req.sender = "bob@example.org";
        req.recipients.push_back(ipc::DeliverRecipient{name_ + "@example.test", "", "", 7});
        int sv[2];
        EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
        UniqueFd client(sv[0]);
        EXPECT_TRUE(ipc::send_msg(client.get(), req, milliseconds(1000)).ok());
        handle_connection(s_, UniqueFd(sv[1]));
        auto reply = ipc::recv_msg<ipc::DeliverReply>(client.get(), ipc::Limits{}, milliseconds(5000));
        EXPECT_TRUE(reply.ok());
        return reply ? *reply : ipc::DeliverReply{};
    }
    TempDir dir_;
    Settings s_;
    std::string name_, group_;
    Identity user_;
    bool created_ = false;
};

TEST_F(AsRoot, ChildRunsAsTheUserWithExactlyTheGivenGroups) {
    Outcome o = run_delivery(true, RunAs{user_, std::vector<gid_t>{}}, milliseconds(5000), [] {
        return delivered(std::to_string(::getuid()) + "/" + std::to_string(::geteuid()) + "/" +
                         std::to_string(::getgroups(0, nullptr)));
    });
    EXPECT_EQ(o.reason, std::to_string(user_.uid) + "/" + std::to_string(user_.uid) + "/0");
}

TEST_F(AsRoot, CrashedChildDefers) {
    Outcome o = run_delivery(true, RunAs{user_, std::vector<gid_t>{}}, milliseconds(5000), []() -> Outcome { ::abort(); });
    EXPECT_EQ(o.status, Outcome::Status::Deferred);
    EXPECT_EQ(o.dsn, "4.3.0");
    EXPECT_NE(o.reason.find("signal"), std::string::npos) << o.reason;
}

TEST_F(AsRoot, ChildOverTheTimeLimitIsKilledAndDefers) {
    auto start = std::chrono::steady_clock::now();
    Outcome o = run_delivery(true, RunAs{user_, std::vector<gid_t>{}}, milliseconds(200), [] {
        ::sleep(10);
        return delivered("late");
    });
    EXPECT_EQ(o.status, Outcome::Status::Deferred);
    EXPECT_EQ(o.reason, "delivery timed out");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(AsRoot, MboxIsCreatedOwnedByTheUserMode0600) {
    auto reply = deliver("Subject: hi\n\nbody\n");
    ASSERT_EQ(reply.results.size(), 1u);
    EXPECT_EQ(reply.results[0].status, Outcome::Status::Delivered) << reply.results[0].reason;
    EXPECT_EQ(reply.results[0].offset, 7);
    struct stat st {};
    ASSERT_EQ(::lstat((s_.mail_spool_directory + "/" + name_).c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, user_.uid);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    EXPECT_NE(testing::slurp(s_.mail_spool_directory + "/" + name_).find("\nbody\n\n"), std::string::npos);
}

TEST_F(AsRoot, GroupWritableSpoolLetsTheUserCreateTheDotLock) {
    group_ = "plg" + std::to_string(::getpid());
    ASSERT_EQ(std::system(("groupadd " + group_ + " >/dev/null 2>&1").c_str()), 0);
    auto gid = lookup_group(group_);
    ASSERT_TRUE(gid.ok());
    ASSERT_EQ(::chown(s_.mail_spool_directory.c_str(), 0, *gid), 0);
    ASSERT_EQ(::chmod(s_.mail_spool_directory.c_str(), 02775), 0);
    auto reply = deliver("Subject: hi\n\nbody\n");
    ASSERT_EQ(reply.results.size(), 1u);
    EXPECT_EQ(reply.results[0].status, Outcome::Status::Delivered) << reply.results[0].reason;
    struct stat st {};
    ASSERT_EQ(::lstat((s_.mail_spool_directory + "/" + name_).c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, user_.uid);
}

TEST_F(AsRoot, MailboxOfAnotherUserIsNotWrittenThroughASymlinkByTheChild) {
    std::string victim = dir_.path() + "/victim";
    testing::spit(victim, "secret\n");
    ASSERT_EQ(::symlink(victim.c_str(), (s_.mail_spool_directory + "/" + name_).c_str()), 0);
    auto reply = deliver("Subject: hi\n\nbody\n");
    ASSERT_EQ(reply.results.size(), 1u);
    EXPECT_EQ(reply.results[0].status, Outcome::Status::Deferred);
    EXPECT_EQ(testing::slurp(victim), "secret\n");
}

TEST_F(AsRoot, MaildirFileIsOwnedByTheUser) {
    s_.mailbox_format = MailboxFormat::Maildir;
    std::string box = s_.mail_spool_directory + "/" + name_;
    ASSERT_EQ(::mkdir(box.c_str(), 0700), 0);
    ASSERT_EQ(::chown(box.c_str(), user_.uid, user_.gid), 0);
    auto reply = deliver("Subject: hi\n\nbody\n");
    ASSERT_EQ(reply.results.size(), 1u);
    EXPECT_EQ(reply.results[0].status, Outcome::Status::Delivered) << reply.results[0].reason;
    std::string file = testing::only_new_file(box);
    ASSERT_FALSE(file.empty());
    struct stat st {};
    ASSERT_EQ(::lstat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, user_.uid);
}

}  // namespace
}  // namespace postern::local
