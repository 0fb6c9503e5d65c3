#include "lib/base/safe_file.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "tests/unit/common/temp_dir.hpp"

namespace postern {
namespace {

void put(const std::string& path, const std::string& data, mode_t mode = 0600) {
    ASSERT_TRUE(write_file_atomic(path, data, mode).ok());
}

class SafeFileTest : public ::testing::Test {
protected:
    testing::TempDir dir_;
};

TEST_F(SafeFileTest, OpenCheckedRefusesASymlink) {
    put(dir_.file("real"), "x");
    ASSERT_EQ(::symlink(dir_.file("real").c_str(), dir_.file("link").c_str()), 0);
    auto fd = open_checked(dir_.file("link"), O_RDONLY, 0, FileCheck{});
    ASSERT_FALSE(fd.ok());
    EXPECT_EQ(fd.error().message, dir_.file("link") + ": is a symbolic link");
}

TEST_F(SafeFileTest, OpenCheckedRefusesADirectoryWhenARegularFileIsRequired) {
    auto fd = open_checked(dir_.path(), O_RDONLY, 0, FileCheck{});
    ASSERT_FALSE(fd.ok());
    EXPECT_EQ(fd.error().message, dir_.path() + ": not a regular file");
}

TEST_F(SafeFileTest, OpenCheckedDoesNotHangOnAFifo) {
    ASSERT_EQ(::mkfifo(dir_.file("fifo").c_str(), 0600), 0);
    auto fd = open_checked(dir_.file("fifo"), O_RDONLY, 0, FileCheck{});
    ASSERT_FALSE(fd.ok());
    EXPECT_EQ(fd.error().message, dir_.file("fifo") + ": not a regular file");
}

TEST_F(SafeFileTest, OpenCheckedRefusesTheWrongOwner) {
    put(dir_.file("f"), "x");
    FileCheck check;
    uid_t other = ::geteuid() + 1;
    check.owner = other;
    auto fd = open_checked(dir_.file("f"), O_RDONLY, 0, check);
    ASSERT_FALSE(fd.ok());
    EXPECT_EQ(fd.error().message, dir_.file("f") + ": owned by uid " + std::to_string(::geteuid()) + ", expected " +
                                      std::to_string(other));
    check.owner.reset();
    check.allowed_owners = {other, ::geteuid()};
    EXPECT_TRUE(open_checked(dir_.file("f"), O_RDONLY, 0, check).ok());
}

TEST_F(SafeFileTest, OpenCheckedRefusesGroupOrWorldWritable) {
    put(dir_.file("f"), "x", 0600);
    ASSERT_EQ(::chmod(dir_.file("f").c_str(), 0620), 0);
    FileCheck check;
    check.forbidden_mode = S_IWGRP | S_IWOTH;
    auto fd = open_checked(dir_.file("f"), O_RDONLY, 0, check);
    ASSERT_FALSE(fd.ok());
    EXPECT_EQ(fd.error().message, dir_.file("f") + ": group or world writable");
    ASSERT_EQ(::chmod(dir_.file("f").c_str(), 0644), 0);
    EXPECT_TRUE(open_checked(dir_.file("f"), O_RDONLY, 0, check).ok());
}

TEST_F(SafeFileTest, OpenCheckedRefusesAHardLinkedFile) {
    put(dir_.file("f"), "x");
    ASSERT_EQ(::link(dir_.file("f").c_str(), dir_.file("g").c_str()), 0);
    FileCheck check;
    check.single_link = true;
    auto fd = open_checked(dir_.file("f"), O_RDONLY, 0, check);
    ASSERT_FALSE(fd.ok());
    EXPECT_EQ(fd.error().message, dir_.file("f") + ": has 2 links");
}

TEST_F(SafeFileTest, RefusedFileIsNotTruncated) {
    put(dir_.file("f"), "keep me");
    FileCheck check;
    check.owner = ::geteuid() + 1;
    EXPECT_FALSE(open_checked(dir_.file("f"), O_WRONLY | O_TRUNC, 0, check).ok());
    EXPECT_EQ(*read_file(dir_.file("f"), 100), "keep me");
    EXPECT_TRUE(open_checked(dir_.file("f"), O_WRONLY | O_TRUNC, 0, FileCheck{}).ok());
    EXPECT_EQ(*read_file(dir_.file("f"), 100), "");
}

TEST_F(SafeFileTest, OpenCheckedReturnsABlockingFd) {
    put(dir_.file("f"), "x");
    auto fd = open_checked(dir_.file("f"), O_RDONLY, 0, FileCheck{});
    ASSERT_TRUE(fd.ok());
    EXPECT_EQ(::fcntl(fd->get(), F_GETFL) & O_NONBLOCK, 0);
    EXPECT_NE(::fcntl(fd->get(), F_GETFD) & FD_CLOEXEC, 0);
}

TEST_F(SafeFileTest, ReadFileIsBoundedAtLimitPlusOne) {
    put(dir_.file("f"), std::string(100, 'a'));
    auto at = read_file(dir_.file("f"), 100);
    ASSERT_TRUE(at.ok());
    EXPECT_EQ(at->size(), 100u);
    auto below = read_file(dir_.file("f"), 99);
    ASSERT_FALSE(below.ok());
    EXPECT_EQ(below.error().message, dir_.file("f") + ": file larger than 99 bytes");
}

TEST_F(SafeFileTest, ReadFileRefusesASymlink) {
    put(dir_.file("real"), "x");
    ASSERT_EQ(::symlink("real", dir_.file("link").c_str()), 0);
    EXPECT_FALSE(read_file(dir_.file("link"), 100).ok());
}

TEST_F(SafeFileTest, WriteFileAtomicReplacesContentAndLeavesNoTemp) {
    put(dir_.file("f"), "old");
    ASSERT_TRUE(write_file_atomic(dir_.file("f"), "new content", 0640).ok());
    EXPECT_EQ(*read_file(dir_.file("f"), 100), "new content");
    struct stat st {};
    ASSERT_EQ(::stat(dir_.file("f").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u);
    auto names = list_dir(dir_.path());
    ASSERT_TRUE(names.ok());
    EXPECT_EQ(*names, std::vector<std::string>{"f"});
}

TEST_F(SafeFileTest, WriteFileAtomicFailureKeepsTheOldCopy) {
    put(dir_.file("f"), "old");
    // A directory in the target's place makes the rename fail.
    ASSERT_EQ(::mkdir(dir_.file("d").c_str(), 0700), 0);
    EXPECT_FALSE(write_file_atomic(dir_.file("d"), "new", 0600).ok());
    auto names = list_dir(dir_.path());
    ASSERT_TRUE(names.ok());
    std::sort(names->begin(), names->end());
    EXPECT_EQ(*names, (std::vector<std::string>{"d", "f"}));
    EXPECT_EQ(*read_file(dir_.file("f"), 100), "old");
}

TEST_F(SafeFileTest, EnsureDirCreatesAndChmods) {
    std::string d = dir_.file("spool");
    ASSERT_TRUE(ensure_dir(d, 0750).ok());
    ASSERT_TRUE(ensure_dir(d, 0700).ok());
    struct stat st {};
    ASSERT_EQ(::lstat(d.c_str(), &st), 0);
    EXPECT_TRUE(S_ISDIR(st.st_mode));
    EXPECT_EQ(st.st_mode & 07777, 0700u);
}

TEST_F(SafeFileTest, EnsureDirLeavesACorrectDirectoryAlone) {
    // /tmp is root's; with the right mode nothing needs changing, so this
    // works unprivileged too.
    struct stat st {};
    ASSERT_EQ(::stat("/tmp", &st), 0);
    EXPECT_TRUE(ensure_dir("/tmp", st.st_mode & 07777, st.st_uid, st.st_gid).ok());
}

TEST_F(SafeFileTest, EnsureDirRefusesASymlinkInPlaceOfTheDirectory) {
    ASSERT_EQ(::mkdir(dir_.file("elsewhere").c_str(), 0700), 0);
    ASSERT_EQ(::symlink(dir_.file("elsewhere").c_str(), dir_.file("spool").c_str()), 0);
    auto st = ensure_dir(dir_.file("spool"), 0700);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().message, dir_.file("spool") + ": is a symbolic link");
}

TEST_F(SafeFileTest, EnsureDirRefusesAFile) {
    put(dir_.file("f"), "x");
    auto st = ensure_dir(dir_.file("f"), 0700);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().message, dir_.file("f") + ": not a directory");
}

TEST(PathTest, DirnameAndBasename) {
    struct Case {
        const char* path;
        const char* dir;
        const char* base;
    };
    const Case cases[] = {
        {"/a/b/c", "/a/b", "c"}, {"c", ".", "c"}, {"/c", "/", "c"}, {"/a/b/", "/a", "b"}, {"a//b", "a", "b"},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(dirname_of(c.path), c.dir) << c.path;
        EXPECT_EQ(basename_of(c.path), c.base) << c.path;
    }
}

// FileOps that fails chosen operations, as LevelDB's FaultInjectionTestEnv.
class FailingOps : public FileOps {
public:
    bool fail_rename = false;
    bool fail_fsync_dir = false;
    std::vector<std::string> synced_dirs;
    Status rename(const std::string& from, const std::string& to) override {
        if (fail_rename) return make_error("rename: injected", EIO);
        return FileOps::rename(from, to);
    }
    Status fsync_dir(const std::string& d) override {
        if (fail_fsync_dir) return make_error("fsync: injected", EIO);
        synced_dirs.push_back(d);
        return FileOps::fsync_dir(d);
    }
};

TEST_F(SafeFileTest, RenameDurableSyncsBothDirectories) {
    ASSERT_TRUE(ensure_dir(dir_.file("a"), 0700).ok());
    ASSERT_TRUE(ensure_dir(dir_.file("b"), 0700).ok());
    put(dir_.file("a/f"), "x");
    FailingOps ops;
    ASSERT_TRUE(rename_durable(dir_.file("a/f"), dir_.file("b/f"), ops).ok());
    EXPECT_EQ(ops.synced_dirs, (std::vector<std::string>{dir_.file("b"), dir_.file("a")}));
}

TEST_F(SafeFileTest, RenameDurableReportsInjectedFailures) {
    put(dir_.file("f"), "x");
    FailingOps ops;
    ops.fail_rename = true;
    EXPECT_FALSE(rename_durable(dir_.file("f"), dir_.file("g"), ops).ok());
    ops.fail_rename = false;
    ops.fail_fsync_dir = true;
    EXPECT_FALSE(rename_durable(dir_.file("f"), dir_.file("g"), ops).ok());
}

TEST_F(SafeFileTest, PosixWriteAllAndPwriteAll) {
    UniqueFd fd(::open(dir_.file("f").c_str(), O_RDWR | O_CREAT | O_EXCL, 0600));
    ASSERT_TRUE(fd.valid());
    FileOps& ops = posix_file_ops();
    ASSERT_TRUE(ops.write_all(fd.get(), "hello world").ok());
    ASSERT_TRUE(ops.pwrite_all(fd.get(), "W", 6).ok());
    ASSERT_TRUE(ops.fsync(fd.get()).ok());
    EXPECT_EQ(*read_file(dir_.file("f"), 100), "hello World");
    EXPECT_FALSE(ops.write_all(-1, "x").ok());
    EXPECT_FALSE(ops.fsync_dir(dir_.file("missing")).ok());
}

TEST_F(SafeFileTest, ListDirOmitsDotEntries) {
    put(dir_.file("x"), "1");
    put(dir_.file("y"), "2");
    auto names = list_dir(dir_.path());
    ASSERT_TRUE(names.ok());
    std::sort(names->begin(), names->end());
    EXPECT_EQ(*names, (std::vector<std::string>{"x", "y"}));
    EXPECT_FALSE(list_dir(dir_.file("nope")).ok());
}

}  // namespace
}  // namespace postern
