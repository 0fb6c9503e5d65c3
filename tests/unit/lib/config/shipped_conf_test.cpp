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

std::string shipped_conf_dir() { return std::string(POSTERN_SOURCE_DIR) + "/conf"; }

TEST(ShippedConf, MainConfLoads) {
    const std::string dir = shipped_conf_dir();
    auto cfg = Config::load(dir);
    EXPECT_TRUE(cfg.ok()) << cfg.error().message;
}

TEST(ShippedConf, ServicesConfLoads) {
    const std::string dir = shipped_conf_dir();
    auto services = load_services(dir);
    ASSERT_TRUE(services.ok()) << services.error().message;
    EXPECT_FALSE(services->empty());
}

}  // namespace
}  // namespace postern::config
