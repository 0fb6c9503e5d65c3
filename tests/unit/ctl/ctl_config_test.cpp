// postern-ctl config: queries and all-or-nothing edits.
#include "ctl_test_support.hpp"
#include "lib/base/sysexits.hpp"

namespace postern::ctl::testing {
namespace {

TEST_F(CtlTest, ConfigPrintsEverythingSortedByName) {
    init_instance();
    auto r = run_ctl({"-c", inst_, "config"});
    ASSERT_EQ(r.code, 0) << r.err;
    std::vector<std::string> names;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) names.push_back(line.substr(0, line.find(" = ")));
    EXPECT_EQ(names.size(), config::all_params().size());
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
}

TEST_F(CtlTest, ConfigNonDefaultAndDefaults) {
    init_instance();
    auto n = run_ctl({"-c", inst_, "config", "-n"});
    EXPECT_NE(n.out.find("user_instance = yes\n"), std::string::npos);
    EXPECT_NE(n.out.find("alias_maps = texthash:$config_directory/aliases\n"), std::string::npos) << "as written";
    EXPECT_EQ(n.out.find("hopcount_limit"), std::string::npos);
    auto d = run_ctl({"-c", inst_, "config", "-d", "user_instance", "line_length_limit"});
    EXPECT_EQ(d.out, "user_instance = no\nline_length_limit = 2048\n");
}

TEST_F(CtlTest, ConfigUnknownNameIsAnError) {
    init_instance();
    auto r = run_ctl({"-c", inst_, "config", "queue_directory", "no_such_parameter"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "postern-ctl: unknown parameter: no_such_parameter\n");
}

TEST_F(CtlTest, ConfigEditRefusalLeavesTheFileUnchanged) {
    init_instance();
    const std::string path = inst_ + "/main.conf";
    const std::string before = slurp(path);
    struct Case {
        const char* label;
        std::vector<std::string> edits;
    } cases[] = {
        {"below the minimum", {"line_length_limit=511"}},
        {"unknown name", {"bogus=1"}},
        {"not NAME=VALUE", {"line_length_limit"}},
        {"good then bad", {"line_length_limit=4096", "message_size_limit=lots"}},
    };
    for (const auto& c : cases) {
        std::vector<std::string> args{"-c", inst_, "config", "-e"};
        args.insert(args.end(), c.edits.begin(), c.edits.end());
        auto r = run_ctl(args);
        EXPECT_EQ(r.code, ex::kConfig) << c.label;
        EXPECT_NE(r.err.find("postern-ctl: "), std::string::npos) << c.label;
        EXPECT_EQ(r.err.find("postern-ctl."), std::string::npos) << "no scratch path leaks: " << r.err;
        EXPECT_EQ(slurp(path), before) << c.label;
    }
    auto bad = run_ctl({"-c", inst_, "config", "-e", "line_length_limit=511"});
    EXPECT_NE(bad.err.find(inst_ + "/main.conf:"), std::string::npos) << bad.err;
}

TEST_F(CtlTest, ConfigEditAppliesEveryAssignment) {
    init_instance();
    auto r = run_ctl({"-c", inst_, "config", "-e", "line_length_limit=4096", "queue_run_delay = 1s"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(run_ctl({"-c", inst_, "config", "line_length_limit", "queue_run_delay"}).out,
              "line_length_limit = 4096\nqueue_run_delay = 1s\n");
}

TEST_F(CtlTest, ConfigFlagsAreExclusive) {
    init_instance();
    EXPECT_EQ(run_ctl({"-c", inst_, "config", "-n", "-d"}).code, ex::kUsage);
    EXPECT_EQ(run_ctl({"-c", inst_, "config", "-e"}).code, ex::kUsage);
}

}  // namespace
}  // namespace postern::ctl::testing
