// postern-ctl init: the files it writes must load and say what they should.
#include <sys/stat.h>

#include "ctl_init.hpp"
#include "ctl_test_support.hpp"
#include "lib/base/identity.hpp"
#include "lib/base/sysexits.hpp"
#include "lib/config/services.hpp"

namespace postern::ctl::testing {
namespace {

namespace fs = std::filesystem;
namespace params = config::params;

TEST_F(CtlTest, InitWritesAConfigThatLoadsWithTheExpectedValues) {
    init_instance();
    const std::string dir = fs::canonical(inst_).string();
    auto cfg = config::Config::load(dir);
    ASSERT_TRUE(cfg) << cfg.error().message;
    EXPECT_TRUE(cfg->get(params::user_instance));
    EXPECT_EQ(cfg->get(params::queue_directory), dir + "/queue");
    EXPECT_EQ(cfg->get(params::data_directory), dir + "/data");
    EXPECT_EQ(cfg->get(params::daemon_directory), self_directory());
    EXPECT_EQ(cfg->get(params::command_directory), self_directory());
    EXPECT_EQ(cfg->get(params::mail_owner), current_identity().name);
    EXPECT_EQ(cfg->get(params::myhostname), "localhost");
    EXPECT_EQ(cfg->get(params::mail_spool_directory), dir + "/mail");
    EXPECT_EQ(cfg->get(params::mailbox_format), "maildir");
    EXPECT_EQ(cfg->get(params::maillog_file), dir + "/log/maillog");
    EXPECT_EQ(cfg->get(params::alias_maps), (std::vector<std::string>{"texthash:" + dir + "/aliases"}));
    auto dest = cfg->get(params::mydestination);
    EXPECT_NE(std::find(dest.begin(), dest.end(), "localhost"), dest.end());
    EXPECT_NE(slurp(dir + "/main.conf").find("# smtpd listens on 127.0.0.1:2600 (default 2525)"), std::string::npos);
}

TEST_F(CtlTest, InitWritesTheDefaultServicesAndAliases) {
    init_instance();
    auto services = config::load_services(inst_);
    ASSERT_TRUE(services) << services.error().message;
    std::vector<std::string> names;
    for (const auto& s : *services) names.push_back(s.name);
    EXPECT_EQ(names, (std::vector<std::string>{"pickup", "cleanup", "qmgr", "local", "smtp", "anvil"}));
    std::string text = slurp(inst_ + "/services.conf");
    EXPECT_NE(text.find("127.0.0.1:2600 inet n y n 2 smtpd"), std::string::npos);
    std::string aliases = slurp(inst_ + "/aliases");
    EXPECT_NE(aliases.find("MAILER-DAEMON: postmaster\n"), std::string::npos);
    EXPECT_NE(aliases.find("abuse: postmaster\n"), std::string::npos);
}

TEST_F(CtlTest, InitCreatesQueueLogsAndMaildirs) {
    init_instance();
    for (const char* sub : {"queue/maildrop", "queue/incoming", "queue/active", "queue/deferred", "queue/hold",
                            "queue/corrupt", "queue/pid", "log", "data"})
        EXPECT_TRUE(fs::is_directory(inst_ + "/" + sub)) << sub;
    const std::vector<std::string> users{"postmaster", "alice", "bob", current_identity().name};
    for (const auto& user : users)
        for (const char* sub : {"tmp", "new", "cur"})
            EXPECT_TRUE(fs::is_directory(inst_ + "/mail/" + user + "/" + sub)) << user << "/" << sub;
}

TEST_F(CtlTest, InitRefusesANonEmptyDirectoryUnlessForced) {
    init_instance();
    const std::string before = slurp(inst_ + "/main.conf");
    auto again = run_ctl({"init", inst_, "--user-instance", "--port", "2700"});
    EXPECT_NE(again.code, 0);
    EXPECT_NE(again.err.find(inst_), std::string::npos) << again.err;
    EXPECT_EQ(slurp(inst_ + "/main.conf"), before);
    auto forced = run_ctl({"init", inst_, "--user-instance", "--port", "2700", "--force"});
    EXPECT_EQ(forced.code, 0) << forced.err;
    EXPECT_NE(slurp(inst_ + "/main.conf").find("127.0.0.1:2700"), std::string::npos);
}

TEST_F(CtlTest, InitArgumentErrors) {
    struct Case {
        const char* label;
        std::vector<std::string> args;
    } cases[] = {
        {"no directory", {"init", "--user-instance"}},
        {"system instance", {"init", inst_}},
        {"port 0", {"init", inst_, "--user-instance", "--port", "0"}},
        {"port 65536", {"init", inst_, "--user-instance", "--port", "65536"}},
        {"port not a number", {"init", inst_, "--user-instance", "--port", "smtp"}},
        {"unknown flag", {"init", inst_, "--user-instance", "--quiet"}},
    };
    for (const auto& c : cases) {
        auto r = run_ctl(c.args);
        EXPECT_EQ(r.code, ex::kUsage) << c.label << ": " << r.err;
        EXPECT_FALSE(fs::exists(inst_)) << c.label;
    }
}

TEST_F(CtlTest, InitPrintsWhatItCreated) {
    auto r = run_ctl({"init", inst_, "--user-instance"});
    ASSERT_EQ(r.code, 0);
    const std::string dir = fs::canonical(inst_).string();
    EXPECT_NE(r.out.find("postern-ctl: created " + dir + "/main.conf\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("postern-ctl: created " + dir + "/mail/alice/new/\n"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace postern::ctl::testing
