// Queue directory: layout, create/commit, moves, listing and temp sweeping.
#include "lib/queue/queue_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <set>

#include "lib/queue/queue_id.hpp"
#include "tests/unit/lib/queue/queue_test_util.hpp"

namespace postern::queue {
namespace {

bool exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

void touch(const std::string& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT_GE(fd, 0) << path;
    ::close(fd);
}

class QueueDirTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_FALSE(tmp_.path().empty());
        root_ = tmp_.file("queue");
        ASSERT_TRUE(QueueDir::create_layout(root_).ok());
        auto q = QueueDir::open(root_);
        ASSERT_TRUE(q.ok()) << q.error().message;
        q_.emplace(std::move(*q));
    }

    // A complete queue file in sub, committed; returns its ID.
    std::string enqueue(std::string_view sub, std::string_view content = "body\n") {
        auto nf = q_->create(sub);
        EXPECT_TRUE(nf.ok()) << nf.error().message;
        if (!nf.ok()) return {};
        EXPECT_TRUE(testing::write_queue_file(nf->fd.get(), testing::sample_envelope(), content).ok());
        EXPECT_TRUE(q_->commit(*nf).ok());
        return nf->queue_id;
    }

    std::vector<std::string> list(std::string_view sub) {
        auto ids = q_->list(sub);
        EXPECT_TRUE(ids.ok()) << ids.error().message;
        return ids.ok() ? *ids : std::vector<std::string>{};
    }

    postern::testing::TempDir tmp_;
    std::string root_;
    std::optional<QueueDir> q_;
};

TEST_F(QueueDirTest, CreateLayoutMakesEverySubdirectoryAndIsIdempotent) {
    for (const char* sub : {"maildrop", "incoming", "active", "deferred", "hold", "corrupt", "defer", "bounce", "trace",
                            "private", "public", "pid", "log"}) {
        struct stat st {};
        ASSERT_EQ(::lstat((root_ + "/" + sub).c_str(), &st), 0) << sub;
        EXPECT_TRUE(S_ISDIR(st.st_mode)) << sub;
        EXPECT_EQ(st.st_mode & 077, 0u) << sub;
    }
    EXPECT_TRUE(QueueDir::create_layout(root_).ok());
}

TEST_F(QueueDirTest, CreateLayoutLeavesModesSetByTheAdministrator) {
    // postern-ctl gives maildrop/ its set-gid group mode; a re-run must not undo it.
    ASSERT_EQ(::chmod((root_ + "/maildrop").c_str(), 01730), 0);
    ASSERT_TRUE(QueueDir::create_layout(root_).ok());
    struct stat st {};
    ASSERT_EQ(::stat((root_ + "/maildrop").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 01730u);
}

TEST_F(QueueDirTest, CreateLayoutRefusesAFileWhereADirectoryBelongs) {
    std::string other = tmp_.file("other");
    ASSERT_EQ(::mkdir(other.c_str(), 0700), 0);
    touch(other + "/active");
    auto st = QueueDir::create_layout(other);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find(other + "/active"), std::string::npos) << st.error().message;
}

TEST_F(QueueDirTest, OpenNamesThePathOnError) {
    auto missing = QueueDir::open(tmp_.file("nope"));
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find(tmp_.file("nope")), std::string::npos);
    touch(tmp_.file("plain"));
    auto plain = QueueDir::open(tmp_.file("plain"));
    ASSERT_FALSE(plain.ok());
    EXPECT_EQ(plain.error().message, tmp_.file("plain") + ": not a directory");
}

TEST_F(QueueDirTest, CommitRenamesTheTempFileToItsQueueId) {
    auto nf = q_->create(kIncoming, 0640);
    ASSERT_TRUE(nf.ok()) << nf.error().message;
    EXPECT_TRUE(valid_queue_id(nf->queue_id)) << nf->queue_id;
    std::string temp = nf->temp_path;
    EXPECT_EQ(temp.rfind(q_->dir(kIncoming) + "/.t", 0), 0u) << temp;
    EXPECT_TRUE(list(kIncoming).empty());  // invisible until committed
    ASSERT_TRUE(testing::write_queue_file(nf->fd.get(), testing::sample_envelope(), "x").ok());
    ASSERT_TRUE(q_->commit(*nf).ok());
    EXPECT_FALSE(exists(temp));
    std::string final_path = q_->path(kIncoming, nf->queue_id);
    struct stat st {};
    ASSERT_EQ(::stat(final_path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u);  // fchmod: the umask does not decide
    EXPECT_EQ(list(kIncoming), std::vector<std::string>{nf->queue_id});
    EXPECT_FALSE(q_->commit(*nf).ok());  // twice is an error, not a second file
}

TEST_F(QueueDirTest, CommitNeverOverwritesAnExistingFile) {
    auto nf = q_->create(kIncoming);
    ASSERT_TRUE(nf.ok());
    std::string final_path = q_->path(kIncoming, nf->queue_id);
    touch(final_path);
    auto st = q_->commit(*nf);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("already exists"), std::string::npos);
    q_->abandon(*nf);
    EXPECT_TRUE(exists(final_path));
}

