#include "lib/base/strings.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace postern {
namespace {

TEST(StringsTest, TrimRemovesAsciiWhiteSpaceAtBothEnds) {
    EXPECT_EQ(trim("  a b \t\r\n"), "a b");
    EXPECT_EQ(trim(""), "");
    EXPECT_EQ(trim(" \t "), "");
}

TEST(StringsTest, LowercaseAndIequalsAreAsciiOnly) {
    EXPECT_EQ(lowercase("MiXeD-123\xC4"), "mixed-123\xC4");
    EXPECT_TRUE(iequals("Postmaster", "POSTMASTER"));
    EXPECT_FALSE(iequals("abc", "abcd"));
    EXPECT_TRUE(starts_with_icase("MAIL FROM:<x>", "mail from:"));
    EXPECT_FALSE(starts_with_icase("MAIL", "mail from:"));
}

TEST(StringsTest, SplitListDropsEmptyFieldsAndHonoursSeparators) {
    EXPECT_EQ(split_list(" a, b,,c\td \n"), (std::vector<std::string>{"a", "b", "c", "d"}));
    EXPECT_TRUE(split_list(" ,, ").empty());
    EXPECT_EQ(split_list("a:b c", ":"), (std::vector<std::string>{"a", "b c"}));
}

TEST(StringsTest, JoinPutsSeparatorBetweenParts) {
    EXPECT_EQ(join({"a", "b", "c"}, ", "), "a, b, c");
    EXPECT_EQ(join({}, ","), "");
    EXPECT_EQ(join({"x"}, ","), "x");
}

struct IntCase {
    const char* label;
    const char* input;
    std::optional<std::int64_t> want;
};

TEST(StringsTest, ParseIntAcceptsWholeDecimalStringsWithoutOverflow) {
    const IntCase cases[] = {
        {"zero", "0", 0},
        {"positive", "12345", 12345},
        {"negative", "-42", -42},
        {"plus sign", "+7", 7},
        {"max", "9223372036854775807", std::numeric_limits<std::int64_t>::max()},
        {"min", "-9223372036854775808", std::numeric_limits<std::int64_t>::min()},
        {"max plus one", "9223372036854775808", std::nullopt},
        {"min minus one", "-9223372036854775809", std::nullopt},
        {"empty", "", std::nullopt},
        {"sign only", "-", std::nullopt},
        {"trailing junk", "12x", std::nullopt},
        {"space", " 12", std::nullopt},
        {"hex", "0x10", std::nullopt},
        {"huge", "99999999999999999999999", std::nullopt},
    };
    for (const auto& c : cases) EXPECT_EQ(parse_int(c.input), c.want) << c.label;
}

}  // namespace
}  // namespace postern
