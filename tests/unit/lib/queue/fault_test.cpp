// Fault injection: the durability rule. Whatever write, fsync, rename or
// directory fsync fails, Writer::finish or QueueDir::commit reports it, and
// after abandon() no queue file is visible, so nobody acknowledges a
// message that is not on disk and no half-written file is ever delivered.
#include <dirent.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <optional>

#include "lib/base/safe_file.hpp"
#include "lib/queue/queue_dir.hpp"
#include "lib/queue/queue_file.hpp"
#include "tests/unit/lib/queue/queue_test_util.hpp"

namespace postern::queue {
namespace {

// Fails the Nth call (1-based) of one operation; counts every call.
class FaultyFileOps : public FileOps {
public:
    int fail_write_at = 0;
    bool fail_pwrite = false;
    bool fail_fsync = false;
    bool fail_rename = false;
    bool fail_fsync_dir = false;
    int writes = 0;

    Status write_all(int fd, std::string_view data) override {
        if (++writes == fail_write_at) {
            // A full disk usually takes part of the data first.
            (void)FileOps::write_all(fd, data.substr(0, data.size() / 2));
            return errno_error("write", ENOSPC);
        }
        return FileOps::write_all(fd, data);
    }
    Status pwrite_all(int fd, std::string_view data, off_t offset) override {
        if (fail_pwrite) return errno_error("pwrite", ENOSPC);
        return FileOps::pwrite_all(fd, data, offset);
    }
    Status fsync(int fd) override {
        if (fail_fsync) return errno_error("fsync", EIO);
        return FileOps::fsync(fd);
    }
    Status rename(const std::string& from, const std::string& to) override {
        if (fail_rename) return errno_error("rename " + from + " to " + to, EXDEV);
        return FileOps::rename(from, to);
    }
    Status fsync_dir(const std::string& dir) override {
        if (fail_fsync_dir) return errno_error(dir + ": fsync", EIO);
        return FileOps::fsync_dir(dir);
    }
};

std::size_t entries(const std::string& dir) {
    auto names = list_dir(dir);
    return names.ok() ? names->size() : 9999;
}

class FaultTest : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = tmp_.file("queue");
        ASSERT_TRUE(QueueDir::create_layout(root_).ok());
        auto q = QueueDir::open(root_, ops_);
        ASSERT_TRUE(q.ok());
        q_.emplace(std::move(*q));
    }

    // The whole enqueue as cleanup does it; the first error, as cleanup sees it.
    Status enqueue(std::string_view content) {
        auto nf = q_->create(kIncoming);
        if (!nf) return nf.error();
        Status st = write_and_commit(*nf, content);
        if (!st) q_->abandon(*nf);
        return st;
    }
    Status write_and_commit(NewFile& nf, std::string_view content) {
        Writer w(nf.fd.get(), ops_);
        POSTERN_TRY(w.write_envelope(testing::sample_envelope(50)));
        // Small and large pieces, so both buffered and direct writes happen.
        for (int i = 0; i < 1000; ++i) POSTERN_TRY(w.write_data("a line of text\n"));
        POSTERN_TRY(w.write_data(content));
        POSTERN_TRY(w.finish());
        return q_->commit(nf);
    }
    void expect_nothing_visible() {
        auto ids = q_->list(kIncoming);
        ASSERT_TRUE(ids.ok());
        EXPECT_TRUE(ids->empty());
        EXPECT_EQ(entries(q_->dir(kIncoming)), 0u);  // no temp file left either
    }

    postern::testing::TempDir tmp_;
    std::string root_;
    FaultyFileOps ops_;
    std::optional<QueueDir> q_;
    const std::string big_ = std::string(5 * kMaxData + 123, 'b');
};

