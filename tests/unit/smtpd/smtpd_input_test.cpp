#include "smtpd_input.hpp"

#include <cstring>
#include <gtest/gtest.h>

namespace postern::smtpd {
namespace {

void put(InputBuffer& b, std::string_view s) {
    while (!s.empty()) {
        auto space = b.space();
        std::size_t n = std::min(space.size(), s.size());
        ASSERT_GT(n, 0u);
        std::memcpy(space.data(), s.data(), n);
        b.commit(n);
        s.remove_prefix(n);
        if (!s.empty()) (void)b.next_line();  // let an overlong line be dropped as it arrives
    }
}

TEST(InputBuffer, SplitsLinesAndTellsCrlfFromBareLf) {
    InputBuffer b(512);
    put(b, "HELO a\r\nNOOP\nrest");
    auto l1 = b.next_line();
    EXPECT_EQ(l1.text, "HELO a");
    EXPECT_TRUE(l1.crlf);
    auto l2 = b.next_line();
    EXPECT_EQ(l2.text, "NOOP");
    EXPECT_FALSE(l2.crlf);
    EXPECT_EQ(b.next_line().kind, InputBuffer::Kind::None);
    EXPECT_EQ(b.buffered(), 4u);
}

TEST(InputBuffer, LineAtTheLimitPassesAndOneByteMoreIsTooLong) {
    InputBuffer b(512);
    put(b, std::string(512, 'x') + "\r\n");
    EXPECT_EQ(b.next_line().kind, InputBuffer::Kind::Line);
    put(b, std::string(513, 'x') + "\r\nNOOP\r\n");
    EXPECT_EQ(b.next_line().kind, InputBuffer::Kind::TooLong);
    EXPECT_EQ(b.next_line().text, "NOOP");
}

TEST(InputBuffer, EndlessLineIsDroppedWithoutGrowingAndReportedOnce) {
    InputBuffer b(512);
    for (int i = 0; i < 100; ++i) put(b, std::string(1000, 'y'));
    EXPECT_LE(b.buffered(), 512u + 4096u + 2u);
    put(b, "\r\nQUIT\r\n");
    EXPECT_EQ(b.next_line().kind, InputBuffer::Kind::TooLong);
    EXPECT_EQ(b.next_line().text, "QUIT");
}

}  // namespace
}  // namespace postern::smtpd
