// Defer logs, due times and request paths.
#include "lib/queue/queue_status.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <ctime>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "lib/queue/queue_path.hpp"
#include "tests/unit/common/temp_dir.hpp"

namespace postern::queue {
namespace {

using postern::testing::TempDir;

TEST(DeferLog, RoundTripsAndSanitizes) {
    TempDir tmp;
    ASSERT_TRUE(QueueDir::create_layout(tmp.path()).ok());
    auto q = QueueDir::open(tmp.path());
    ASSERT_TRUE(q.ok());
    const std::string id = "1PJ4XH34L1NBG89M";
    ASSERT_TRUE(write_defer_log(*q, id, {{"a@x.test", "4.4.1 refused"}, {"b@x.test", "tab\there\nnewline"}}).ok());
    auto back = read_defer_log(*q, id);
    ASSERT_EQ(back.size(), 2u);
    EXPECT_EQ(back["a@x.test"], "4.4.1 refused");
    EXPECT_EQ(back["b@x.test"], "tab here newline");
    remove_defer_log(*q, id);
    EXPECT_TRUE(read_defer_log(*q, id).empty());
}

TEST(DeferLog, RefusesBadIds) {
    TempDir tmp;
    ASSERT_TRUE(QueueDir::create_layout(tmp.path()).ok());
    auto q = QueueDir::open(tmp.path());
    EXPECT_FALSE(write_defer_log(*q, "../x", {}).ok());
    EXPECT_TRUE(read_defer_log(*q, "../x").empty());
}

TEST(MakeDue, SetsMtimeToNow) {
    TempDir tmp;
    ASSERT_TRUE(QueueDir::create_layout(tmp.path()).ok());
    auto q = QueueDir::open(tmp.path());
    const std::string id = "1PJ4XH34L1NBG89M";
    std::string path = q->path(kDeferred, id);
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    { std::ofstream(path) << "x"; }
    struct timespec later[2] = {{0, UTIME_OMIT}, {std::time(nullptr) + 3600, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), later, 0), 0);
    ASSERT_TRUE(make_due(*q, kDeferred, id).ok());
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_LE(st.st_mtime, std::time(nullptr));
}

struct PathCase {
    const char* path;
    bool ok;
};

TEST(QueuePath, OnlyQueueRelativeNames) {
    const PathCase cases[] = {
        {"active/1PJ4XH34L1NBG89M", true}, {"deferred/M/1PJ4XH34L1NBG89M", true},
        {"", false}, {"/etc/passwd", false}, {"active/../x", false}, {"active//x", false},
        {"active/.tmp", false}, {"a/b/c/d", false}, {"active/", false}, {"x", false},
    };
    for (const auto& c : cases) EXPECT_EQ(valid_queue_path(c.path), c.ok) << c.path;
}

}  // namespace
}  // namespace postern::queue
