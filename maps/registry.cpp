// The type table, change detection and the generic build/dump/delete.
#include "maps/registry.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <array>

#include "lib/base/log.hpp"
#include "lib/base/safe_file.hpp"
#include "maps/backends.hpp"

namespace postern::maps {
namespace {

const std::array<const MapType*, 9> kTypes{&kHashType,   &kBtreeType,  &kDbmType, &kTexthashType, &kInlineType,
                                           &kStaticType, &kRegexpType, &kNisType, &kLdapType};

struct FileStamp {
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = 0;
    timespec mtime{};
    bool operator==(const FileStamp& o) const {
        return dev == o.dev && ino == o.ino && size == o.size && mtime.tv_sec == o.mtime.tv_sec &&
               mtime.tv_nsec == o.mtime.tv_nsec;
    }
};

std::optional<FileStamp> stamp_of(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return FileStamp{st.st_dev, st.st_ino, st.st_size, st.st_mtim};
}

// Wraps a file table; reopens it when one of its files changed.
class ReopeningMap final : public Map {
public:
    ReopeningMap(std::unique_ptr<Map> inner, MapSpec spec, MapOptions opts, std::vector<std::string> files)
        : Map(inner->spec()), inner_(std::move(inner)), parsed_(std::move(spec)), opts_(std::move(opts)),
          files_(std::move(files)) {
        stamps_ = current();
    }

    Lookup lookup(std::string_view key) override {
        if (Status s = refresh(); !s) return Lookup::temp_fail(s.error().message);
        return inner_->lookup(key);
    }

private:
    std::vector<std::optional<FileStamp>> current() const {
        std::vector<std::optional<FileStamp>> out;
        for (const auto& f : files_) out.push_back(stamp_of(f));
        return out;
    }

    // At most one look at the files per change_check_ms: a stat per lookup
    // was a third of the cost of a hash: lookup (bench/RESULTS.md).
    bool due() {
        if (opts_.change_check_ms <= 0) return true;
        timespec t{};
        ::clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
        long long ms = static_cast<long long>(t.tv_sec) * 1000 + t.tv_nsec / 1000000;
        if (checked_ms_ >= 0 && ms - checked_ms_ < opts_.change_check_ms) return false;
        checked_ms_ = ms;
        return true;
    }

    Status refresh() {
        if (!due()) return {};
        auto now = current();
        for (const auto& s : now) {
            if (!s) return {};  // cannot see the file (chroot, being replaced): keep what is open
        }
        if (now == stamps_) return {};
        auto fresh = find_type(parsed_.type)->open(parsed_, opts_);
        if (!fresh) return fresh.error();
        log::info("%s: table changed, reopened", spec().c_str());
        inner_ = std::move(*fresh);
        stamps_ = std::move(now);
        return {};
    }

    std::unique_ptr<Map> inner_;
    MapSpec parsed_;
    MapOptions opts_;
    std::vector<std::string> files_;
    std::vector<std::optional<FileStamp>> stamps_;
    long long checked_ms_ = -1;
};

Result<const MapType*> type_of(std::string_view spec, MapSpec& parsed) {
    auto p = parse_spec(spec);
    if (!p) return p.error();
    parsed = std::move(*p);
    const MapType* t = find_type(parsed.type);
    if (t == nullptr) return make_error(std::string(spec) + ": unsupported map type \"" + parsed.type + "\"");
    return t;
}

}  // namespace

Result<MapSpec> parse_spec(std::string_view spec) {
    auto colon = spec.find(':');
    if (colon == std::string_view::npos || colon == 0) {
        return make_error(std::string(spec) + ": expected type:name (e.g. hash:/etc/postern/virtual)");
    }
    return MapSpec{std::string(spec.substr(0, colon)), std::string(spec.substr(colon + 1))};
}

const MapType* find_type(std::string_view name) {
    for (const MapType* t : kTypes) {
        if (t->name == name) return t;
    }
    return nullptr;
}

bool is_writable(std::string_view type) {
    const MapType* t = find_type(type);
    return t != nullptr && t->build != nullptr;
}

Result<std::unique_ptr<Map>> open_map(std::string_view spec, const MapOptions& opts) {
    MapSpec parsed;
    auto type = type_of(spec, parsed);
    if (!type) return type.error();
    auto map = (*type)->open(parsed, opts);
    if (!map || (*type)->files_of == nullptr) return map;
    auto files = (*type)->files_of(parsed.name);
    return std::unique_ptr<Map>(new ReopeningMap(std::move(*map), std::move(parsed), opts, std::move(files)));
}

Status build_map(std::string_view spec, const std::vector<Entry>& entries, const BuildOptions& opts) {
    MapSpec parsed;
    auto type = type_of(spec, parsed);
    if (!type) return type.error();
    if ((*type)->build == nullptr) return make_error(std::string(spec) + ": map type is not writable");
    return (*type)->build(parsed.name, entries, opts);
}

Result<std::vector<Entry>> dump_raw(std::string_view spec) {
    MapSpec parsed;
    auto type = type_of(spec, parsed);
    if (!type) return type.error();
    if ((*type)->dump == nullptr) return make_error(std::string(spec) + ": map type cannot be listed");
    auto raw = (*type)->dump(parsed.name);
    if (!raw) return make_error(std::string(spec) + ": " + raw.error().message, raw.error().sys_errno);
    return raw;
}

Result<std::vector<Entry>> dump_map(std::string_view spec, const MapOptions&) {
    auto raw = dump_raw(spec);
    if (!raw) return raw.error();
    for (Entry& e : *raw) {
        e.key = std::string(strip_nul(e.key));
        e.value = std::string(strip_nul(e.value));
    }
    return raw;
}

Result<bool> delete_key(std::string_view spec, std::string_view key, const MapOptions&) {
    auto raw = dump_raw(spec);
    if (!raw) return raw.error();
    BuildOptions bo;
    bo.append_nul = raw->empty() || (!raw->front().key.empty() && raw->front().key.back() == '\0');
    std::vector<Entry> kept;
    bool removed = false;
    for (Entry& e : *raw) {
        Entry plain{std::string(strip_nul(e.key)), std::string(strip_nul(e.value))};
        if (plain.key == key) removed = true;
        else kept.push_back(std::move(plain));
    }
    if (!removed) return false;
    POSTERN_TRY(build_map(spec, kept, bo));
    return true;
}

std::string temp_name_for(const std::string& final_path) {
    return final_path + ".tmp." + std::to_string(::getpid());
}

mode_t mode_to_keep(const std::string& path, mode_t fallback) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) return st.st_mode & 07777;
    return fallback;
}

Status fsync_path(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd.valid()) return errno_error(path);
    if (::fsync(fd.get()) != 0) return errno_error(path + ": fsync");
    return {};
}

}  // namespace postern::maps
