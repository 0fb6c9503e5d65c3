// pickup against a fake cleanup: what is sent, when the maildrop file is
// removed, kept, or moved to corrupt/.
#include "pickup_file.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "lib/base/log.hpp"
#include "lib/queue/queue_file.hpp"
#include "lib/queue/queue_id.hpp"
#include "pickup_cleanup.hpp"
#include "pickup_fake_cleanup.hpp"
#include "pickup_scan.hpp"

namespace postern::pickup {
namespace {

using testing::FakeCleanup;
using testing::TempQueue;

ipc::CleanupReply reply(ipc::CleanupReply::Status status, std::string queue_id = "", std::string reason = "") {
    ipc::CleanupReply r;
    r.status = status;
    r.queue_id = std::move(queue_id);
    r.reason = std::move(reason);
    return r;
}

class PickupFileTest : public ::testing::Test {
protected:
    void SetUp() override {
        log::Options o;
        o.program = "pickup-test";
        o.to_syslog = false;
        log::init(o);
        ASSERT_FALSE(tq_.root().empty());
        auto q = queue::QueueDir::open(tq_.root());
        ASSERT_TRUE(q) << q.error().message;
        q_.emplace(std::move(*q));
        settings_.cleanup_socket = tq_.root() + "/private/cleanup";
        settings_.ipc_timeout = std::chrono::milliseconds(5000);
    }

    // A valid maildrop file, as postdrop would leave it.
    std::string drop(const std::string& content, std::vector<std::string> rcpts = {"bob@example.org"},
                     long long claimed_uid = 12345) {
        auto nf = q_->create(queue::kMaildrop, 0644);
        EXPECT_TRUE(nf) << nf.error().message;
        queue::Envelope env;
        ::clock_gettime(CLOCK_REALTIME, &env.arrival);
        env.sender = "alice";
        env.full_name = "Alice A";
        env.uid = claimed_uid;
        for (auto& r : rcpts) env.recipients.push_back(queue::Recipient{r, "", ""});
        queue::Writer w(nf->fd.get());
        EXPECT_TRUE(w.write_envelope(env));
        EXPECT_TRUE(w.write_data(content));
        EXPECT_TRUE(w.finish());
        EXPECT_TRUE(q_->commit(*nf));
        return nf->queue_id;
    }

    bool in(std::string_view sub, const std::string& id) {
        struct stat st {};
        return ::lstat(q_->path(sub, id).c_str(), &st) == 0;
    }

    std::string junk_id() {
        struct timespec now {};
        ::clock_gettime(CLOCK_REALTIME, &now);
        return queue::make_queue_id(now, 4242);
    }

