// postmap/makemap text sources.
#include <gtest/gtest.h>

#include "maps/source.hpp"

namespace postern::maps {
namespace {

TEST(Source, KeysFoldedValuesKeptCommentsSkipped) {
    auto p = parse_source("# c\nKey Value Two\r\n\n  \nk2\tv\n", "src", {});
    ASSERT_TRUE(p.errors.empty());
    ASSERT_EQ(p.entries.size(), 2u);
    EXPECT_EQ(p.entries[0].key, "key");
    EXPECT_EQ(p.entries[0].value, "Value Two");
    EXPECT_EQ(p.entries[1].line, 5);
}

TEST(Source, MakemapOptions) {
    SourceOptions o;
    o.continuation = false;
    o.fold_keys = false;
    o.delimiter = ':';
    o.comment = '%';
    o.allow_empty_value = true;
    auto p = parse_source("% c\nKey:value with spaces\nempty:\n", "src", o);
    ASSERT_TRUE(p.errors.empty()) << p.errors.front();
    EXPECT_EQ(p.entries[0].key, "Key");
    EXPECT_EQ(p.entries[0].value, "value with spaces");
    EXPECT_EQ(p.entries[1].value, "");
}

TEST(Source, ErrorsNameFileAndLine) {
    auto p = parse_source("ok v\nmissingvalue\nnext v\n", "src", {});
    ASSERT_EQ(p.errors.size(), 1u);
    EXPECT_EQ(p.errors[0], "src:2: expected format: key whitespace value");
    auto q = parse_source(" leading\n", "src", {});
    EXPECT_EQ(q.errors.at(0), "src:1: continuation line without an entry");
}

}  // namespace
}  // namespace postern::maps
