// The table conversion end to end on files: sendmail-style databases (as
// makemap writes them: keys without a NUL) and text sources under a root,
// converted tables written and checked, settings returned, plan writes nothing.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "maps/registry.hpp"
#include "migrate/migrate_maps.hpp"
#include "tests/unit/common/temp_dir.hpp"

namespace postern::migrate {
namespace {

namespace fs = std::filesystem;

const char* const kCf =
    "V10\n"
    "Cwmx.example.test\n"
    "C{VirtHost}virt.example.test\n"
    "Kvirtuser hash -o /etc/mail/virtusertable\n"
    "Kmailertable hash -o /etc/mail/mailertable.db\n"
    "O AliasFile=/etc/mail/aliases\n";

struct Host {
    testing::TempDir tmp;
    std::string root = tmp.file("root"), conf = tmp.file("conf");
    CfFile cf = parse_cf(kCf, "sendmail.cf");
    Host() {
        fs::create_directories(root + "/etc/mail");
        fs::create_directories(conf);
        // sendmail's makemap: keys and values without a NUL.
        maps::BuildOptions plain;
        plain.append_nul = false;
        EXPECT_TRUE(maps::build_map("hash:" + root + "/etc/mail/virtusertable",
                                    {{"info@virt.example.test", "alice"}, {"@virt.example.test", "%1@other.test"}},
                                    plain).ok());
        // The text was edited after the last makemap: one entry differs.
        std::ofstream(root + "/etc/mail/virtusertable") << "info@virt.example.test\talice\n"
                                                           "@virt.example.test\tcarol\n";
        std::ofstream(root + "/etc/mail/aliases") << "postmaster: root\nteam: alice, \"|/usr/bin/log a,b\"\n";
    }
    Result<std::vector<Setting>> run(bool apply, Plan& plan) {
        return convert_tables(cf, CfContext{root, 1u << 20}, TablesTarget{conf, apply}, plan);
    }
};

std::string setting(const std::vector<Setting>& s, const std::string& name) {
    for (const auto& x : s)
        if (x.name == name) return x.value;
    return "<unset>";
}

TEST(Tables, ApplyConvertsTheDatabaseWritesCheckedTablesAndNamesThem) {
    Host h;
    Plan plan;
    auto settings = h.run(true, plan);
    ASSERT_TRUE(settings.ok()) << settings.error().message;
    std::string out = plan.render();
    EXPECT_NE(out.find("1 entry differs between"), std::string::npos) << out;
    EXPECT_NE(out.find("virtusertable:1\tvirtusertable info@virt.example.test alice"), std::string::npos) << out;
    EXPECT_NE(out.find("optional table absent"), std::string::npos) << out;  // no mailertable
    EXPECT_NE(out.find("no database"), std::string::npos) << out;            // aliases: text only
    EXPECT_EQ(setting(*settings, "virtual_alias_maps"), "hash:" + h.conf + "/sendmail/virtual");
    EXPECT_EQ(setting(*settings, "alias_maps"), "hash:" + h.conf + "/sendmail/aliases");
    auto virt = maps::open_map("hash:" + h.conf + "/sendmail/virtual");
    ASSERT_TRUE(virt.ok());
    EXPECT_EQ((*virt)->lookup("@virt.example.test").value(), "@other.test");  // the database, not the text
    auto aliases = maps::open_map("hash:" + h.conf + "/sendmail/aliases");
    ASSERT_TRUE(aliases.ok());
    EXPECT_EQ((*aliases)->lookup("team").value(), "alice, \"|/usr/bin/log a,b\"");
    std::ifstream text(h.conf + "/sendmail/virtual");
    std::string all((std::istreambuf_iterator<char>(text)), {});
    EXPECT_NE(all.find("# from " + h.root + "/etc/mail/virtusertable:1\ninfo@virt.example.test\talice\n"),
              std::string::npos) << all;
}

TEST(Tables, PlanWritesNothing) {
    Host h;
    Plan plan;
    ASSERT_TRUE(h.run(false, plan).ok());
    EXPECT_FALSE(fs::exists(h.conf + "/sendmail"));
    EXPECT_NE(plan.render().find("to be written to hash:"), std::string::npos);
}

TEST(Tables, AnUnreadableRequiredTableNeedsAHuman) {
    Host h;
    h.cf = parse_cf("V10\nKaccess hash /etc/mail/access\n", "sendmail.cf");
    Plan plan;
    ASSERT_TRUE(h.run(false, plan).ok());
    EXPECT_EQ(plan.count(Outcome::NotConverted), 1u) << plan.render();
}

}  // namespace
}  // namespace postern::migrate
