// makemap behaviour.
#include "makemap_run.hpp"

#include <unistd.h>

#include <map>

#include "lib/base/sysexits.hpp"
#include "maps/registry.hpp"
#include "maps/source.hpp"

namespace postern::makemap {
namespace {

constexpr std::size_t kMaxInput = std::size_t{1} << 31;
const char* const kTypes[] = {"hash", "btree", "dbm"};

std::string read_all(std::FILE* in, bool& too_big) {
    std::string text;
    char buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, in)) > 0) {
        if (text.size() + n > kMaxInput) {
            too_big = true;
            break;
        }
        text.append(buf, n);
    }
    return text;
}

std::string spec_of(const Options& o) {
    std::string name = o.name;
    if (o.type != "dbm" && name.size() > 3 && name.ends_with(".db")) name.resize(name.size() - 3);
    return o.type + ":" + name;
}

int dump(const Options& o, std::FILE* out, std::FILE* err) {
    auto entries = maps::dump_map(spec_of(o));
    if (!entries) {
        std::fprintf(err, "makemap: %s\n", entries.error().message.c_str());
        return ex::kNoInput;
    }
    for (const auto& e : *entries) std::fprintf(out, "%s\t%s\n", e.key.c_str(), e.value.c_str());
    return ex::kOk;
}

}  // namespace

bool parse_args(int argc, char** argv, Options& o) {
    int c;
    opterr = 0;
    while ((c = getopt(argc, argv, "C:Nc:D:defi:lorst:uv")) != -1) {
        switch (c) {
            case 'N': o.append_nul = true; break;
            case 'D': o.comment = optarg[0]; break;
            case 'e': o.allow_empty = true; break;
            case 'f': o.fold = false; break;
            case 'l': o.list_types = true; break;
            case 'o': o.append = true; break;
            case 'r': o.replace = true; break;
            case 't': o.delimiter = optarg[0]; break;
            case 'u': o.dump = true; break;
            case 'C': case 'c': case 'i': case 's': case 'v': break;  // cf file, cache, safety: not needed
            case 'd':  // duplicate keys need a btree with DB_DUP: not supported
            default: return false;
        }
    }
    if (o.list_types) return true;
    if (argc - optind != 2) return false;
    o.type = argv[optind];
    o.name = argv[optind + 1];
    return true;
}

int run(const Options& o, std::FILE* in, std::FILE* out, std::FILE* err) {
    if (o.list_types) {
        for (const char* t : kTypes) std::fprintf(out, "%s\n", t);
        return ex::kOk;
    }
    if (!maps::is_writable(o.type)) {
        std::fprintf(err, "makemap: Unknown database type %s\n", o.type.c_str());
        return ex::kUsage;
    }
    if (o.dump) return dump(o, out, err);
    bool too_big = false;
    std::string text = read_all(in, too_big);
    if (too_big) {
        std::fprintf(err, "makemap: %s: input larger than %zu bytes\n", o.name.c_str(), kMaxInput);
        return ex::kDataErr;
    }
    maps::SourceOptions so;
    so.continuation = false;
    so.comment = o.comment;
    so.delimiter = o.delimiter;
    so.allow_empty_value = o.allow_empty;
    so.fold_keys = o.fold;
    maps::SourceParse src = maps::parse_source(text, o.name, so);
    int status = ex::kOk;
    for (const std::string& e : src.errors) std::fprintf(err, "makemap: %s\n", e.c_str());
    std::map<std::string, std::string> table;
    if (o.append) {
        if (auto old = maps::dump_map(spec_of(o)); old) {
            for (auto& e : *old) table[e.key] = e.value;
        }
    }
    for (auto& e : src.entries) {
        auto [it, inserted] = table.emplace(e.key, e.value);
        if (inserted) continue;
        if (o.replace) {
            it->second = e.value;
            continue;
        }
        std::fprintf(err, "makemap: %s: line %d: key %s: duplicate key\n", o.name.c_str(), e.line, e.key.c_str());
        status = ex::kDataErr;
    }
    std::vector<maps::Entry> entries;
    for (auto& [k, v] : table) entries.push_back(maps::Entry{k, v});
    maps::BuildOptions bo;
    bo.append_nul = o.append_nul;
    if (Status s = maps::build_map(spec_of(o), entries, bo); !s) {
        std::fprintf(err, "makemap: %s\n", s.error().message.c_str());
        return ex::kCantCreat;
    }
    return status;
}

}  // namespace postern::makemap
