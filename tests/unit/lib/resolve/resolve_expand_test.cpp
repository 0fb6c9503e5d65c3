// The expansion engine: a table of alias/.forward/:include: scenarios and
// what each recipient finally becomes. Runs as any user: a user instance
// whose users are the directories in spool/ (their $home, so a .forward
// sits at spool/NAME/.forward).
#include "lib/resolve/resolve_expand.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "lib/resolve/resolve_files.hpp"
#include "tests/unit/common/temp_dir.hpp"

namespace postern::resolve {
namespace {

using postern::testing::TempDir;

struct Scenario {
    const char* label;
    const char* aliases;
    std::map<std::string, std::string> files;  // path under the temp dir (@ = the temp dir) -> content
    const char* address;
    std::vector<std::string> want;  // "kind:value", errors as "error:DSN"
};

const Scenario kScenarios[] = {
    {"plain user", "", {}, "alice@example.test", {"mailbox:alice"}},
    {"user with extension", "", {}, "alice+news@example.test", {"mailbox:alice"}},
    {"unknown user", "", {}, "nobody@example.test", {"error:5.1.1"}},
    {"alias to users", "staff: alice, bob\n", {}, "staff@example.test", {"mailbox:alice", "mailbox:bob"}},
    {"case-insensitive alias", "Staff: alice\n", {}, "STAFF@example.test", {"mailbox:alice"}},
    {"backslash continuation", "staff: alice, \\\n bob\n", {}, "staff@example.test", {"mailbox:alice", "mailbox:bob"}},
    {"nested aliases", "a: b\nb: c\nc: carol\n", {}, "a@example.test", {"mailbox:carol"}},
    {"alias command", "bot: \"|/usr/bin/bot --x\"\n", {}, "bot@example.test", {"command:/usr/bin/bot --x"}},
    {"alias file", "log: /var/log/mail.copy\n", {}, "log@example.test", {"file:/var/log/mail.copy"}},
    {"error destination", "gone: error:5.1.1:550 moved away\n", {}, "gone@example.test", {"error:5.1.1"}},
    {"remote target", "out: x@remote.test\n", {}, "out@example.test", {"remote:x@remote.test"}},
    {"local-domain target is local", "a: bob@EXAMPLE.test\n", {}, "a@example.test", {"mailbox:bob"}},
    {"self reference is the mailbox", "alice: alice, bob\n", {}, "alice@example.test", {"mailbox:alice", "mailbox:bob"}},
    {"backslash user", "alice: \\alice, bob\n", {}, "alice@example.test", {"mailbox:alice", "mailbox:bob"}},
    {"duplicates once", "a: alice, b\nb: alice\n", {}, "a@example.test", {"mailbox:alice"}},
    {"alias loop bounces once", "x: y\ny: x\n", {}, "x@example.test", {"error:5.4.6"}},
    {"loop back to a user", "alice: bob\nbob: alice\n", {}, "alice@example.test", {"mailbox:alice"}},
    {"include file", "list: :include:@/list\n", {{"list", "alice\nbob, carol # not a comment\n# comment\n"}},
     "list@example.test", {"mailbox:alice", "mailbox:bob", "error:5.1.1"}},
    {"include loop", "list: :include:@/list\n", {{"list", ":include:@/list\n"}}, "list@example.test", {"error:5.4.6"}},
    {"missing include", "list: :include:@/none\n", {}, "list@example.test", {"error:5.3.5"}},
    {"forward to another user", "", {{"spool/alice/.forward", "bob\n"}}, "alice@example.test", {"mailbox:bob"}},
    {"forward keeping a copy", "", {{"spool/alice/.forward", "\\alice, \"|/bin/filter\"\n"}}, "alice@example.test",
     {"mailbox:alice", "command:/bin/filter"}},
    {"forward naming oneself", "", {{"spool/alice/.forward", "alice, bob\n"}}, "alice@example.test",
     {"mailbox:alice", "mailbox:bob"}},
    {"empty forward is the mailbox", "", {{"spool/alice/.forward", "# nothing\n"}}, "alice@example.test",
     {"mailbox:alice"}},
    {"forward with extension first", "",
     {{"spool/alice/.forward+news", "/tmp/news\n"}, {"spool/alice/.forward", "bob\n"}},
     "alice+news@example.test", {"file:/tmp/news"}},
    {"forward without extension file", "", {{"spool/alice/.forward", "bob\n"}}, "alice+other@example.test",
     {"mailbox:bob"}},
    {"alias then forward", "staff: alice\n", {{"spool/alice/.forward", "carol\n"}}, "staff@example.test",
     {"mailbox:carol"}},
    {"forward loop between users", "", {{"spool/alice/.forward", "bob\n"}, {"spool/bob/.forward", "alice\n"}},
     "alice@example.test", {"mailbox:alice"}},
    {"forward includes a file", "", {{"spool/alice/.forward", ":include:@/inc\n"}, {"inc", "carol\n"}},
     "alice@example.test", {"mailbox:carol"}},
};

class ExpandScenario : public ::testing::TestWithParam<Scenario> {};

std::string fill(std::string s, const std::string& dir) {
    for (auto at = s.find('@'); at != std::string::npos; at = s.find('@', at + dir.size())) {
        if (at + 1 < s.size() && s[at + 1] == '/') s.replace(at, 1, dir);
        else break;
    }
    return s;
}

TEST_P(ExpandScenario, Destinations) {
    const Scenario& sc = GetParam();
    TempDir dir;
    std::string spool = dir.path() + "/spool";
    ::mkdir(spool.c_str(), 0700);
    for (const char* u : {"alice", "bob", "carol"}) ::mkdir((spool + "/" + u).c_str(), 0700);
    for (const auto& [name, text] : sc.files) {
        std::ofstream(dir.path() + "/" + name) << fill(text, dir.path());
        ::chmod((dir.path() + "/" + name).c_str(), 0600);
    }
    AliasMaps maps;
    maps.tables = {parse_aliases(fill(sc.aliases, dir.path()), "aliases", 4096).table};
    ExpandContext ctx;
    ctx.users = UserDirectory{spool, false, true, "+"};
    ctx.aliases = &maps;
    ctx.local_domains = {"example.test"};
    ctx.forward_path = {"$home/.forward${recipient_delimiter}${extension}", "$home/.forward"};
    auto got = expand_recipient(sc.address, ctx);
    ASSERT_TRUE(got.ok()) << got.error().message;
    std::vector<std::string> names;
    for (const auto& d : *got)
        names.push_back(std::string(destination_kind_name(d.kind)) + ":" +
                        (d.kind == DestinationKind::Error ? d.dsn : fill(d.value, dir.path())));
    std::vector<std::string> want;
    for (const auto& w : sc.want) want.push_back(fill(w, dir.path()));
    EXPECT_EQ(names, want);
}

INSTANTIATE_TEST_SUITE_P(Table, ExpandScenario, ::testing::ValuesIn(kScenarios),
                         [](const ::testing::TestParamInfo<Scenario>& param) {
                             std::string n;
                             for (const char* p = param.param.label; *p; ++p)
                                 n += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
                             return n;
                         });

// A context without users on disk: only aliases resolve.
ExpandContext bare(const AliasMaps& maps) {
    ExpandContext ctx;
    ctx.users = UserDirectory{"/nonexistent", false, true, "+"};
    ctx.aliases = &maps;
    return ctx;
}

TEST(Expand, ChainNamesAliasAndFile) {
    AliasMaps maps;
    maps.tables = {parse_aliases("staff: team\nteam: \"|/bin/x\"\n", "/etc/aliases", 4096).table};
    ExpandContext ctx = bare(maps);
    auto got = expand_recipient("staff", ctx);
    ASSERT_TRUE(got.ok());
    ASSERT_EQ(got->size(), 1u);
    EXPECT_EQ(describe_chain((*got)[0]), "alias staff (/etc/aliases:1) -> alias team (/etc/aliases:2)");
}

TEST(Expand, OwnerAliasBecomesTheSender) {
    AliasMaps maps;
    maps.tables = {parse_aliases("list: \"|/bin/x\"\nowner-list: bob\n", "al", 4096).table};
    ExpandContext ctx = bare(maps);
    auto got = expand_recipient("list", ctx);
    ASSERT_TRUE(got.ok());
    ASSERT_EQ(got->size(), 1u);
    EXPECT_EQ((*got)[0].owner, "owner-list");
}

TEST(Expand, DepthLimitPlusOneBounces) {
    AliasMaps maps;
    ExpandContext ctx = bare(maps);
    ctx.max_depth = 3;
    // a0 -> a1 -> a2 -> nobody: the name at level 3 is still looked up (unknown user).
    maps.tables = {parse_aliases("a0: a1\na1: a2\na2: nobody\n", "al", 4096).table};
    EXPECT_EQ((*expand_recipient("a0", ctx))[0].dsn, "5.1.1");
    maps.tables = {parse_aliases("a0: a1\na1: a2\na2: a3\na3: nobody\n", "al", 4096).table};
    auto over = expand_recipient("a0", ctx);
    ASSERT_EQ(over->size(), 1u);
    EXPECT_EQ((*over)[0].dsn, "5.4.6");
}

TEST(Expand, FanOutLimitPlusOneBouncesOnce) {
    AliasMaps maps;
    ExpandContext ctx = bare(maps);
    ctx.max_destinations = 3;
    maps.tables = {parse_aliases("a: |p1, |p2, |p3\n", "al", 4096).table};
    EXPECT_EQ(expand_recipient("a", ctx)->size(), 3u);
    maps.tables = {parse_aliases("a: |p1, |p2, |p3, |p4, |p5\n", "al", 4096).table};
    auto over = expand_recipient("a", ctx);
    ASSERT_EQ(over->size(), 4u);
    EXPECT_EQ(over->back().dsn, "5.3.0");
}

TEST(Expand, TableFailureIsTemporary) {
    AliasMaps maps;
    maps.tables.resize(1);
    maps.tables[0].path = "ldap:/x.cf";
    maps.tables[0].external = [](std::string_view) -> Result<std::optional<std::string>> {
        return make_error("server down");
    };
    ExpandContext ctx = bare(maps);
    EXPECT_FALSE(expand_recipient("alice", ctx).ok());
}

TEST(Expand, LegacyDashExtension) {
    AliasMaps maps;
    maps.tables = {parse_aliases("list: |/bin/list\n", "al", 4096).table};
    ExpandContext ctx = bare(maps);
    ctx.users.recipient_delimiter = "+-";
    auto got = expand_recipient("list-request", ctx);  // no alias list-request: list, extension "request"
    ASSERT_TRUE(got.ok());
    EXPECT_EQ((*got)[0].value, "/bin/list");
}

TEST(ForwardTemplate, Variables) {
    ForwardVars v{"/home/a", "a", "/bin/sh", "news", "+"};
    EXPECT_EQ(expand_forward_template("$home/.forward${recipient_delimiter}${extension}", v), "/home/a/.forward+news");
    v.extension.clear();
    EXPECT_EQ(expand_forward_template("$home/.forward${recipient_delimiter}${extension}", v), std::nullopt);
    EXPECT_EQ(expand_forward_template("$home/.forward", v), "/home/a/.forward");
    EXPECT_EQ(expand_forward_template("$nosuch/x", v), std::nullopt);
}

TEST(ReadFileChecked, RefusesSymlinksAndWritableFiles) {
    TempDir dir;
    Identity me = current_identity();
    std::ofstream(dir.file("f")) << "x\n";
    ::chmod(dir.file("f").c_str(), 0600);
    auto ok = read_file_checked(dir.file("f"), me, true, 1024);
    ASSERT_TRUE(ok.ok() && ok->has_value());
    EXPECT_EQ((*ok)->text, "x\n");
    ASSERT_EQ(::symlink(dir.file("f").c_str(), dir.file("link").c_str()), 0);
    EXPECT_FALSE(read_file_checked(dir.file("link"), me, true, 1024)->has_value());
    ::chmod(dir.file("f").c_str(), 0622);
    EXPECT_FALSE(read_file_checked(dir.file("f"), me, true, 1024)->has_value());
    ::chmod(dir.file("f").c_str(), 0600);
    EXPECT_FALSE(read_file_checked(dir.file("f"), me, true, 1)->has_value());  // over the size bound
    EXPECT_FALSE(read_file_checked(dir.file("absent"), me, true, 1024)->has_value());
}

TEST(ErrorTarget, ForwardedDsnAndText) {
    AliasMaps maps;
    maps.tables = {parse_aliases("a: error:4.2.1:450 try later\nb: error:nouser gone\n", "al", 4096).table};
    ExpandContext ctx = bare(maps);
    auto a = expand_recipient("a", ctx);
    EXPECT_EQ((*a)[0].dsn, "4.2.1");
    EXPECT_EQ((*a)[0].smtp_code, 450);
    EXPECT_EQ((*a)[0].value, "try later");
    auto b = expand_recipient("b", ctx);
    EXPECT_EQ((*b)[0].dsn, "5.0.0");
}

}  // namespace
}  // namespace postern::resolve
