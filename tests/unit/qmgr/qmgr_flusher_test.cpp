// The Flusher's contract as the Manager relies on it: the caller may close
// its descriptor at once (the Flusher keeps its own), files removed in the
// meantime and missing directories only cost a warning, and destruction
// finishes what was queued instead of dropping it or hanging.
#include "qmgr_flusher.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "tests/unit/common/temp_dir.hpp"

namespace postern::qmgr {
namespace {

int open_file(const std::string& path) { return ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600); }

TEST(QmgrFlusher, CallerMayCloseItsDescriptorRightAway) {
    testing::TempDir dir;
    int fd = open_file(dir.file("a"));
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, "D", 1), 1);
    {
        Flusher f;
        f.sync_file(fd);
        ::close(fd);  // the queued fsync uses the Flusher's own copy
        f.sync_dir(dir.path());
    }
    EXPECT_EQ(::access(dir.file("a").c_str(), F_OK), 0);
}

TEST(QmgrFlusher, RemovedFilesAndMissingDirectoriesAreHarmless) {
    testing::TempDir dir;
    int fd = open_file(dir.file("gone"));
    ASSERT_GE(fd, 0);
    Flusher f;
    ::unlink(dir.file("gone").c_str());
    f.sync_file(fd);  // skipped: no link left
    f.sync_dir(dir.file("no-such-dir"));
    ::close(fd);
}

TEST(QmgrFlusher, DestructionFinishesQueuedWorkPromptly) {
    testing::TempDir dir;
    auto start = std::chrono::steady_clock::now();
    {
        Flusher f;
        for (int i = 0; i < 50; ++i) {
            int fd = open_file(dir.file("m" + std::to_string(i)));
            ASSERT_GE(fd, 0);
            f.sync_file(fd);
            ::close(fd);
            f.sync_dir(dir.path());  // one fsync for all fifty, per round
        }
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(QmgrFlusher, MovedFlusherStillWorksAndTheOldOneIsInert) {
    testing::TempDir dir;
    Flusher a;
    Flusher b(std::move(a));
    b.sync_dir(dir.path());
}

}  // namespace
}  // namespace postern::qmgr
