// The main.conf and services.conf shipped in conf/ load with the parser that
// will read them, so a default install never starts with a broken file.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "lib/config/config.hpp"
#include "lib/config/services.hpp"

namespace postern::config {
namespace {

// POSTERN_FIXTURES is tests/fixtures of the source tree (set by ctest).
std::string shipped_conf_dir() {
    const char* fixtures = std::getenv("POSTERN_FIXTURES");
    if (fixtures == nullptr) return "";
    return std::string(fixtures) + "/../../conf";
}

TEST(ShippedConf, MainConfLoads) {
    const std::string dir = shipped_conf_dir();
    if (dir.empty() || !std::filesystem::exists(dir + "/main.conf")) GTEST_SKIP() << "no conf/main.conf";
    auto cfg = Config::load(dir);
    EXPECT_TRUE(cfg.ok()) << cfg.error().message;
}

TEST(ShippedConf, ServicesConfLoads) {
    const std::string dir = shipped_conf_dir();
    if (dir.empty() || !std::filesystem::exists(dir + "/services.conf")) GTEST_SKIP() << "no conf/services.conf";
    auto services = load_services(dir);
    ASSERT_TRUE(services.ok()) << services.error().message;
    EXPECT_FALSE(services->empty());
}

}  // namespace
}  // namespace postern::config
