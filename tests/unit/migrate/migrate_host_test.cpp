// plan and apply on a small sendmail tree under --root, into a scratch
// postern configuration: exit status, main.conf block, bounds.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "lib/base/sysexits.hpp"
#include "lib/config/config.hpp"
#include "lib/queue/queue_dir.hpp"
#include "migrate/migrate_host.hpp"
#include "tests/unit/common/temp_dir.hpp"

namespace postern::migrate {
namespace {

namespace fs = std::filesystem;

struct Tree {
    testing::TempDir tmp;
    std::string root = tmp.file("root"), conf = tmp.file("conf");
    explicit Tree(const std::string& cf, const std::string& extra_conf = "") {
        fs::create_directories(root + "/etc/mail");
        fs::create_directories(root + "/var/spool/mqueue");
        fs::create_directories(conf);
        std::ofstream(root + "/etc/mail/sendmail.cf") << cf;
        std::ofstream(conf + "/main.conf") << "queue_directory = " << tmp.file("queue") << "\n"
                                           << "data_directory = " << tmp.file("data") << "\n" << extra_conf;
        EXPECT_TRUE(queue::QueueDir::create_layout(tmp.file("queue")).ok());
    }
    HostRun run(bool apply) { return run_host(HostOptions{root, conf, apply}); }
};

TEST(Host, NothingForAHumanExitsZeroAndApplyWritesTheBlock) {
    Tree t("V10\nDS[relay.example.test]\nO MaxMessageSize=2048000\nO QueueDirectory=/var/spool/mqueue\n");
    auto plan = t.run(false);
    EXPECT_EQ(plan.exit_code, 0) << plan.plan.render();
    auto applied = t.run(true);
    EXPECT_EQ(applied.exit_code, 0) << applied.error;
    auto cfg = config::Config::load(t.conf);
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    EXPECT_EQ(cfg->value("relayhost"), "[relay.example.test]");
    EXPECT_EQ(cfg->value("message_size_limit"), "2048000");
    EXPECT_TRUE(fs::is_directory(t.tmp.file("data")));
}

TEST(Host, AnythingNotConvertedExitsOne) {
    Tree t("V10\nO SomeOption=1\n");
    EXPECT_EQ(t.run(false).exit_code, 1);
}

TEST(Host, MissingCfIsNoInput) {
    Tree t("");
    fs::remove(t.root + "/etc/mail/sendmail.cf");
    auto r = t.run(false);
    EXPECT_EQ(r.exit_code, ex::kNoInput);
    EXPECT_NE(r.error.find("sendmail.cf"), std::string::npos);
}

TEST(Host, CfLargerThanMigrateFileSizeLimitIsRefused) {
    std::string cf = "V10\n# " + std::string(4096, 'x') + "\n";
    Tree over(cf.substr(0, 4097), "migrate_file_size_limit = 4096\n");  // limit + 1
    EXPECT_EQ(over.run(false).exit_code, ex::kNoInput);
    Tree at(cf.substr(0, 4095) + "\n", "migrate_file_size_limit = 4096\n");
    EXPECT_NE(at.run(false).exit_code, ex::kNoInput);
}

TEST(Host, ApplyWithoutAPosternConfigurationIsAConfigError) {
    Tree t("V10\n");
    fs::remove(t.conf + "/main.conf");
    EXPECT_EQ(t.run(true).exit_code, ex::kConfig);
}

}  // namespace
}  // namespace postern::migrate
