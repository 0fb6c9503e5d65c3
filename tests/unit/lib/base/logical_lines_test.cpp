// The shared logical-line reader.
#include "lib/base/logical_lines.hpp"

#include <gtest/gtest.h>

namespace postern {
namespace {

struct Case {
    const char* label;
    const char* text;
    bool continuation, backslash;
    std::vector<std::pair<int, std::string>> want;
    std::vector<std::string> warnings;
};

const Case kCases[] = {
    {"plain", "a\nb\n", true, false, {{1, "a"}, {2, "b"}}, {}},
    {"leading white space continues", "a,\n  b\n\tc\nd\n", true, false, {{1, "a, b c"}, {4, "d"}}, {}},
    {"continuation off", "a\n  b\n", false, false, {{1, "a"}, {2, "b"}}, {}},
    {"backslash continues", "a \\\nb\nc\n", false, true, {{1, "a b"}, {3, "c"}}, {}},
    {"comments and blanks dropped", "# x\n\na\n  # inside\n  b\n", true, false, {{3, "a b"}}, {}},
    {"crlf", "a\r\n b\r\n", true, false, {{1, "a b"}}, {}},
    {"orphan continuation", "  a\nb\n", true, false, {{2, "b"}}, {"f:1: continuation line without an entry"}},
};

TEST(LogicalLines, Table) {
    for (const auto& c : kCases) {
        SCOPED_TRACE(c.label);
        LogicalLineOptions o;
        o.continuation = c.continuation;
        o.backslash = c.backslash;
        auto r = read_logical_lines(c.text, "f", o);
        std::vector<std::pair<int, std::string>> got;
        for (const auto& e : r.entries) got.emplace_back(e.line, e.text);
        EXPECT_EQ(got, c.want);
        EXPECT_EQ(r.warnings, c.warnings);
    }
}

TEST(LogicalLines, EntryAtLimitKeptLimitPlusOneTooLong) {
    LogicalLineOptions o;
    o.max_entry = 5;
    auto ok = read_logical_lines("abcde\n", "f", o);
    EXPECT_FALSE(ok.entries[0].too_long);
    auto over = read_logical_lines("abc\n def\n", "f", o);  // "abc def" = 7
    EXPECT_TRUE(over.entries[0].too_long);
    EXPECT_LE(over.entries[0].text.size(), 5u);
}

}  // namespace
}  // namespace postern
