// From sendmail's configuration to postern's: each cf element (and each .mc
// call) becomes a plan item, and the ones postern has a parameter for become
// main.conf settings that carry a comment naming their sendmail line.
// Only parameters that exist in params.def are written; the rest (maps,
// rule sets, options without a postern equivalent) are listed as not
// converted, with the reason.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/result.hpp"
#include "migrate_cf.hpp"
#include "migrate_mc.hpp"
#include "migrate_plan.hpp"

namespace postern::migrate {

struct Setting {
    std::string name;    // main.conf parameter
    std::string value;
    std::string source;  // "sendmail.cf:88: DS[relay.example.test]"
};

// Reads class files (F lines) under root as sendmail would on the host.
struct CfContext {
    std::string root;  // "" for the live host
    std::uint64_t max_file_size = 64u << 20;
};

// Items for every cf element; settings for the convertible ones.
std::vector<Setting> convert_cf(const CfFile& cf, const CfContext& ctx, Plan& plan);
// Items for every .mc call and section (the settings come from the cf).
void describe_mc(const McFile& mc, Plan& plan);
// Rule sets: standard m4-generated ones, and each hand-written rule.
void describe_rules(const CfFile& cf, Plan& plan);

// Replace the postern-migrate block at the end of DIR/main.conf with
// settings (each preceded by its "# from ..." comment), validate the whole
// file with the config parser, and write it atomically.
Status write_settings(const std::string& config_dir, const std::vector<Setting>& settings);

// sendmail time ("5d", "4h30m", "90") in seconds; nullopt if malformed.
std::optional<long long> sendmail_seconds(std::string_view v);

}  // namespace postern::migrate
