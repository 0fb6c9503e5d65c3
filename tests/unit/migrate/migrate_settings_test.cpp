// Writing converted settings into main.conf: one block, replaced on every
// apply, refused whole when the result would not load.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "lib/config/config.hpp"
#include "migrate/migrate_config.hpp"
#include "tests/unit/common/temp_dir.hpp"

namespace postern::migrate {
namespace {

std::string slurp(const std::string& path) {
    std::ostringstream s;
    s << std::ifstream(path).rdbuf();
    return s.str();
}

TEST(Settings, BlockCarriesTheSourceLineAndIsReplacedOnTheNextApply) {
    testing::TempDir dir;
    std::ofstream(dir.file("main.conf")) << "# mine\nmyhostname = localhost\n";
    ASSERT_TRUE(write_settings(dir.path(), {{"relayhost", "[a.example]", "sendmail.cf:88: DS[a.example]"}}).ok());
    ASSERT_TRUE(write_settings(dir.path(), {{"relayhost", "[b.example]", "sendmail.cf:88: DS[b.example]"},
                                            {"message_size_limit", "2048", "sendmail.cf:179: O MaxMessageSize=2048"}})
                    .ok());
    std::string text = slurp(dir.file("main.conf"));
    EXPECT_EQ(text.find("a.example"), std::string::npos) << text;
    EXPECT_NE(text.find("# mine\nmyhostname = localhost\n"), std::string::npos);
    EXPECT_NE(text.find("# from sendmail.cf:88: DS[b.example]\nrelayhost = [b.example]\n"), std::string::npos);
    auto cfg = config::Config::load(dir.path());
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    EXPECT_EQ(cfg->value("message_size_limit"), "2048");
}

TEST(Settings, AResultThatWouldNotLoadLeavesTheFileAlone) {
    testing::TempDir dir;
    std::ofstream(dir.file("main.conf")) << "myhostname = localhost\n";
    auto st = write_settings(dir.path(), {{"message_size_limit", "12", "sendmail.cf:1: O MaxMessageSize=12"}});
    EXPECT_FALSE(st.ok());
    EXPECT_EQ(slurp(dir.file("main.conf")), "myhostname = localhost\n");
}

}  // namespace
}  // namespace postern::migrate