    TempQueue tq_;
    std::optional<queue::QueueDir> q_;
    Settings settings_;
};

TEST_F(PickupFileTest, ValidFileGoesToCleanupAndIsRemovedAfterOk) {
    std::string id = drop("Subject: x\n\nhello\n");
    FakeCleanup fake(settings_.cleanup_socket, reply(ipc::CleanupReply::Status::Ok, "NEWID1"));
    EXPECT_EQ(pickup_file(*q_, id, settings_), Outcome::Queued);
    const auto& got = fake.received();
    ASSERT_TRUE(got.open);
    EXPECT_EQ(got.open->origin, "pickup");
    EXPECT_EQ(got.open->sender, "alice");
    EXPECT_EQ(got.open->full_name, "Alice A");
    EXPECT_EQ(got.open->recipients, std::vector<std::string>{"bob@example.org"});
    EXPECT_TRUE(got.end);
    std::string content;
    for (const auto& c : got.chunks) content += c;
    EXPECT_EQ(content, "Subject: x\n\nhello\n");
    EXPECT_FALSE(in(queue::kMaildrop, id));
}

TEST_F(PickupFileTest, SubmitterIsTheFileOwnerNotTheClaimInside) {
    std::string id = drop("x\n", {"bob"}, 0);  // claims root
    FakeCleanup fake(settings_.cleanup_socket, reply(ipc::CleanupReply::Status::Ok, "NEWID2"));
    EXPECT_EQ(pickup_file(*q_, id, settings_), Outcome::Queued);
    ASSERT_TRUE(fake.received().open);
    EXPECT_EQ(fake.received().open->uid, static_cast<std::int64_t>(::geteuid()));
}

TEST_F(PickupFileTest, LargeContentIsSentInBoundedChunks) {
    std::string content(200000, 'z');
    std::string id = drop(content);
    FakeCleanup fake(settings_.cleanup_socket, reply(ipc::CleanupReply::Status::Ok, "NEWID3"));
    EXPECT_EQ(pickup_file(*q_, id, settings_), Outcome::Queued);
    std::string joined;
    for (const auto& c : fake.received().chunks) {
        EXPECT_LE(c.size(), ipc::kCleanupChunk);
        joined += c;
    }
    EXPECT_EQ(joined, content);
}

TEST_F(PickupFileTest, TempFailKeepsTheFile) {
    std::string id = drop("x\n");
    FakeCleanup fake(settings_.cleanup_socket, reply(ipc::CleanupReply::Status::TempFail, "", "disk full"));
    EXPECT_EQ(pickup_file(*q_, id, settings_), Outcome::Deferred);
    (void)fake.received();
    EXPECT_TRUE(in(queue::kMaildrop, id));
}

TEST_F(PickupFileTest, NoCleanupKeepsTheFile) {
    std::string id = drop("x\n");
    EXPECT_EQ(pickup_file(*q_, id, settings_), Outcome::Deferred);
    EXPECT_TRUE(in(queue::kMaildrop, id));
}

TEST_F(PickupFileTest, CleanupHangingUpWithoutReplyKeepsTheFile) {
    std::string id = drop(std::string(300000, 'q'));
    FakeCleanup fake(settings_.cleanup_socket, reply(ipc::CleanupReply::Status::Ok, "X"),
                     FakeCleanup::Script::HangUpAfterOpen);
    EXPECT_EQ(pickup_file(*q_, id, settings_), Outcome::Deferred);
    (void)fake.received();
    EXPECT_TRUE(in(queue::kMaildrop, id));
}

TEST_F(PickupFileTest, PermanentRefusalKeepsTheFileInCorrupt) {
    std::string id = drop("x\n");
    FakeCleanup fake(settings_.cleanup_socket, reply(ipc::CleanupReply::Status::PermFail, "", "message refused"));
    EXPECT_EQ(pickup_file(*q_, id, settings_), Outcome::Corrupt);
    (void)fake.received();
    EXPECT_FALSE(in(queue::kMaildrop, id));
    EXPECT_TRUE(in(queue::kCorrupt, id));
}

TEST_F(PickupFileTest, UnparseableFileGoesToCorrupt) {
    std::string id = junk_id();
    std::ofstream(q_->path(queue::kMaildrop, id)) << "not a queue file\n";
    EXPECT_EQ(pickup_file(*q_, id, settings_), Outcome::Corrupt);
    EXPECT_FALSE(in(queue::kMaildrop, id));
    EXPECT_TRUE(in(queue::kCorrupt, id));
}

TEST_F(PickupFileTest, SymlinkInMaildropIsRefusedAndNotFollowed) {
    std::string target_id = drop("secret\n");
    std::string target = tq_.root() + "/elsewhere";
    ASSERT_EQ(::rename(q_->path(queue::kMaildrop, target_id).c_str(), target.c_str()), 0);
    std::string id = junk_id();
    ASSERT_EQ(::symlink(target.c_str(), q_->path(queue::kMaildrop, id).c_str()), 0);
    // No cleanup is listening: a follow would show up as Deferred, not Corrupt.
    EXPECT_EQ(pickup_file(*q_, id, settings_), Outcome::Corrupt);
    struct stat st {};
    ASSERT_EQ(::lstat(q_->path(queue::kCorrupt, id).c_str(), &st), 0);
    EXPECT_TRUE(S_ISLNK(st.st_mode));
    EXPECT_EQ(::lstat(target.c_str(), &st), 0);  // the target is untouched
}

TEST_F(PickupFileTest, HardLinkedFileIsRefused) {
    std::string id = drop("x\n");
    std::string other = tq_.root() + "/other-link";
    ASSERT_EQ(::link(q_->path(queue::kMaildrop, id).c_str(), other.c_str()), 0);
    EXPECT_EQ(pickup_file(*q_, id, settings_), Outcome::Corrupt);
    EXPECT_TRUE(in(queue::kCorrupt, id));
}

TEST_F(PickupFileTest, VanishedFileIsGone) { EXPECT_EQ(pickup_file(*q_, junk_id(), settings_), Outcome::Gone); }

TEST_F(PickupFileTest, RecipientLimitPlusOneIsCorrupt) {
    settings_.read_limits.max_recipients = 2;
    std::string ok_id = drop("x\n", {"a", "b"});
    std::string bad_id = drop("x\n", {"a", "b", "c"});
    EXPECT_EQ(pickup_file(*q_, bad_id, settings_), Outcome::Corrupt);
    FakeCleanup fake(settings_.cleanup_socket, reply(ipc::CleanupReply::Status::Ok, "N"));
    EXPECT_EQ(pickup_file(*q_, ok_id, settings_), Outcome::Queued);
}

TEST_F(PickupFileTest, ContentLimitPlusOneIsCorrupt) {
    settings_.read_limits.max_content = 10;
    std::string ok_id = drop("123456789\n");
    std::string bad_id = drop("1234567890\n");
    EXPECT_EQ(pickup_file(*q_, bad_id, settings_), Outcome::Corrupt);
    FakeCleanup fake(settings_.cleanup_socket, reply(ipc::CleanupReply::Status::Ok, "N"));
    EXPECT_EQ(pickup_file(*q_, ok_id, settings_), Outcome::Queued);
}

TEST_F(PickupFileTest, ScanStopsAtTheFirstTemporaryFailure) {
    std::string a = drop("a\n");
    std::string b = drop("b\n");
    auto stats = scan_maildrop(*q_, settings_);
    EXPECT_TRUE(stats.deferred);
    EXPECT_EQ(stats.kept, 1u);
    EXPECT_TRUE(in(queue::kMaildrop, a));
    EXPECT_TRUE(in(queue::kMaildrop, b));
}

TEST_F(PickupFileTest, ScanQueuesAndSweepsStaleTempFiles) {
    std::string id = drop("a\n");
    std::string stale = q_->dir(queue::kMaildrop) + "/.tstale";
    std::ofstream(stale) << "half";
    struct timespec old[2] = {{1000, 0}, {1000, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, stale.c_str(), old, 0), 0);
    FakeCleanup fake(settings_.cleanup_socket, reply(ipc::CleanupReply::Status::Ok, "N"));
    auto stats = scan_maildrop(*q_, settings_);
    EXPECT_EQ(stats.queued, 1u);
    EXPECT_FALSE(stats.deferred);
    EXPECT_FALSE(in(queue::kMaildrop, id));
    struct stat st {};
    EXPECT_NE(::lstat(stale.c_str(), &st), 0);
}

}  // namespace
}  // namespace postern::pickup
