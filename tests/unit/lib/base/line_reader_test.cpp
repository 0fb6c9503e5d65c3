#include "lib/base/line_reader.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "lib/base/unique_fd.hpp"

namespace postern {
namespace {

using Status = LineReader::Status;
using Term = LineReader::Terminator;
using namespace std::chrono_literals;

// A pipe preloaded with data; the write end stays open unless closed.
struct Pipe {
    UniqueFd r, w;
    Pipe() {
        int fds[2];
        if (::pipe(fds) == 0) {
            r.reset(fds[0]);
            w.reset(fds[1]);
        }
    }
    void write(const std::string& s) { ASSERT_EQ(::write(w.get(), s.data(), s.size()), static_cast<ssize_t>(s.size())); }
    void close_writer() { w.reset(); }
};

TEST(LineReaderTest, SplitsLfAndCrLfLinesAndReportsTerminator) {
    Pipe p;
    p.write("one\r\ntwo\nthree");
    p.close_writer();
    LineReader reader(p.r.get(), 100);
    std::string line;
    EXPECT_EQ(reader.read(line), Status::Line);
    EXPECT_EQ(line, "one");
    EXPECT_EQ(reader.terminator(), Term::CrLf);
    EXPECT_EQ(reader.read(line), Status::Line);
    EXPECT_EQ(line, "two");
    EXPECT_EQ(reader.terminator(), Term::Lf);
    EXPECT_EQ(reader.read(line), Status::Line);
    EXPECT_EQ(line, "three");
    EXPECT_EQ(reader.terminator(), Term::None);
    EXPECT_EQ(reader.read(line), Status::Eof);
    EXPECT_EQ(reader.bytes_consumed(), 14u);
}

TEST(LineReaderTest, BareCrInsideLineIsContent) {
    Pipe p;
    p.write("a\rb\n");
    p.close_writer();
    LineReader reader(p.r.get(), 100);
    std::string line;
    ASSERT_EQ(reader.read(line), Status::Line);
    EXPECT_EQ(line, "a\rb");
    EXPECT_EQ(reader.terminator(), Term::Lf);
}

struct BoundCase {
    const char* label;
    std::string input;
    std::size_t limit;
    std::vector<std::pair<Status, std::string>> want;
};

TEST(LineReaderTest, LinesAtAndAroundTheLimit) {
    const std::size_t n = 8;
    const std::string at(n, 'x'), over(n + 1, 'y');
    const BoundCase cases[] = {
        {"exactly limit LF", at + "\n", n, {{Status::Line, at}}},
        {"exactly limit CRLF", at + "\r\n", n, {{Status::Line, at}}},
        {"limit+1 LF", over + "\n", n, {{Status::TooLong, over.substr(0, n)}, {Status::Line, "y"}}},
        {"limit+1 CRLF", over + "\r\n", n, {{Status::TooLong, over.substr(0, n)}, {Status::Line, "y"}}},
        {"limit+1 unterminated", over, n, {{Status::TooLong, over.substr(0, n)}, {Status::Line, "y"}}},
        {"limit then lone CR at eof", at + "\r", n, {{Status::TooLong, at}, {Status::Line, "\r"}}},
        {"three pieces", std::string(2 * n + 1, 'z') + "\n", n,
         {{Status::TooLong, std::string(n, 'z')}, {Status::TooLong, std::string(n, 'z')}, {Status::Line, "z"}}},
        {"empty lines", "\n\r\n", n, {{Status::Line, ""}, {Status::Line, ""}}},
    };
    for (const auto& c : cases) {
        Pipe p;
        p.write(c.input);
        p.close_writer();
        LineReader reader(p.r.get(), c.limit);
        std::string line;
        for (const auto& [status, text] : c.want) {
            EXPECT_EQ(reader.read(line), status) << c.label;
            EXPECT_EQ(line, text) << c.label;
        }
        EXPECT_EQ(reader.read(line), Status::Eof) << c.label;
        EXPECT_EQ(reader.bytes_consumed(), c.input.size()) << c.label;
    }
}

TEST(LineReaderTest, SkipRestDiscardsTheRemainderOfAnOverlongLine) {
    Pipe p;
    p.write(std::string(50000, 'a') + "\r\nNEXT\n");
    p.close_writer();
    LineReader reader(p.r.get(), 16);
    std::string line;
    ASSERT_EQ(reader.read(line), Status::TooLong);
    EXPECT_EQ(line.size(), 16u);
    EXPECT_EQ(reader.skip_rest(), Status::Line);
    EXPECT_EQ(reader.terminator(), Term::CrLf);
    ASSERT_EQ(reader.read(line), Status::Line);
    EXPECT_EQ(line, "NEXT");
}

TEST(LineReaderTest, BufferNeverHoldsMoreThanLimitPlusOneChunk) {
    // A writer thread streams a 1 MiB line; the reader must not accumulate it.
    Pipe p;
    std::thread writer([&p] {
        std::string chunk(65536, 'q');
        for (int i = 0; i < 16; ++i)
            if (::write(p.w.get(), chunk.data(), chunk.size()) < 0) break;
        p.close_writer();
    });
    LineReader reader(p.r.get(), 100);
    std::string line;
    std::size_t pieces = 0;
    Status s;
    while ((s = reader.read(line)) == Status::TooLong) {
        ++pieces;
        EXPECT_LE(reader.buffered().size(), 100u + 1 + 65536u);
    }
    writer.join();
    EXPECT_EQ(s, Status::Line);
    EXPECT_EQ(pieces, (16u * 65536u - 1) / 100u);
}

TEST(LineReaderTest, TimesOutOnAPipeWithNoData) {
    Pipe p;
    LineReader reader(p.r.get(), 100, 50ms);
    std::string line;
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(reader.read(line), Status::Timeout);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 40ms);
}

TEST(LineReaderTest, PartialLineSurvivesATimeout) {
    Pipe p;
    p.write("HEL");
    LineReader reader(p.r.get(), 100, 30ms);
    std::string line;
    EXPECT_EQ(reader.read(line), Status::Timeout);
    p.write("O x\r\n");
    ASSERT_EQ(reader.read(line), Status::Line);
    EXPECT_EQ(line, "HELO x");
}

TEST(LineReaderTest, BufferedReturnsBytesReadAheadForHandOver) {
    Pipe p;
    p.write("DATA\r\nbody line\r\n");
    p.close_writer();
    LineReader reader(p.r.get(), 100);
    std::string line;
    ASSERT_EQ(reader.read(line), Status::Line);
    EXPECT_EQ(reader.buffered(), "body line\r\n");
    EXPECT_EQ(reader.bytes_consumed(), 6u);
}

TEST(LineReaderTest, ReadErrorIsReported) {
    LineReader reader(-1, 100);
    std::string line;
    EXPECT_EQ(reader.read(line), Status::Error);
    EXPECT_NE(reader.error().message.find("read"), std::string::npos);
}

}  // namespace
}  // namespace postern
