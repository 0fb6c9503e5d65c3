// postern-ctl setup-system: the dry run tells the plan and changes nothing;
// a real run needs root.
#include <unistd.h>

#include "ctl_test_support.hpp"
#include "lib/base/sysexits.hpp"

namespace postern::ctl::testing {
namespace {

namespace fs = std::filesystem;

TEST_F(CtlTest, SetupSystemDryRunPrintsThePlanAndChangesNothing) {
    const std::string conf = tmp_ + "/etc";
    const std::string queue = tmp_ + "/spool";
    fs::create_directories(conf);
    std::ofstream(conf + "/main.conf") << "queue_directory = " << queue << "\ncommand_directory = " << tmp_ << "\n";
    auto r = run_ctl({"-c", conf, "setup-system", "--dry-run"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("postern-ctl: would write the default " + conf + "/services.conf\n"), std::string::npos)
        << r.out;
    EXPECT_EQ(r.out.find("would write the default " + conf + "/main.conf"), std::string::npos)
        << "an existing main.conf is kept";
    EXPECT_NE(r.out.find("would create the queue layout in " + queue), std::string::npos);
    EXPECT_NE(r.out.find("maildrop/ postern:postdrop 1770"), std::string::npos);
    EXPECT_NE(r.out.find("public/ postern:postdrop 0710"), std::string::npos);
    EXPECT_NE(r.out.find("skip " + tmp_ + "/postdrop: not installed"), std::string::npos);
    EXPECT_EQ(r.out.find("sendmail"), std::string::npos) << "never touches sendmail";
    EXPECT_FALSE(fs::exists(queue));
    EXPECT_FALSE(fs::exists(conf + "/services.conf"));
}

TEST_F(CtlTest, SetupSystemNeedsRoot) {
    if (::geteuid() == 0) GTEST_SKIP() << "runs as root";
    auto r = run_ctl({"-c", tmp_, "setup-system"});
    EXPECT_EQ(r.code, ex::kNoPerm);
    EXPECT_EQ(r.err, "postern-ctl: setup-system must be run as root\n");
}

TEST_F(CtlTest, SetupSystemRejectsUnknownArguments) {
    EXPECT_EQ(run_ctl({"-c", tmp_, "setup-system", "--now"}).code, ex::kUsage);
}

}  // namespace
}  // namespace postern::ctl::testing