TEST_F(QueueDirTest, IdsAreUniqueAndSortInCreationOrder) {
    std::vector<std::string> made;
    for (int i = 0; i < 100; ++i) made.push_back(enqueue(kIncoming));
    std::set<std::string> unique(made.begin(), made.end());
    EXPECT_EQ(unique.size(), made.size());
    // The time prefix never goes back; within one microsecond the inode decides.
    for (std::size_t i = 1; i < made.size(); ++i) EXPECT_LE(made[i - 1].substr(0, 11), made[i].substr(0, 11));
    auto listed = list(kIncoming);
    EXPECT_EQ(listed.size(), made.size());
    EXPECT_TRUE(std::is_sorted(listed.begin(), listed.end()));
}

TEST_F(QueueDirTest, ListSkipsTempFilesAndJunk) {
    std::string a = enqueue(kIncoming);
    std::string b = enqueue(kIncoming);
    touch(q_->dir(kIncoming) + "/.tleftover");
    touch(q_->dir(kIncoming) + "/README");
    touch(q_->dir(kIncoming) + "/0000000000A0");   // not in the alphabet
    touch(q_->dir(kIncoming) + "/00000000000");    // too short
    ASSERT_EQ(::mkdir((q_->dir(kIncoming) + "/sub").c_str(), 0700), 0);
    std::vector<std::string> want = {a, b};
    std::sort(want.begin(), want.end());
    EXPECT_EQ(list(kIncoming), want);
}

TEST_F(QueueDirTest, DeferredIsHashedByTheLastCharacter) {
    std::string id = enqueue(kIncoming);
    ASSERT_TRUE(q_->move(id, kIncoming, kDeferred).ok());
    std::string want = root_ + "/deferred/" + id.back() + "/" + id;
    EXPECT_EQ(q_->path(kDeferred, id), want);
    EXPECT_TRUE(exists(want));
    EXPECT_FALSE(exists(q_->path(kIncoming, id)));
    // Junk in deferred/: a file named like a hash dir, an ID in the wrong hash dir.
    touch(root_ + "/deferred/" + (id.back() == 'Q' ? "R" : "Q"));
    std::string wrong = id.back() == '0' ? "1" : "0";
    ASSERT_EQ(::mkdir((root_ + "/deferred/" + wrong).c_str(), 0700), 0);
    touch(root_ + "/deferred/" + wrong + "/" + id.substr(0, id.size() - 1) + "B");
    EXPECT_EQ(list(kDeferred), std::vector<std::string>{id});
    ASSERT_TRUE(q_->move(id, kDeferred, kActive).ok());
    EXPECT_EQ(list(kActive), std::vector<std::string>{id});
    EXPECT_TRUE(list(kDeferred).empty());
}

TEST_F(QueueDirTest, CreateAndCommitInDeferredUseTheHashDirectory) {
    std::string id = enqueue(kDeferred);
    EXPECT_TRUE(exists(q_->path(kDeferred, id)));
    EXPECT_EQ(list(kDeferred), std::vector<std::string>{id});
}

TEST_F(QueueDirTest, MoveRefusesToOverwriteAndKeepsTheSource) {
    std::string id = enqueue(kIncoming);
    touch(q_->path(kActive, id));
    EXPECT_FALSE(q_->move(id, kIncoming, kActive).ok());
    EXPECT_TRUE(exists(q_->path(kIncoming, id)));
}

TEST_F(QueueDirTest, MoveOfAMissingFileIsAnError) {
    EXPECT_FALSE(q_->move("000000000000", kIncoming, kActive).ok());
}

TEST_F(QueueDirTest, MoveToCorruptKeepsTheFile) {
    std::string id = enqueue(kIncoming);
    ASSERT_TRUE(q_->move_to_corrupt(id, kIncoming, "bad magic at offset 0").ok());
    EXPECT_EQ(list(kCorrupt), std::vector<std::string>{id});
    EXPECT_TRUE(list(kIncoming).empty());
}

TEST_F(QueueDirTest, RemoveDeletesAndRejectsBadIds) {
    std::string id = enqueue(kActive);
    ASSERT_TRUE(q_->remove(kActive, id).ok());
    EXPECT_TRUE(list(kActive).empty());
    EXPECT_FALSE(q_->remove(kActive, id).ok());
    for (const char* bad : {"../incoming/x", "", ".", "..", "a/b"}) {
        EXPECT_FALSE(q_->remove(kActive, bad).ok()) << bad;
        EXPECT_FALSE(q_->move(bad, kActive, kHold).ok()) << bad;
    }
}

TEST_F(QueueDirTest, SweepTempRemovesOnlyOldTempFiles) {
    std::string d = q_->dir(kIncoming);
    for (const char* name : {".told", ".tnew", "0000000000001"}) touch(d + "/" + name);
    struct timespec old[2] = {{::time(nullptr) - 7200, 0}, {::time(nullptr) - 7200, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, (d + "/.told").c_str(), old, 0), 0);
    ASSERT_EQ(::utimensat(AT_FDCWD, (d + "/0000000000001").c_str(), old, 0), 0);
    q_->sweep_temp(kIncoming, 3600);
    EXPECT_FALSE(exists(d + "/.told"));
    EXPECT_TRUE(exists(d + "/.tnew"));
    EXPECT_TRUE(exists(d + "/0000000000001"));
}

TEST_F(QueueDirTest, CreateInAMissingDirectoryNamesIt) {
    auto nf = q_->create("nonexistent");
    ASSERT_FALSE(nf.ok());
    EXPECT_NE(nf.error().message.find(root_ + "/nonexistent/.t"), std::string::npos) << nf.error().message;
}

}  // namespace
}  // namespace postern::queue
