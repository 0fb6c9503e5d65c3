// The parameter table itself: every row documented, every default valid
// within its own bounds, lookups by name.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "lib/config/config.hpp"
#include "lib/config/config_detail.hpp"
#include "lib/config/params.hpp"

namespace postern::config {
namespace {

bool is_bounded(Type t) { return t == Type::Int || t == Type::Time || t == Type::Size; }

TEST(ParamsTable, EveryRowHasADescriptionUsersAndUniqueName) {
    std::set<std::string_view> names;
    for (const auto& p : all_params()) {
        SCOPED_TRACE(std::string(p.name));
        EXPECT_FALSE(p.description.empty());
        EXPECT_EQ(p.description.back(), '.') << "descriptions are sentences";
        EXPECT_FALSE(p.users.empty());
        EXPECT_TRUE(names.insert(p.name).second) << "declared twice";
    }
    EXPECT_EQ(all_params().size(), static_cast<std::size_t>(detail::kParamCount));
}

TEST(ParamsTable, EveryDefaultValidatesWithinItsBounds) {
    const Config cfg = Config::defaults("/nonexistent/postern");
    for (const auto& p : all_params()) {
        SCOPED_TRACE(std::string(p.name));
        if (is_bounded(p.type)) {
            EXPECT_LE(p.min, p.max);
        }
        const auto v = cfg.value(p.name);
        ASSERT_TRUE(v.has_value());
        auto ok = detail::validate_value(p, *v);
        EXPECT_TRUE(ok.ok()) << (ok.ok() ? "" : ok.error().message);
    }
}

TEST(ParamsTable, DefaultsLoadFromAnEmptyMainConf) {
    auto cfg = Config::parse("", "main.conf", "/etc/postern");
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    EXPECT_EQ(cfg->get(params::line_length_limit), 2048);
    EXPECT_EQ(cfg->get(params::message_size_limit), 10240000u);
    EXPECT_EQ(cfg->get(params::maximal_queue_lifetime), std::chrono::seconds{5 * 86400});
    EXPECT_FALSE(cfg->get(params::user_instance));
    EXPECT_EQ(cfg->get(params::config_directory), "/etc/postern");
}

TEST(ParamsTable, HandleIndexMatchesRowName) {
    EXPECT_EQ(all_params()[params::queue_directory.index].name, "queue_directory");
    EXPECT_EQ(all_params()[params::maillog_file.index].name, "maillog_file");
}

TEST(ParamsTable, FindParamByName) {
    const ParamInfo* p = find_param("line_length_limit");
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->type, Type::Int);
    EXPECT_EQ(p->min, 512);
    EXPECT_EQ(find_param("no_such_parameter"), nullptr);
    EXPECT_EQ(find_param(""), nullptr);
}

TEST(ParamsTable, TypeNamesAreDistinct) {
    std::set<std::string_view> seen;
    for (Type t : {Type::String, Type::Int, Type::Bool, Type::Time, Type::Size, Type::List}) {
        EXPECT_TRUE(seen.insert(type_name(t)).second);
    }
    EXPECT_EQ(type_name(Type::Time), "time");
}

TEST(ParamsTable, BuildDirectoriesComeFromCMake) {
    const Config cfg = Config::defaults("/x");
    EXPECT_EQ(cfg.get(params::daemon_directory), POSTERN_DAEMON_DIR);
    EXPECT_EQ(cfg.get(params::command_directory), POSTERN_COMMAND_DIR);
}

}  // namespace
}  // namespace postern::config
