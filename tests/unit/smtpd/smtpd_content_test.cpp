#include "smtpd_content.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <ostream>
#include <string>

namespace postern::smtpd {
namespace {

struct DataCase {
    const char* label;
    std::string wire;
    std::string content;   // decoded, up to the end (or all if not done)
    bool done;
    std::string rest;      // what is left after the end-of-data mark
    bool bare_lf = false;
    bool bare_cr = false;
};

// Shown in test listings by label (the default prints raw bytes, pointers too).
void PrintTo(const DataCase& c, std::ostream* os) { *os << c.label; }

// Feeds the wire bytes one at a time and all at once: both must agree.
class DataDecoderTest : public ::testing::TestWithParam<DataCase> {};

TEST_P(DataDecoderTest, DecodesAndFindsOnlyTheRealEndOfData) {
    const auto& c = GetParam();
    for (bool bytewise : {false, true}) {
        DataDecoder d;
        std::string out;
        std::size_t used = 0;
        if (bytewise) {
            while (used < c.wire.size() && !d.done()) used += d.feed(std::string_view(c.wire).substr(used, 1), out);
        } else {
            used = d.feed(c.wire, out);
        }
        EXPECT_EQ(out, c.content) << c.label << (bytewise ? " bytewise" : "");
        EXPECT_EQ(d.done(), c.done) << c.label;
        EXPECT_EQ(c.wire.substr(used), c.rest) << c.label;
        EXPECT_EQ(d.flags().bare_lf, c.bare_lf) << c.label;
        EXPECT_EQ(d.flags().bare_cr, c.bare_cr) << c.label;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DataDecoderTest,
    ::testing::Values(
        DataCase{"plain", "a\r\nb\r\n.\r\n", "a\nb\n", true, ""},
        DataCase{"empty message", ".\r\n", "", true, ""},
        DataCase{"pipelined rest kept", "a\r\n.\r\nQUIT\r\n", "a\n", true, "QUIT\r\n"},
        DataCase{"dot unstuffed", "..x\r\n.y\r\n.\r\n", ".x\ny\n", true, ""},
        DataCase{"smuggling LF.LF", "a\n.\nMAIL FROM:<x>\r\n.\r\n", "a\n.\nMAIL FROM:<x>\n", true, "", true},
        DataCase{"smuggling LF.CRLF", "a\n.\r\nb\r\n.\r\n", "a\n.\nb\n", true, "", true},
        DataCase{"smuggling CRLF.LF", "a\r\n.\nb\r\n.\r\n", "a\n.\nb\n", true, "", true},
        DataCase{"smuggling CR.CR", "a\r.\rb\r\n.\r\n", "a\r.\rb\n", true, "", false, true},
        DataCase{"CR.CRLF not an end", "a\r.\r\nb\r\n.\r\n", "a\r.\nb\n", true, "", false, true},
        DataCase{"not finished", "a\r\n.", "a\n", false, ""},
        DataCase{"lone dot after bare LF kept", "x\n.\r\n.\r\n", "x\n.\n", true, "", true},
        DataCase{"NUL passes as data", std::string("a\0b\r\n.\r\n", 8), std::string("a\0b\n", 4), true, ""}),
    // Name each case by its label: gtest's default would print the struct's
    // bytes, pointers included, so names would differ between runs.
    [](const ::testing::TestParamInfo<DataCase>& param_info) {
        std::string name;
        for (const char* p = param_info.param.label; *p; ++p) name += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
        return name;
    });

TEST(DataDecoder, FlagsNulBytes) {
    DataDecoder d;
    std::string out;
    d.feed(std::string("a\0\r\n.\r\n", 7), out);
    EXPECT_TRUE(d.flags().nul);
}

TEST(BdatDecoder, ConvertsCrlfAcrossChunksAndKeepsDots) {
    BdatDecoder d;
    std::string out;
    d.feed("a\r", out);
    d.feed("\n.\r\n", out);
    d.feed("b\r", out);
    d.finish(out);
    EXPECT_EQ(out, "a\n.\nb\r");
    EXPECT_TRUE(d.flags().bare_cr);
}

}  // namespace
}  // namespace postern::smtpd
