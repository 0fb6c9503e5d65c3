// Config: main.conf, read once, validated whole, then immutable.
//
// Syntax (as Postfix admins know it): "name = value" lines; a line starting
// with white space continues the previous one; "#" at line start is a
// comment; blank lines are ignored; a later "name =" wins. Values may use
// $name, ${name}, $(name), ${name?text}, ${name:text} and $$; expansion
// happens at load, recursively, with a depth bound (20), and an unknown $name
// is an error (forward_path keeps $home, $user ... for local to expand).
// Every value is validated against its row in params.def (type and bounds)
// after expansion. Errors name "file:line".
// Unknown parameter names are errors, never silently ignored.
//
// Directory resolution for every program: -c DIR, else $POSTERN_CONFIG_DIR,
// else /etc/postern.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/result.hpp"
#include "lib/config/params.hpp"

namespace postern::config {

class Config {
public:
    // Read DIR/main.conf. A missing file is an error ("DIR/main.conf: No such
    // file or directory"); so is a missing directory.
    static Result<Config> load(const std::string& config_dir);
    // Parse text as if read from file_name (for tests and -e validation).
    static Result<Config> parse(std::string_view text, const std::string& file_name,
                                const std::string& config_dir);
    // Only defaults (plus config_directory).
    static Config defaults(const std::string& config_dir);

    std::string get(Param<Type::String> p) const;
    long long get(Param<Type::Int> p) const;
    bool get(Param<Type::Bool> p) const;
    std::chrono::seconds get(Param<Type::Time> p) const;
    std::uint64_t get(Param<Type::Size> p) const;
    std::vector<std::string> get(Param<Type::List> p) const;

    // Effective (expanded) value by name, as postern-ctl config prints it.
    std::optional<std::string> value(std::string_view name) const;
    // Value as written in main.conf (unexpanded), if set there.
    std::optional<std::string> raw(std::string_view name) const;
    bool is_set(std::string_view name) const;  // set in main.conf

    const std::string& config_directory() const;
    // Convenience: $queue_directory/sub
    std::string queue_path(std::string_view sub) const;

    // Override a value after load (e.g. sendmail -oQ); validates like load.
    Status set(std::string_view name, std::string_view value);

private:
    Config() = default;
    std::vector<std::string> raw_;        // by param index; unexpanded
    std::vector<bool> set_;               // by param index; set in main.conf
    std::vector<std::string> expanded_;   // by param index; validated
};

// -c DIR / POSTERN_CONFIG_DIR / /etc/postern
std::string resolve_config_dir(const std::optional<std::string>& flag);
// The compiled-in default (/etc/postern), where set-gid postdrop reads
// alternate_config_directories.
std::string default_config_dir();

// Parsers shared with validation, exposed for tests.
Result<bool> parse_bool(std::string_view v);                 // yes/no/true/false/1/0 (any case)
Result<std::chrono::seconds> parse_time(std::string_view v); // "300", "300s", "5m", "1h", "5d", "1w"
Result<std::uint64_t> parse_size(std::string_view v);        // bytes; no suffix

// Replace or append "name = value" in DIR/main.conf, keeping comments and
// order; validates the result first; writes atomically. (postern-ctl config -e)
Status edit_main_conf(const std::string& config_dir, std::string_view name, std::string_view value);

}  // namespace postern::config
