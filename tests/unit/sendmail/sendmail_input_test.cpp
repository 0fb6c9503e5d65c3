// sendmail's stdin reader: dot handling, line ends, long lines, the size bound.
#include "sendmail_input.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace postern::sendmail {
namespace {

// Input from a temp file (a pipe would need a writer thread for big inputs).
struct Run {
    InputResult result;
    std::string out;
};

Run run(const std::string& input, bool ignore_dots, std::uint64_t max = 1u << 30) {
    std::FILE* f = std::tmpfile();
    EXPECT_NE(f, nullptr);
    EXPECT_EQ(std::fwrite(input.data(), 1, input.size(), f), input.size());
    std::fflush(f);
    ::lseek(fileno(f), 0, SEEK_SET);
    Run r;
    r.result = copy_message(fileno(f), ignore_dots, max, [&r](std::string_view d) {
        r.out.append(d);
        return Status{};
    });
    std::fclose(f);
    return r;
}

struct Case {
    const char* label;
    std::string input;
    bool ignore_dots;
    std::string want;
};

TEST(SendmailInput, DotsAndLineEnds) {
    const Case kCases[] = {
        {"dot line ends the message", "a\n.\nafter\n", false, "a\n"},
        {"dot line with CRLF ends it", "a\r\n.\r\nafter\r\n", false, "a\n"},
        {"-i keeps the dot line", "a\n.\nafter\n", true, "a\n.\nafter\n"},
        {"dot-prefixed lines kept as they are", "..x\n.y\n", false, "..x\n.y\n"},
        {"CRLF becomes LF", "a\r\nb\r\n", true, "a\nb\n"},
        {"bare CR kept", "a\rb\n", true, "a\rb\n"},
        {"final line gets a line end", "a\nb", true, "a\nb\n"},
        {"final dot without line end", "a\n.", false, "a\n"},
        {"empty input", "", false, ""},
        {"8-bit and NUL bytes kept", std::string("\xe9t\xe9\0x\n", 6), true, std::string("\xe9t\xe9\0x\n", 6)},
    };
    for (const auto& c : kCases) {
        SCOPED_TRACE(c.label);
        auto r = run(c.input, c.ignore_dots);
        EXPECT_EQ(r.result.kind, InputResult::Kind::Ok);
        EXPECT_EQ(r.out, c.want);
        EXPECT_EQ(r.result.bytes, c.want.size());
    }
}

TEST(SendmailInput, LongLineIsCopiedWhole) {
    std::string line(300000, 'x');
    for (std::size_t i = 0; i < line.size(); i += 7) line[i] = static_cast<char>('a' + i % 26);
    auto r = run(line + "\r\n.\n", false);
    EXPECT_EQ(r.result.kind, InputResult::Kind::Ok);
    EXPECT_EQ(r.out, line + "\n");
}

TEST(SendmailInput, DotAfterLongLinePieceIsNotTheEnd) {
    // The dot continues a long line: it is content, not the end marker.
    std::string line(65536, 'y');
    auto r = run(line + ".\nz\n", false);
    EXPECT_EQ(r.out, line + ".\nz\n");
}

TEST(SendmailInput, SizeLimitExactlyIsAccepted) {
    auto r = run("12345678\n", true, 9);
    EXPECT_EQ(r.result.kind, InputResult::Kind::Ok);
    EXPECT_EQ(r.out, "12345678\n");
}

TEST(SendmailInput, SizeLimitPlusOneIsRefused) {
    auto r = run("123456789\n", true, 9);
    EXPECT_EQ(r.result.kind, InputResult::Kind::TooLarge);
}

TEST(SendmailInput, SinkFailureStopsTheCopy) {
    std::FILE* f = std::tmpfile();
    std::fputs("a\n", f);
    std::fflush(f);
    ::lseek(fileno(f), 0, SEEK_SET);
    auto r = copy_message(fileno(f), true, 100, [](std::string_view) { return Status(make_error("broken pipe")); });
    std::fclose(f);
    EXPECT_EQ(r.kind, InputResult::Kind::SinkError);
    EXPECT_EQ(r.error.message, "broken pipe");
}

}  // namespace
}  // namespace postern::sendmail
