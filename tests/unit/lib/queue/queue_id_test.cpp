#include "lib/queue/queue_id.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace postern::queue {
namespace {

TEST(QueueIdTest, KnownValues) {
    struct Case {
        const char* label;
        struct timespec when;
        ino_t inode;
        const char* want;
    };
    const Case cases[] = {
        {"epoch, inode 0", {0, 0}, 0, "000000000000"},
        {"one second, one micro, inode 31", {1, 1000}, 31, "00000010001a"},
        {"inode 32 needs two chars", {0, 0}, 32, "0000000000010"},
        {"max micros", {0, 999999000}, 1, "0000000ZJKa1"},
    };
    for (const auto& c : cases) EXPECT_EQ(make_queue_id(c.when, c.inode), c.want) << c.label;
}

TEST(QueueIdTest, AlphabetIsInAsciiOrder) {
    // Every digit value 0..31 appears in the last character of some ID.
    std::string digits;
    for (ino_t i = 0; i < 32; ++i) digits += make_queue_id({0, 0}, i).back();
    EXPECT_TRUE(std::is_sorted(digits.begin(), digits.end())) << digits;
    EXPECT_EQ(digits, "0123456789BCDFGHJKLMNPQRSTVWXYZa");
}

TEST(QueueIdTest, StringOrderIsArrivalOrder) {
    std::vector<struct timespec> times = {{0, 0},          {0, 1000},       {5, 999999000}, {6, 0},
                                          {1700000000, 0}, {1700000000, 1000}, {2000000000, 500000000}};
    std::vector<std::string> ids;
    // Big inodes on early times: the variable inode part must not disturb order.
    ino_t inode = static_cast<ino_t>(UINT64_MAX);
    for (const auto& t : times) ids.push_back(make_queue_id(t, inode /= 7));
    EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
}

TEST(QueueIdTest, TimeRoundTrips) {
    struct timespec when {1700000000, 654321000};
    auto id = make_queue_id(when, 123456);
    struct timespec got {};
    ASSERT_TRUE(queue_id_time(id, got));
    EXPECT_EQ(got.tv_sec, when.tv_sec);
    EXPECT_EQ(got.tv_nsec, when.tv_nsec);
}

TEST(QueueIdTest, LongestIdIsValid) {
    auto id = make_queue_id({1700000000, 0}, static_cast<ino_t>(UINT64_MAX));
    EXPECT_EQ(id.size(), 24u);
    EXPECT_TRUE(valid_queue_id(id));
}

TEST(QueueIdTest, ClampsTimesOutsideTheRange) {
    EXPECT_EQ(make_queue_id({-5, 0}, 1).substr(0, 7), "0000000");
    EXPECT_EQ(make_queue_id({static_cast<time_t>(1ll << 40), 0}, 1).substr(0, 7), "aaaaaaa");
}

TEST(QueueIdTest, ValidityChecksLengthAndAlphabet) {
    struct Case {
        const char* id;
        bool want;
    };
    const Case cases[] = {
        {"000000000000", true},
        {"00000000000", false},                // no inode part
        {"000000000000000000000000", true},    // 24
        {"0000000000000000000000000", false},  // 25
        {"00000000000a0000000000000", false},  // 25
        {"00000000000Z000000000000", false},   // 13 inode chars above 64 bits
        {"00000000000F000000000000", true},
        {"0000000000A0", false},  // vowel not in the alphabet
        {"0000000000b0", false},
        {"00000000000/", false},
        {"0000000.0000", false},
        {"0000000ZJKa1", true},   // 999999 micros
        {"0000000ZJL01", false},  // 1000000 micros
        {"", false},
    };
    for (const auto& c : cases) EXPECT_EQ(valid_queue_id(c.id), c.want) << c.id;
    struct timespec t {};
    EXPECT_FALSE(queue_id_time("00000000000", t));
}

}  // namespace
}  // namespace postern::queue
