#include "lib/base/log.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "tests/unit/common/temp_dir.hpp"

namespace postern::log {
namespace {

// Options for a test: never syslog; stderr and file as asked.
Options opts(std::string program, std::string file = "", bool to_stderr = false) {
    Options o;
    o.program = std::move(program);
    o.to_syslog = false;
    o.to_stderr = to_stderr;
    o.file = std::move(file);
    return o;
}

std::string pid_tag(const std::string& tag) { return tag + "[" + std::to_string(::getpid()) + "]: "; }

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(LogTest, FormatLineHasTagPidAndLevel) {
    init(opts("qmgr"));
    EXPECT_EQ(format_line("warning", "disk full"), pid_tag("postern/qmgr") + "warning: disk full");
    EXPECT_EQ(format_line("", "ABC: from=<a@b>"), pid_tag("postern/qmgr") + "ABC: from=<a@b>");
}

TEST(LogTest, SyslogNameChangesTheTag) {
    Options o = opts("smtpd");
    o.syslog_name = "postern-out";
    init(o);
    EXPECT_EQ(format_line("", "x"), pid_tag("postern-out/smtpd") + "x");
}

TEST(LogTest, PrintableReplacesControlAndNonAsciiBytes) {
    EXPECT_EQ(printable("a\r\nb\x01\x7f\xc3\xa9"), "a??b????");
    EXPECT_EQ(printable("plain text <x@y>"), "plain text <x@y>");
}

TEST(LogTest, PrintableCapsLengthWithEllipsis) {
    EXPECT_EQ(printable("abcdef", 3), "abc...");
    EXPECT_EQ(printable("abc", 3), "abc");
}

TEST(LogTest, FileGetsOneTimestampedLinePerMessage) {
    testing::TempDir dir;
    std::string file = dir.file("maillog");
    init(opts("cleanup", file));
    info("%s: message-id=<%d@x>", "ABC123", 7);
    warn("line one\nline two");
    init(opts("cleanup"));

    std::string text = slurp(file);
    std::istringstream lines(text);
    std::string first, second, extra;
    ASSERT_TRUE(std::getline(lines, first));
    ASSERT_TRUE(std::getline(lines, second));
    EXPECT_FALSE(std::getline(lines, extra)) << "embedded newline must not start a new line";
    EXPECT_NE(first.find(" " + pid_tag("postern/cleanup") + "ABC123: message-id=<7@x>"), std::string::npos) << first;
    EXPECT_NE(second.find(pid_tag("postern/cleanup") + "warning: line one line two"), std::string::npos) << second;
    EXPECT_EQ(first.find(' '), 3u) << "starts with a syslog-style date: " << first;
}

TEST(LogTest, OverlongMessageIsTruncatedToOneBoundedLine) {
    testing::TempDir dir;
    std::string file = dir.file("maillog");
    init(opts("t", file));
    std::string huge(100000, 'x');
    info("%s", huge.c_str());
    init(opts("t"));
    std::string text = slurp(file);
    EXPECT_LT(text.size(), 9000u);
    EXPECT_NE(text.find("xxx...\n"), std::string::npos);
}

TEST(LogDeathTest, FatalExitsWithStatusOne) {
    EXPECT_EXIT(
        {
            init(opts("t", "", true));
            fatal("cannot open %s", "/nowhere");
        },
        ::testing::ExitedWithCode(1), "postern/t\\[[0-9]+\\]: fatal: cannot open /nowhere");
}

TEST(LogDeathTest, PanicAborts) {
    EXPECT_DEATH(
        {
            init(opts("t", "", true));
            panic("broken invariant %d", 3);
        },
        "panic: broken invariant 3");
}

}  // namespace
}  // namespace postern::log
