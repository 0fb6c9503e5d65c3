// canonical and virtual rewriting of envelope and header, over real
// texthash: tables.
#include "cleanup_rewrite.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "lib/config/config.hpp"

namespace postern::cleanup {
namespace {

namespace fs = std::filesystem;

Headers parse(std::string_view text) {
    HeaderReader r(65536);
    (void)r.feed(text);
    r.finish();
    return r.headers();
}

class RewriteTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("cleanup-rewrite-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
        write("sender", "bob@localhost Bob.Jones@example.org\n");
        write("recipient", "carol@localhost alice\n");
        write("canonical", "@old.example @new.example\n");
        write("virtual", "sales@virt.example alice@localhost, partner@remote.example\n"
                         "team@virt.example sales@virt.example, bob@localhost\n"
                         "@catch.example postmaster@localhost\n"
                         "loop1@virt.example loop2@virt.example\nloop2@virt.example loop1@virt.example\n"
                         "self@virt.example self@virt.example, alice@localhost\n");
    }
    void TearDown() override { fs::remove_all(dir_); }

    void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
    std::string spec(const std::string& name) const { return "texthash:" + (dir_ / name).string(); }

    std::shared_ptr<Tables> open(std::string extra = {}) {
        std::string conf = "sender_canonical_maps = " + spec("sender") + "\nrecipient_canonical_maps = " +
                           spec("recipient") + "\ncanonical_maps = " + spec("canonical") +
                           "\nvirtual_alias_maps = " + spec("virtual") + "\nmydestination = localhost\n" + extra;
        auto cfg = config::Config::parse(conf, "main.conf", dir_.string());
        EXPECT_TRUE(cfg) << cfg.error().message;
        return Tables::open(*cfg, "localhost");
    }

    fs::path dir_;
};

TEST_F(RewriteTest, CanonicalBySideThenCommon) {
    auto t = open();
    EXPECT_EQ(*canonicalize(*t, "bob@localhost", AddressRole::Sender), "Bob.Jones@example.org");
    EXPECT_EQ(*canonicalize(*t, "bob@localhost", AddressRole::Recipient), "bob@localhost");
    EXPECT_EQ(*canonicalize(*t, "carol@localhost", AddressRole::Recipient), "alice@localhost");  // qualified
    EXPECT_EQ(*canonicalize(*t, "x+tag@old.example", AddressRole::Sender), "x+tag@new.example");
    EXPECT_EQ(*canonicalize(*t, "", AddressRole::Sender), "");
}

TEST_F(RewriteTest, VirtualExpansion) {
    auto t = open();
    using V = std::vector<std::string>;
    EXPECT_EQ(*expand_virtual(*t, "team@virt.example"), (V{"alice@localhost", "partner@remote.example", "bob@localhost"}));
    EXPECT_EQ(*expand_virtual(*t, "anyone@catch.example"), (V{"postmaster@localhost"}));
    EXPECT_EQ(*expand_virtual(*t, "self@virt.example"), (V{"self@virt.example", "alice@localhost"}));
    EXPECT_EQ(*expand_virtual(*t, "other@elsewhere.example"), (V{"other@elsewhere.example"}));
    auto loop = expand_virtual(*t, "loop1@virt.example");
    ASSERT_FALSE(loop);
    EXPECT_EQ(loop.error().message.substr(0, 6), "4.3.0 ");
}

TEST_F(RewriteTest, ExpansionLimitIsTemporary) {
    auto t = open("virtual_alias_expansion_limit = 2\n");
    auto r = expand_virtual(*t, "team@virt.example");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("virtual_alias_expansion_limit"), std::string::npos);
}

TEST_F(RewriteTest, EnvelopeKeepsDsnAndDropsDuplicates) {
    auto t = open();
    Prepared p;
    p.sender = "bob@localhost";
    p.recipients = {"sales@virt.example", "alice@localhost", "carol@localhost"};
    p.dsn["sales@virt.example"] = {"SUCCESS", "rfc822;sales@virt.example"};
    ASSERT_TRUE(rewrite_envelope(*t, p, 100));
    EXPECT_EQ(p.sender, "Bob.Jones@example.org");
    EXPECT_EQ(p.recipients, (std::vector<std::string>{"alice@localhost", "partner@remote.example"}));
    EXPECT_EQ(p.dsn.at("partner@remote.example").first, "SUCCESS");
    Prepared small = p;
    small.recipients = {"team@virt.example"};
    auto over = rewrite_envelope(*t, small, 2);
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().message.substr(0, 5), "5.5.3");
}

TEST_F(RewriteTest, HeadersRewrittenInPlace) {
    auto t = open();
    Headers h = parse("From: \"bob@localhost\" <bob@localhost> (Bob)\nTo: Carol <carol@localhost>,\n\tx@old.example\n"
                      "Cc: bob@localhost\nSubject: bob@localhost\n\n");
    ASSERT_TRUE(rewrite_headers(*t, h, 65536));
    EXPECT_EQ(h[0].raw, "From: \"bob@localhost\" <Bob.Jones@example.org> (Bob)\n");
    EXPECT_EQ(h[1].raw, "To: Carol <alice@localhost>,\n\tx@new.example\n");
    EXPECT_EQ(h[2].raw, "Cc: bob@localhost\n");  // recipient side: no sender table
    EXPECT_EQ(h[3].raw, "Subject: bob@localhost\n");
}

TEST_F(RewriteTest, BrokenTableRefusesTemporarily) {
    auto t = open("virtual_alias_maps = hash:" + (dir_ / "missing").string() + "\n");
    Prepared p;
    p.recipients = {"alice@localhost"};
    auto st = rewrite_envelope(*t, p, 100);
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().message.substr(0, 6), "4.3.0 ");
    EXPECT_NE(st.error().message.find("virtual_alias_maps"), std::string::npos);
}

TEST(ReplaceAddress, PrefersAngleBracketsAndWholeWords) {
    struct Case {
        const char* label;
        std::string raw;
        const char* old_spec;
        const char* want;  // nullptr: not replaced
    } cases[] = {
        {"angle", "To: a@x <a@x>\n", "a@x", "To: a@x <b@y>\n"},
        {"bare", "To: a@x, ba@x\n", "a@x", "To: b@y, ba@x\n"},
        {"case-insensitive", "To: A@X\n", "a@x", "To: b@y\n"},
        {"inside a longer word", "To: ba@xy\n", "a@x", nullptr},
    };
    for (auto& c : cases) {
        std::size_t from = 3;
        bool ok = replace_address(c.raw, &from, c.old_spec, "b@y");
        EXPECT_EQ(ok, c.want != nullptr) << c.label;
        if (c.want) EXPECT_EQ(c.raw, c.want) << c.label;
    }
}

}  // namespace
}  // namespace postern::cleanup
