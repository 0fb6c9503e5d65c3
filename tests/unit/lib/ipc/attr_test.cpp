#include "lib/ipc/attr.hpp"

#include <gtest/gtest.h>

namespace postern::ipc {
namespace {

std::string u16(std::size_t v) { return {static_cast<char>(v >> 8), static_cast<char>(v & 0xff)}; }
std::string u32(std::size_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>((v >> 16) & 0xff), static_cast<char>((v >> 8) & 0xff),
            static_cast<char>(v & 0xff)};
}
std::string attr(const std::string& name, const std::string& value) { return u16(name.size()) + name + u32(value.size()) + value; }

TEST(AttrTest, EncodingIsCountThenLengthPrefixedNamesAndValues) {
    AttrList list;
    list.add("a", "xy").add_int("n", -5);
    EXPECT_EQ(encode_payload(list), u16(2) + attr("a", "xy") + attr("n", "-5"));
    std::string payload = encode_payload(list);
    EXPECT_EQ(encode_frame(list), u32(payload.size()) + payload);
}

TEST(AttrTest, RoundTripKeepsOrderRepeatsAndBinaryValues) {
    AttrList list;
    std::string binary("a\0b\xff\n", 5);
    list.add("rcpt", "x@y").add("rcpt", "z@w").add("data", binary).add("empty", "");
    auto back = decode_payload(encode_payload(list), Limits{});
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->items(), list.items());
}

struct BadCase {
    const char* label;
    std::string payload;
    Limits limits;
    std::string want;
};

TEST(AttrTest, MalformedPayloadsAreRejected) {
    Limits small;
    small.max_payload = 64;
    small.max_attrs = 2;
    small.max_name = 8;
    std::string ok1 = attr("a", "1");
    const BadCase cases[] = {
        {"empty", "", Limits{}, "truncated message"},
        {"half a count", std::string(1, '\0'), Limits{}, "truncated message"},
        {"count larger than content", u16(2) + ok1, Limits{}, "truncated message"},
        {"name length past end", u16(1) + u16(10) + "ab", Limits{}, "truncated message"},
        {"value length past end", u16(1) + u16(1) + "a" + u32(0xffffffff) + "x", Limits{}, "truncated message"},
        {"short value length", u16(1) + u16(1) + "a" + std::string(2, '\0'), Limits{}, "truncated message"},
        {"trailing bytes", u16(1) + ok1 + "zz", Limits{}, "2 trailing bytes after attributes"},
        {"too many attrs (limit+1)", u16(3) + ok1 + ok1 + ok1, small, "too many attributes (3)"},
        {"name too long (limit+1)", u16(1) + attr("abcdefghi", ""), small, "attribute name too long (9 bytes)"},
        {"payload too large (limit+1)", u16(1) + attr("a", std::string(65 - 7 - 2, 'x')), small,
         "message too large (65 > 64 bytes)"},
        {"upper case name", u16(1) + attr("Type", "x"), Limits{}, "malformed attribute name"},
        {"empty name", u16(1) + attr("", "x"), Limits{}, "malformed attribute name"},
        {"NUL in name", u16(1) + attr(std::string("a\0b", 3), "x"), Limits{}, "malformed attribute name"},
        {"space in name", u16(1) + attr("a b", "x"), Limits{}, "malformed attribute name"},
    };
    for (const auto& c : cases) {
        auto r = decode_payload(c.payload, c.limits);
        ASSERT_FALSE(r.ok()) << c.label;
        EXPECT_EQ(r.error().message, c.want) << c.label;
    }
}

TEST(AttrTest, LimitsAreInclusive) {
    Limits small;
    small.max_attrs = 2;
    small.max_name = 8;
    AttrList list;
    list.add("abcdefgh", "v").add("x.y_z09", "w");
    std::string payload = encode_payload(list);
    small.max_payload = payload.size();
    EXPECT_TRUE(decode_payload(payload, small).ok());
}

TEST(AttrReaderTest, ConsumesEachAttributeOnce) {
    AttrList list;
    list.add("s", "text").add_int("n", 42).add("rcpt", "a").add("rcpt", "b");
    AttrReader r(list);
    EXPECT_EQ(*r.str("s"), "text");
    EXPECT_EQ(*r.num("n"), 42);
    EXPECT_EQ(r.all("rcpt"), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(r.str_or("opt", "dflt"), "dflt");
    EXPECT_EQ(*r.num_or("optn", 9), 9);
    EXPECT_TRUE(r.finish().ok());
}

TEST(AttrReaderTest, MissingAttributeIsNamed) {
    AttrList list;
    AttrReader r(list);
    auto s = r.str("sender");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().message, "missing attribute sender");
}

TEST(AttrReaderTest, RepeatedScalarIsAnError) {
    AttrList list;
    list.add("rcpt", "a").add("rcpt", "b");
    AttrReader r(list);
    auto s = r.str("rcpt");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().message, "attribute rcpt repeated");
}

TEST(AttrReaderTest, RepeatedOptionalIsReportedByFinish) {
    AttrList list;
    list.add("opt", "a").add("opt", "b");
    AttrReader r(list);
    EXPECT_EQ(r.str_or("opt", ""), "a");
    EXPECT_EQ(r.str_or("opt", "x"), "x");
    auto st = r.finish();
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().message, "attribute opt repeated");
}

TEST(AttrReaderTest, FinishNamesTheFirstUnknownAttribute) {
    AttrList list;
    list.add("known", "1").add("foo", "2").add("bar", "3");
    AttrReader r(list);
    ASSERT_TRUE(r.str("known").ok());
    auto st = r.finish();
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().message, "unknown attribute foo");
}

TEST(AttrReaderTest, NonNumericValueIsAnError) {
    const char* bad[] = {"", "12a", " 1", "0x1", "99999999999999999999"};
    for (const char* v : bad) {
        AttrList list;
        list.add("n", v);
        AttrReader r(list);
        auto n = r.num("n");
        ASSERT_FALSE(n.ok()) << v;
        EXPECT_EQ(n.error().message, "attribute n: not a number");
    }
    AttrList list;
    list.add("n", "x");
    AttrReader r(list);
    EXPECT_FALSE(r.num_or("n", 3).ok());
}

TEST(AttrReaderTest, NestedListsDecodeWithTheSameLimits) {
    AttrList inner;
    inner.add("address", "a@b");
    AttrList outer;
    outer.add_list("rcpt", inner).add_list("rcpt", inner);
    AttrReader r(outer);
    auto nested = r.nested_all("rcpt");
    ASSERT_TRUE(nested.ok());
    ASSERT_EQ(nested->size(), 2u);
    EXPECT_EQ((*nested)[1].items(), inner.items());

    AttrList broken;
    broken.add("rcpt", "garbage");
    AttrReader rb(broken);
    auto bad = rb.nested_all("rcpt");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message.rfind("attribute rcpt: ", 0), 0u) << bad.error().message;
}

}  // namespace
}  // namespace postern::ipc
