// Damaged queue files: every one must give a one-line error naming an
// offset, never a crash and never a success.
#include <gtest/gtest.h>

#include "lib/queue/queue_file.hpp"
#include "tests/unit/lib/queue/queue_test_util.hpp"

namespace postern::queue {
namespace {

using namespace std::string_literals;
using testing::file_bytes;
using testing::file_with;
using testing::minimal_file;
using testing::record;
using testing::write_queue_file;

class QueueFileCorruptTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_FALSE(dir_.path().empty()); }
    Result<Envelope> read_bytes(std::string_view bytes) {
        int fd = file_with(dir_, bytes);
        EXPECT_GE(fd, 0);
        auto env = read_envelope(fd);
        ::close(fd);
        return env;
    }
    postern::testing::TempDir dir_;
};

TEST_F(QueueFileCorruptTest, HandBuiltMinimalFileIsValid) {
    auto env = read_bytes(minimal_file());
    ASSERT_TRUE(env.ok()) << env.error().message;
    EXPECT_EQ(env->recipients.at(0).address, "c@d");
}

TEST_F(QueueFileCorruptTest, TruncationAtEveryOffsetIsAnError) {
    int fd = file_with(dir_, "");
    ASSERT_TRUE(write_queue_file(fd, testing::sample_envelope(2), "Subject: t\n\nbody\n").ok());
    std::string whole = file_bytes(fd);
    ::close(fd);
    ASSERT_TRUE(read_bytes(whole).ok());
    for (std::size_t len = 0; len < whole.size(); ++len) {
        auto env = read_bytes(whole.substr(0, len));
        ASSERT_FALSE(env.ok()) << "truncated to " << len << " bytes was accepted";
        EXPECT_NE(env.error().message.find("at offset"), std::string::npos) << env.error().message;
        EXPECT_EQ(env.error().message.find('\n'), std::string::npos);
    }
}

TEST_F(QueueFileCorruptTest, TruncatedRecordNamesItsOffset) {
    std::string f = minimal_file();
    auto env = read_bytes(f.substr(0, f.size() - 3));  // inside the 'E' header
    ASSERT_FALSE(env.ok());
    EXPECT_EQ(env.error().message, "queue file: truncated record at offset " + std::to_string(f.size() - 5));
}

TEST_F(QueueFileCorruptTest, DamagedFilesAreRejected) {
    const std::string magic(kMagic);
    const std::string v = record('V', "1"), t = record('T', "1700000000.000001"), s = record('S', "a@b");
    const std::string r = record('R', "-c@d\0\0"s), m = record('M', ""), d = record('D', "hi\n"), e = record('E', "");
    struct Case {
        const char* label;
        std::string bytes;
        const char* want;
    };
    const Case cases[] = {
        {"bad magic", "POSTERNX" + v + t + s + r + m + d + e, "bad magic at offset 0"},
        {"empty file", "", "truncated magic at offset 0"},
        {"unknown record type", magic + v + t + s + record('Z', "x") + r + m + d + e, "unknown record type 'Z'"},
        {"binary record type", magic + v + t + s + record('\x01', "x") + m + d + e, "unknown record type 0x01"},
        {"trailing garbage", minimal_file() + "x", "trailing data after end record at offset"},
        {"record after end", minimal_file() + e, "trailing data"},
        {"huge record length", magic + v + t + record('S', "a@b", 0xffffffff) + r + m + d + e, "too long"},
        {"envelope record limit+1", magic + v + t + s + record('A', "a=" + std::string(kMaxEnvelopeRecord - 1, 'x')) + m + e,
         "record 'A' too long (65537 bytes)"},
        {"data record limit+1", magic + v + t + s + m + record('D', std::string(kMaxData + 1, 'x')) + e,
         "record 'D' too long (65537 bytes)"},
        {"missing end", magic + v + t + s + r + m + d, "missing end record"},
        {"missing version", magic + t + s + r + m + d + e, "record 'T' before 'V'"},
        {"missing sender", magic + v + t + r + m + d + e, "before 'S'"},
        {"missing content start", magic + v + t + s + r + d + e, "before 'M'"},
        {"out of order", magic + v + s + t + r + m + d + e, "before 'T'"},
        {"recipient after content", magic + v + t + s + m + r + d + e, "out of order"},
        {"repeated sender", magic + v + t + s + s + r + m + d + e, "record 'S' out of order"},
        {"unsupported version", magic + record('V', "2") + t + s + m + e, "unsupported queue file version 2"},
        {"non-numeric version", magic + record('V', "one") + t + s + m + e, "bad version record"},
        {"bad time", magic + v + record('T', "17.5") + s + m + e, "bad arrival time"},
        {"recipient with one NUL", magic + v + t + s + record('R', "-c@d\0"s) + m + e, "bad recipient record"},
        {"recipient with three NULs", magic + v + t + s + record('R', "-c@d\0\0\0"s) + m + e, "bad recipient record"},
        {"bad status byte", magic + v + t + s + record('R', "xc@d\0\0"s) + m + e, "bad recipient status"},
        {"empty recipient", magic + v + t + s + record('R', "-\0\0"s) + m + e, "empty recipient address"},
        {"NUL in sender", magic + v + t + record('S', "a\0b"s) + m + e, "NUL byte in sender"},
        {"attribute without =", magic + v + t + s + record('A', "client") + m + e, "bad attribute record"},
        {"unknown flag", magic + v + t + s + record('X', "tq") + m + e, "unknown flag 'q'"},
        {"bad uid", magic + v + t + s + record('U', "-1") + m + e, "bad uid record"},
        {"payload on content start", magic + v + t + s + record('M', "x") + e, "record 'M' too long"},
        {"payload on end", magic + v + t + s + m + record('E', "x"), "record 'E' too long"},
    };
    for (const auto& c : cases) {
        auto env = read_bytes(c.bytes);
        ASSERT_FALSE(env.ok()) << c.label;
        EXPECT_NE(env.error().message.find(c.want), std::string::npos) << c.label << ": " << env.error().message;
    }
}

TEST_F(QueueFileCorruptTest, FlippedBytesNeverCrash) {
    std::string f = minimal_file();
    for (std::size_t i = 0; i < f.size(); ++i) {
        for (char x : {'\xff', '\x01', '\x80'}) {
            std::string g = f;
            g[i] = static_cast<char>(g[i] ^ x);
            int fd = file_with(dir_, g);
            ASSERT_GE(fd, 0);
            auto env = read_envelope(fd);
            if (env.ok()) {
                auto content = testing::read_all_content(fd, *env);
                EXPECT_TRUE(content.ok()) << "offset " << i;
            }
            ::close(fd);
        }
    }
}

TEST_F(QueueFileCorruptTest, ContentChangedAfterEnvelopeReadIsAnError) {
    int fd = file_with(dir_, minimal_file());
    auto env = read_envelope(fd);
    ASSERT_TRUE(env.ok());
    env->content_size = 1;  // as if the file were replaced in between
    EXPECT_FALSE(testing::read_all_content(fd, *env).ok());
    env->content_offset = 1 << 30;
    EXPECT_FALSE(testing::read_all_content(fd, *env).ok());
    ::close(fd);
}

TEST_F(QueueFileCorruptTest, DirectoryIsNotAQueueFile) {
    int fd = ::open(dir_.path().c_str(), O_RDONLY | O_DIRECTORY);
    ASSERT_GE(fd, 0);
    EXPECT_FALSE(read_envelope(fd).ok());
    ::close(fd);
}

}  // namespace
}  // namespace postern::queue
