// Config: main.conf parsed into raw values by parameter index, then expanded
// and validated as a whole, so that get() never fails afterwards.
#include "lib/config/config.hpp"

#include <cstdlib>

#include "lib/base/strings.hpp"
#include "lib/config/config_detail.hpp"

namespace postern::config {
namespace {

constexpr std::string_view kDefaultConfigDir = "/etc/postern";

std::size_t index_of(const ParamInfo* p) { return static_cast<std::size_t>(p - all_params().data()); }

// A handle's index is compiled into every object file that uses it, the
// table into params.cpp: an object compiled against another version of
// params.def (a build that raced an edit of the table) would read another
// parameter's value - 0 or "" once parsed, as smtpd did when the maps rows
// were added. The name decides; the index is only the fast path.
std::size_t row_of(std::size_t index, std::string_view name) {
    auto all = all_params();
    if (index < all.size() && all[index].name == name) return index;
    const ParamInfo* p = find_param(name);
    if (p == nullptr) std::abort();  // a handle for a row no longer in the table: cannot link in a clean build
    return index_of(p);
}

// The -c directory is taken literally, never expanded.
std::string escape_dollars(std::string_view s) {
    std::string out;
    for (char c : s) {
        out += c;
        if (c == '$') out += '$';
    }
    return out;
}

std::vector<std::string> default_raw(const std::string& config_dir) {
    std::vector<std::string> raw;
    for (const auto& p : all_params()) raw.emplace_back(p.default_value);
    raw[detail::k_config_directory] = escape_dollars(config_dir);
    return raw;
}

// Expand everything, then check every value (defaults too) against its row:
// the values set in the file first, so that a bad value is reported at its
// own line rather than through a default that refers to it
// (smtpd_dns_port = $smtp_dns_port).
Result<std::vector<std::string>> resolve(const std::vector<std::string>& raw, const detail::Origin& origin) {
    auto expanded = detail::expand_all(raw, origin);
    if (!expanded) return expanded.error();
    const auto params = all_params();
    for (bool set_in_file : {true, false})
        for (std::size_t i = 0; i < params.size(); ++i) {
            const bool in_file = i < origin.line.size() && origin.line[i] > 0;
            if (in_file != set_in_file) continue;
            auto ok = detail::validate_value(params[i], (*expanded)[i]);
            if (!ok) return make_error(detail::where(origin, i) + ok.error().message);
        }
    return expanded;
}

// One "name = value" logical line into raw/origin.
Status assign(const detail::LogicalLine& l, const std::string& file_name, std::vector<std::string>& raw,
              detail::Origin& origin) {
    const std::string at = file_name + ":" + std::to_string(l.line) + ": ";
    const auto eq = l.text.find('=');
    if (eq == std::string::npos) return make_error(at + "missing '=' after parameter name");
    const auto name = trim(std::string_view(l.text).substr(0, eq));
    if (name.empty()) return make_error(at + "missing parameter name before '='");
    const ParamInfo* p = find_param(name);
    if (p == nullptr) return make_error(at + "unknown parameter \"" + std::string(name) + "\"");
    const auto index = index_of(p);
    if (index == detail::k_config_directory) {
        return make_error(at + "config_directory cannot be set in main.conf (use -c DIR or POSTERN_CONFIG_DIR)");
    }
    // A later definition wins, as in Postfix.
    raw[index] = std::string(trim(std::string_view(l.text).substr(eq + 1)));
    origin.line[index] = l.line;
    return {};
}

}  // namespace

Result<Config> Config::load(const std::string& config_dir) {
    const std::string path = config_dir + "/main.conf";
    auto text = detail::read_config_file(path);
    if (!text) return text.error();
    return parse(*text, path, config_dir);
}

Result<Config> Config::parse(std::string_view text, const std::string& file_name, const std::string& config_dir) {
    auto lines = detail::logical_lines(text, file_name);
    if (!lines) return lines.error();
    Config cfg;
    cfg.raw_ = default_raw(config_dir);
    cfg.set_.assign(cfg.raw_.size(), false);
    detail::Origin origin{file_name, std::vector<int>(cfg.raw_.size(), 0)};
    for (const auto& l : *lines) POSTERN_TRY(assign(l, file_name, cfg.raw_, origin));
    for (std::size_t i = 0; i < cfg.raw_.size(); ++i) cfg.set_[i] = origin.line[i] > 0;
    auto expanded = resolve(cfg.raw_, origin);
    if (!expanded) return expanded.error();
    cfg.expanded_ = std::move(*expanded);
    return cfg;
}

Config Config::defaults(const std::string& config_dir) {
    Config cfg;
    cfg.raw_ = default_raw(config_dir);
    cfg.set_.assign(cfg.raw_.size(), false);
    auto expanded = resolve(cfg.raw_, detail::Origin{"defaults", {}});
    // The table's defaults are checked by a unit test; should one still fail,
    // keep the unexpanded text rather than have no configuration at all.
    cfg.expanded_ = expanded ? std::move(*expanded) : cfg.raw_;
    return cfg;
}

std::string Config::get(Param<Type::String> p) const { return expanded_[row_of(p.index, p.name)]; }

long long Config::get(Param<Type::Int> p) const {
    return static_cast<long long>(parse_int(expanded_[row_of(p.index, p.name)]).value_or(0));
}

bool Config::get(Param<Type::Bool> p) const {
    auto b = parse_bool(expanded_[row_of(p.index, p.name)]);
    return b ? *b : false;
}

std::chrono::seconds Config::get(Param<Type::Time> p) const {
    auto t = parse_time(expanded_[row_of(p.index, p.name)]);
    return t ? *t : std::chrono::seconds{0};
}

std::uint64_t Config::get(Param<Type::Size> p) const {
    auto s = parse_size(expanded_[row_of(p.index, p.name)]);
    return s ? *s : 0;
}

std::vector<std::string> Config::get(Param<Type::List> p) const {
    return split_list(expanded_[row_of(p.index, p.name)]);
}

std::optional<std::string> Config::value(std::string_view name) const {
    const ParamInfo* p = find_param(name);
    if (p == nullptr) return std::nullopt;
    return expanded_[index_of(p)];
}

std::optional<std::string> Config::raw(std::string_view name) const {
    const ParamInfo* p = find_param(name);
    if (p == nullptr || !set_[index_of(p)]) return std::nullopt;
    return raw_[index_of(p)];
}

bool Config::is_set(std::string_view name) const {
    const ParamInfo* p = find_param(name);
    return p != nullptr && set_[index_of(p)];
}

const std::string& Config::config_directory() const { return expanded_[detail::k_config_directory]; }

std::string Config::queue_path(std::string_view sub) const {
    return expanded_[detail::k_queue_directory] + "/" + std::string(sub);
}

Status Config::set(std::string_view name, std::string_view value) {
    const ParamInfo* p = find_param(name);
    if (p == nullptr) return make_error("unknown parameter \"" + std::string(name) + "\"");
    const auto index = index_of(p);
    if (index == detail::k_config_directory) {
        return make_error("config_directory cannot be changed (use -c DIR or POSTERN_CONFIG_DIR)");
    }
    auto raw = raw_;
    raw[index] = std::string(trim(value));
    auto expanded = resolve(raw, detail::Origin{});
    if (!expanded) return expanded.error();
    raw_ = std::move(raw);
    set_[index] = true;
    expanded_ = std::move(*expanded);
    return {};
}

std::string default_config_dir() { return std::string(kDefaultConfigDir); }

std::string resolve_config_dir(const std::optional<std::string>& flag) {
    if (flag && !flag->empty()) return *flag;
    const char* env = std::getenv("POSTERN_CONFIG_DIR");
    if (env != nullptr && *env != '\0') return env;
    return std::string(kDefaultConfigDir);
}

}  // namespace postern::config
