// services.conf parser: one logical line per service, seven or more fields.
// Every field is checked here so master never starts a half-understood
// service table.
#include "lib/config/services.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <utility>

#include "lib/base/strings.hpp"
#include "lib/config/config_detail.hpp"
#include "lib/config/params.hpp"

namespace postern::config {
namespace {

constexpr std::size_t kFixedFields = 7;  // name type private unpriv chroot maxproc command
// Longest service name: a UNIX socket path must fit in sockaddr_un (108
// bytes) together with the queue directory, so keep names short.
constexpr std::size_t kMaxServiceName = 64;

struct Field {
    std::string_view name;
    bool default_value;
    bool ServiceEntry::*member;
};

constexpr std::array<Field, 3> kFlags{{
    {"private", true, &ServiceEntry::is_private},
    {"unpriv", true, &ServiceEntry::unprivileged},
    {"chroot", false, &ServiceEntry::chroot},
}};

Status parse_flag(std::string_view v, const Field& f, ServiceEntry& e) {
    if (v == "-") {
        e.*f.member = f.default_value;
    } else if (v == "y") {
        e.*f.member = true;
    } else if (v == "n") {
        e.*f.member = false;
    } else {
        return make_error(std::string(f.name) + ": bad value \"" + std::string(v) + "\" (want y, n or -)");
    }
    return {};
}

Status parse_max_proc(std::string_view v, ServiceEntry& e) {
    if (v == "-") {
        e.max_proc = 0;
        return {};
    }
    // The same ceiling as default_process_limit, so the table has one limit.
    const ParamInfo* limit = find_param("default_process_limit");
    const auto n = parse_int(v);
    if (!n || *n < 1 || *n > limit->max) {
        return make_error("maxproc: bad value \"" + std::string(v) + "\" (want - or 1.." +
                          std::to_string(limit->max) + ")");
    }
    e.max_proc = static_cast<int>(*n);
    return {};
}

Status check_unix_name(std::string_view name) {
    const bool ok = !name.empty() && name.size() <= kMaxServiceName && name != "." && name != ".." &&
                    std::all_of(name.begin(), name.end(), [](char c) {
                        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                               c == '-' || c == '_' || c == '.';
                    });
    if (!ok) return make_error("bad unix service name \"" + std::string(name) + "\" (letters, digits, - _ .)");
    return {};
}

// [host:]port, host may be [v6-address]; port 1-65535.
Status check_inet_name(std::string_view name) {
    const auto colon = name.rfind(':');
    const auto port = colon == std::string_view::npos ? name : name.substr(colon + 1);
    const auto host = colon == std::string_view::npos ? std::string_view() : name.substr(0, colon);
    const auto n = parse_int(port);
    const bool port_ok = n && *n >= 1 && *n <= 65535 && port.front() != '+';
    const bool v6 = host.find(':') != std::string_view::npos;
    const bool host_ok = name.size() <= kMaxServiceName &&
                         (!v6 || (host.front() == '[' && host.back() == ']'));
    if (!port_ok || !host_ok) {
        return make_error("bad inet service name \"" + std::string(name) + "\" (want [host:]port, port 1-65535)");
    }
    return {};
}

Result<ServiceEntry> parse_entry(const std::vector<std::string>& f, int line) {
    if (f.size() < kFixedFields) {
        return make_error("expected at least 7 fields (service type private unpriv chroot maxproc command), got " +
                          std::to_string(f.size()));
    }
    ServiceEntry e;
    e.name = f[0];
    e.line = line;
    if (f[1] == "unix") {
        e.kind = ServiceEntry::Kind::Unix;
        POSTERN_TRY(check_unix_name(e.name));
    } else if (f[1] == "inet") {
        e.kind = ServiceEntry::Kind::Inet;
        POSTERN_TRY(check_inet_name(e.name));
    } else {
        return make_error("bad service type \"" + f[1] + "\" (want unix or inet)");
    }
    for (std::size_t i = 0; i < kFlags.size(); ++i) POSTERN_TRY(parse_flag(f[2 + i], kFlags[i], e));
    POSTERN_TRY(parse_max_proc(f[5], e));
    e.command = f[6];
    e.args.assign(f.begin() + static_cast<std::ptrdiff_t>(kFixedFields), f.end());
    return e;
}

}  // namespace

Result<std::vector<ServiceEntry>> parse_services(std::string_view text, const std::string& file_name) {
    auto lines = detail::logical_lines(text, file_name);
    if (!lines) return lines.error();
    std::vector<ServiceEntry> out;
    std::map<std::pair<std::string, ServiceEntry::Kind>, int> seen;  // name/type -> line
    for (const auto& l : *lines) {
        const std::string at = file_name + ":" + std::to_string(l.line) + ": ";
        auto e = parse_entry(split_list(l.text, " \t\r"), l.line);
        if (!e) return make_error(at + e.error().message);
        const auto [it, fresh] = seen.emplace(std::make_pair(e->name, e->kind), l.line);
        if (!fresh) {
            return make_error(at + "duplicate service \"" + e->name + "\" of type " +
                              (e->kind == ServiceEntry::Kind::Inet ? "inet" : "unix") +
                              " (first defined at line " + std::to_string(it->second) + ")");
        }
        out.push_back(std::move(*e));
    }
    return out;
}

Result<std::vector<ServiceEntry>> load_services(const std::string& config_dir) {
    const std::string path = config_dir + "/services.conf";
    auto text = detail::read_config_file(path);
    if (!text) return text.error();
    return parse_services(*text, path);
}

}  // namespace postern::config
