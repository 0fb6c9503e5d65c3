// newaliases (see the header).
#include "sendmail_newaliases.hpp"

#include <algorithm>
#include <string_view>

#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"
#include "lib/base/sysexits.hpp"
#include "lib/resolve/resolve_aliases.hpp"
#include "maps/registry.hpp"

namespace postern::sendmail {
namespace {

bool needs_quotes(std::string_view t) {
    if (t.find('"') != std::string_view::npos) return false;  // already carries its own quoting
    return t.find_first_of(", \t") != std::string_view::npos;
}

struct Summary {
    std::size_t count = 0, longest = 0, total = 0;
};

// Parse PATH and build SPEC; returns an exit code.
int build_one(const maps::MapSpec& spec, const std::string& program, std::FILE* out, std::FILE* err,
              std::size_t max_entry, std::uint64_t max_file) {
    auto text = read_file(spec.name, static_cast<std::size_t>(max_file));
    if (!text) {
        std::fprintf(err, "%s: cannot open %s: %s\n", program.c_str(), spec.name.c_str(), text.error().message.c_str());
        return ex::kNoInput;
    }
    auto parsed = resolve::parse_aliases(*text, spec.name, max_entry);
    for (const auto& w : parsed.warnings) std::fprintf(err, "%s: warning: %s\n", program.c_str(), w.c_str());
    std::vector<maps::Entry> entries;
    Summary sum;
    for (const auto& [name, entry] : parsed.table.entries) {
        std::string value = alias_value(entry.targets);
        sum.count++;
        sum.longest = std::max(sum.longest, value.size());
        sum.total += value.size();
        entries.push_back(maps::Entry{name, std::move(value)});
    }
    for (const char* must : {"postmaster", "mailer-daemon"})
        if (!parsed.table.find(must))
            std::fprintf(err, "%s: warning: %s: no alias for %s\n", program.c_str(), spec.name.c_str(),
                         must[0] == 'p' ? "postmaster" : "MAILER-DAEMON");
    entries.push_back(maps::Entry{"@", "@"});  // sendmail's "database complete" sentinel
    maps::BuildOptions opts;
    opts.append_nul = true;
    opts.mode = 0640;
    if (Status st = maps::build_map(spec.type + ":" + spec.name, entries, opts); !st) {
        std::fprintf(err, "%s: cannot build %s:%s: %s\n", program.c_str(), spec.type.c_str(), spec.name.c_str(),
                     st.error().message.c_str());
        return ex::kCantCreat;
    }
    std::fprintf(out, "%s: %zu aliases, longest %zu bytes, %zu bytes total\n", spec.name.c_str(), sum.count,
                 sum.longest, sum.total);
    return ex::kOk;
}

}  // namespace

std::string alias_value(const std::vector<std::string>& targets) {
    std::vector<std::string> parts;
    for (const auto& t : targets) {
        if (!needs_quotes(t)) {
            parts.push_back(t);
            continue;
        }
        std::string q = "\"";
        for (char c : t) {
            if (c == '\\') q += '\\';
            q += c;
        }
        parts.push_back(q + "\"");
    }
    return join(parts, ", ");
}

int rebuild_aliases(const std::vector<std::string>& alias_maps, const std::string& program, std::FILE* out,
                    std::FILE* err, std::size_t max_entry, std::uint64_t max_file) {
    int rc = ex::kOk;
    bool built = false;
    for (const auto& map : alias_maps) {
        auto spec = maps::parse_spec(map);
        if (!spec) {
            std::fprintf(err, "%s: %s\n", program.c_str(), spec.error().message.c_str());
            if (rc == ex::kOk) rc = ex::kConfig;
            continue;
        }
        std::string type = lowercase(spec->type);
        if (type != "hash" && type != "btree" && type != "dbm") continue;  // nothing to build
        spec->type = type;
        built = true;
        int one = build_one(*spec, program, out, err, max_entry, max_file);
        if (rc == ex::kOk) rc = one;
    }
    if (!built && rc == ex::kOk)
        std::fprintf(out, "%s: alias_maps has no hash:, btree: or dbm: tables; nothing to rebuild\n",
                     program.c_str());
    return rc;
}

int rebuild_aliases(const config::Config& cfg, const std::string& program) {
    namespace p = config::params;
    return rebuild_aliases(cfg.get(p::alias_maps), program, stdout, stderr,
                           static_cast<std::size_t>(cfg.get(p::alias_entry_length_limit)),
                           cfg.get(p::alias_file_size_limit));
}

}  // namespace postern::sendmail