TEST_F(FaultTest, EveryFailedWriteIsReportedAndLeavesNoQueueFile) {
    ASSERT_TRUE(enqueue(big_).ok());
    int total_writes = ops_.writes;
    ASSERT_GE(total_writes, 4);
    ASSERT_TRUE(q_->remove(kIncoming, q_->list(kIncoming)->at(0)).ok());
    for (int n = 1; n <= total_writes; ++n) {
        ops_.writes = 0;
        ops_.fail_write_at = n;
        auto st = enqueue(big_);
        ASSERT_FALSE(st.ok()) << "write " << n << " failed silently";
        EXPECT_EQ(st.error().sys_errno, ENOSPC) << st.error().message;
        expect_nothing_visible();
    }
}

TEST_F(FaultTest, FailedFsyncIsReported) {
    ops_.fail_fsync = true;
    auto st = enqueue(big_);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().sys_errno, EIO);
    expect_nothing_visible();
}

TEST_F(FaultTest, FailedRenameIsReported) {
    ops_.fail_rename = true;
    auto st = enqueue("x\n");
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("rename"), std::string::npos);
    expect_nothing_visible();
}

TEST_F(FaultTest, FailedDirectoryFsyncIsReportedAndWithdrawsTheFile) {
    ops_.fail_fsync_dir = true;
    auto nf = q_->create(kIncoming);
    ASSERT_TRUE(nf.ok());
    auto st = write_and_commit(*nf, "x\n");
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().sys_errno, EIO);
    // Not acknowledged, so not left for qmgr even before the caller cleans up.
    EXPECT_TRUE(q_->list(kIncoming)->empty());
    q_->abandon(*nf);
    expect_nothing_visible();
}

TEST_F(FaultTest, WriterErrorIsStickyEvenWhenLaterWritesSucceed) {
    auto nf = q_->create(kIncoming);
    ASSERT_TRUE(nf.ok());
    Writer w(nf->fd.get(), ops_);
    ASSERT_TRUE(w.write_envelope(testing::sample_envelope()).ok());
    ops_.writes = 0;
    ops_.fail_write_at = 1;
    EXPECT_FALSE(w.write_data(big_).ok());  // the caller ignores this...
    ops_.fail_write_at = 0;
    EXPECT_TRUE(!w.write_data("more\n").ok());
    EXPECT_FALSE(w.finish().ok());  // ...and still cannot finish a file with a hole
    q_->abandon(*nf);
    expect_nothing_visible();
}

TEST_F(FaultTest, MarkRecipientReportsFailedWriteAndFsync) {
    ASSERT_TRUE(enqueue("x\n").ok());
    std::string id = q_->list(kIncoming)->at(0);
    int fd = ::open(q_->path(kIncoming, id).c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    auto env = read_envelope(fd);
    ASSERT_TRUE(env.ok());
    off_t at = env->recipients[0].status_offset;
    ops_.fail_fsync = true;
    EXPECT_FALSE(mark_recipient(fd, at, RcptStatus::Delivered, ops_).ok());
    ops_.fail_fsync = false;
    ops_.fail_pwrite = true;
    EXPECT_FALSE(mark_recipient(fd, at, RcptStatus::Delivered, ops_).ok());
    ::close(fd);
}

TEST_F(FaultTest, FailedMoveKeepsExactlyOneCopy) {
    ASSERT_TRUE(enqueue("x\n").ok());
    std::string id = q_->list(kIncoming)->at(0);
    ops_.fail_rename = true;
    EXPECT_FALSE(q_->move(id, kIncoming, kActive).ok());
    EXPECT_EQ(q_->list(kIncoming)->size(), 1u);
    EXPECT_TRUE(q_->list(kActive)->empty());
    ops_.fail_rename = false;
    ops_.fail_fsync_dir = true;
    EXPECT_FALSE(q_->move(id, kIncoming, kDeferred).ok());
    EXPECT_EQ(q_->list(kIncoming)->size() + q_->list(kDeferred)->size(), 1u);
}

}  // namespace
}  // namespace postern::queue
