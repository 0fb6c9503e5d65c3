// postern-ctl config: print effective (default), non-default (-n) or
// default (-d) parameter values; change them (-e NAME=VALUE ...), all or
// nothing.
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "ctl.hpp"
#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"
#include "lib/base/sysexits.hpp"

namespace postern::ctl {
namespace {

// main.conf is read whole by the config module, which bounds it at 1 MiB.
constexpr std::size_t kMaxMainConfBytes = 1024 * 1024;

enum class Mode { Effective, NonDefault, Defaults, Edit };

struct ConfigArgs {
    Mode mode = Mode::Effective;
    std::vector<std::string> rest;
};

Result<ConfigArgs> parse_config_args(const std::vector<std::string>& args) {
    ConfigArgs c;
    static const std::pair<std::string_view, Mode> kFlags[] = {
        {"-n", Mode::NonDefault}, {"-d", Mode::Defaults}, {"-e", Mode::Edit}};
    for (const auto& a : args) {
        auto flag = std::find_if(std::begin(kFlags), std::end(kFlags), [&](const auto& f) { return f.first == a; });
        if (flag == std::end(kFlags)) {
            if (!a.empty() && a.front() == '-') return make_error("config: unknown option " + a);
            c.rest.push_back(a);
        } else if (c.mode != Mode::Effective) {
            return make_error("usage: postern-ctl config [-n|-d] [NAME...] | -e NAME=VALUE...");
        } else {
            c.mode = flag->second;
        }
    }
    return c;
}

std::vector<std::string> all_names() {
    std::vector<std::string> names;
    for (const auto& p : config::all_params()) names.emplace_back(p.name);
    std::sort(names.begin(), names.end());
    return names;
}

int print_values(Invocation& inv, const ConfigArgs& c) {
    for (const auto& n : c.rest)
        if (config::find_param(n) == nullptr) return inv.fail(1, "unknown parameter: " + n);
    auto cfg = c.mode == Mode::Defaults ? Result<config::Config>(config::Config::defaults(inv.config_dir()))
                                        : inv.load_config();
    if (!cfg) return inv.fail(ex::kConfig, cfg.error().message);
    const auto names = c.rest.empty() ? all_names() : c.rest;
    for (const auto& n : names) {
        if (c.mode == Mode::NonDefault) {
            if (auto raw = cfg->raw(n)) inv.out << n << " = " << *raw << "\n";
        } else if (auto v = cfg->value(n)) {
            inv.out << n << " = " << *v << "\n";
        }
    }
    return ex::kOk;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
        s.replace(pos, from.size(), to);
    return s;
}

// Apply every edit to a scratch copy first; only a copy that took all of
// them replaces main.conf (atomically), so a bad NAME=VALUE changes nothing.
Status edit_all(const std::string& dir, const std::vector<std::string>& assignments) {
    const std::string path = dir + "/main.conf";
    auto text = read_file(path, kMaxMainConfBytes);
    if (!text) return text.error();
    std::string scratch_template = std::filesystem::temp_directory_path().string() + "/postern-ctl.XXXXXX";
    if (::mkdtemp(scratch_template.data()) == nullptr) return errno_error("mkdtemp");
    const std::string scratch = scratch_template;
    auto cleanup = [&] { std::filesystem::remove_all(scratch); };
    Status st = write_file_atomic(scratch + "/main.conf", *text, 0600);
    for (std::size_t i = 0; st && i < assignments.size(); ++i) {
        auto eq = assignments[i].find('=');
        if (eq == std::string::npos) {
            st = make_error("config -e: want NAME=VALUE, not \"" + assignments[i] + "\"");
            break;
        }
        st = config::edit_main_conf(scratch, trim(assignments[i].substr(0, eq)), trim(assignments[i].substr(eq + 1)));
    }
    Result<std::string> edited = st ? read_file(scratch + "/main.conf", kMaxMainConfBytes) : Result<std::string>(st.error());
    cleanup();
    if (!edited) return make_error(replace_all(edited.error().message, scratch, dir));
    struct stat sb {};
    mode_t mode = ::stat(path.c_str(), &sb) == 0 ? (sb.st_mode & 07777) : 0644;
    return write_file_atomic(path, *edited, mode);
}

}  // namespace

int cmd_config(Invocation& inv) {
    auto args = parse_config_args(inv.args);
    if (!args) return inv.fail(ex::kUsage, args.error().message);
    if (args->mode != Mode::Edit) return print_values(inv, *args);
    if (args->rest.empty()) return inv.fail(ex::kUsage, "usage: postern-ctl config -e NAME=VALUE...");
    if (auto st = edit_all(inv.config_dir(), args->rest); !st) return inv.fail(ex::kConfig, st.error().message);
    return ex::kOk;
}

}  // namespace postern::ctl
