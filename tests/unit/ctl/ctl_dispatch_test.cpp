// postern-ctl's command line: the table, usage errors, -c and POSTERN_CONFIG_DIR.
#include <stdlib.h>

#include "ctl_test_support.hpp"
#include "lib/base/sysexits.hpp"

namespace postern::ctl::testing {
namespace {

TEST(CtlDispatch, TableHasEveryCommand) {
    for (const char* name : {"init", "start", "stop", "reload", "status", "config", "setup-system"}) {
        const Command* c = find_command(name);
        ASSERT_NE(c, nullptr) << name;
        EXPECT_EQ(c->name, name);
    }
    EXPECT_EQ(find_command("restart"), nullptr);
}

TEST(CtlDispatch, UsageErrors) {
    struct Case {
        const char* label;
        std::vector<std::string> args;
    } cases[] = {
        {"no command", {}},
        {"unknown command", {"frobnicate"}},
        {"unknown option", {"-x", "status"}},
        {"-c without a directory", {"-c"}},
    };
    for (const auto& c : cases) {
        auto r = run_ctl(c.args);
        EXPECT_EQ(r.code, ex::kUsage) << c.label;
        EXPECT_NE(r.err.find("usage: postern-ctl"), std::string::npos) << c.label;
    }
}

TEST(CtlDispatch, UnknownCommandIsNamed) {
    auto r = run_ctl({"frobnicate"});
    EXPECT_NE(r.err.find("postern-ctl: unknown command \"frobnicate\""), std::string::npos) << r.err;
}

TEST(CtlDispatch, ExtraArgumentsToSimpleCommandsAreRefused) {
    for (const char* cmd : {"start", "stop", "reload", "status"}) EXPECT_EQ(run_ctl({cmd, "now"}).code, ex::kUsage) << cmd;
}

TEST_F(CtlTest, StatusOfAStoppedInstanceIsNotRunning) {
    init_instance();
    auto r = run_ctl({"-c", inst_, "status"});
    EXPECT_EQ(r.code, kNotRunning);
    EXPECT_EQ(r.out, "postern-ctl: the mail system is not running\n");
    EXPECT_EQ(run_ctl({"-c", inst_, "stop"}).code, kNotRunning);
    EXPECT_EQ(run_ctl({"-c", inst_, "reload"}).code, kNotRunning);
}

TEST_F(CtlTest, ConfigDirectoryComesFromTheEnvironmentWithoutC) {
    init_instance();
    ::setenv("POSTERN_CONFIG_DIR", inst_.c_str(), 1);
    auto r = run_ctl({"config", "queue_directory"});
    ::unsetenv("POSTERN_CONFIG_DIR");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "queue_directory = " + std::filesystem::canonical(inst_).string() + "/queue\n");
}

TEST_F(CtlTest, MissingConfigIsAConfigErrorNamingTheFile) {
    auto r = run_ctl({"-c", tmp_ + "/nowhere", "status"});
    EXPECT_EQ(r.code, ex::kConfig);
    EXPECT_NE(r.err.find(tmp_ + "/nowhere/main.conf"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace postern::ctl::testing
