// The queue directory: creating, committing, moving and listing queue files
// (contract in queue_dir.hpp). Renames and directory fsyncs go through
// FileOps so tests can fail each of them.
#include "lib/queue/queue_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <random>

#include "lib/base/log.hpp"
#include "lib/base/safe_file.hpp"
#include "lib/queue/queue_id.hpp"

namespace postern::queue {
namespace {

constexpr int kCreateAttempts = 100;
constexpr std::string_view kTempPrefix = ".t";
constexpr mode_t kDirMode = 0700;

bool exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 || errno != ENOENT;
}

// Random, and different in each forked child even if the engine state was
// inherited: O_EXCL makes a clash harmless, this makes it rare.
std::string temp_suffix() {
    static constexpr std::string_view kChars = "0123456789abcdefghijklmnopqrstuvwxyz";
    thread_local std::mt19937_64 engine{std::random_device{}()};
    std::uint64_t v = engine() ^ (static_cast<std::uint64_t>(::getpid()) * 0x9e3779b97f4a7c15ull);
    std::string s;
    for (int i = 0; i < 12; ++i, v /= kChars.size()) s += kChars[v % kChars.size()];
    return s;
}

Status make_dir(const std::string& path, mode_t mode) {
    if (::mkdir(path.c_str(), mode) == 0) return {};
    if (errno != EEXIST) return errno_error(path + ": mkdir");
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return errno_error(path);
    if (!S_ISDIR(st.st_mode)) return make_error(path + ": exists and is not a directory");
    return {};
}

Status check_id(std::string_view id) {
    if (!valid_queue_id(id)) return make_error("invalid queue ID \"" + log::printable(id, 40) + "\"");
    return {};
}

}  // namespace

Result<QueueDir> QueueDir::open(const std::string& root, FileOps& ops) {
    std::string r = root;
    while (r.size() > 1 && r.back() == '/') r.pop_back();
    struct stat st {};
    if (::stat(r.c_str(), &st) != 0) return errno_error(r);
    if (!S_ISDIR(st.st_mode)) return make_error(r + ": not a directory");
    return QueueDir(std::move(r), ops);
}

std::string QueueDir::dir(std::string_view sub) const { return root_ + "/" + std::string(sub); }

std::string QueueDir::path(std::string_view sub, std::string_view id) const {
    if (sub == kDeferred && !id.empty()) return dir(sub) + "/" + id.back() + "/" + std::string(id);
    return dir(sub) + "/" + std::string(id);
}

Result<NewFile> QueueDir::create(std::string_view sub, mode_t mode) {
    std::string d = dir(sub);
    for (int attempt = 0; attempt < kCreateAttempts; ++attempt) {
        std::string temp = d + "/" + std::string(kTempPrefix) + temp_suffix();
        UniqueFd fd(::open(temp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
        if (!fd.valid()) {
            if (errno == EEXIST) continue;
            return errno_error(temp);
        }
        auto fail = [&temp](Error e) -> Error {
            ::unlink(temp.c_str());
            return e;
        };
        if (::fchmod(fd.get(), mode) != 0) return fail(errno_error(temp + ": fchmod"));  // umask
        struct stat st {};
        if (::fstat(fd.get(), &st) != 0) return fail(errno_error(temp + ": fstat"));
        struct timespec now {};
        ::clock_gettime(CLOCK_REALTIME, &now);
        std::string id = make_queue_id(now, st.st_ino);
        // Only a clock that went back with a reused inode gets here.
        if (exists(path(sub, id))) {
            ::unlink(temp.c_str());
            continue;
        }
        return NewFile{std::move(fd), std::move(temp), std::move(id)};
    }
    return make_error(d + ": cannot create a unique queue file");
}

Status QueueDir::commit(NewFile& file) {
    POSTERN_TRY(check_id(file.queue_id));
    if (file.temp_path.empty()) return make_error(file.queue_id + ": queue file already committed");
    std::string from_dir = dirname_of(file.temp_path);
    bool deferred = from_dir == dir(kDeferred);
    std::string final_path = deferred ? path(kDeferred, file.queue_id) : from_dir + "/" + file.queue_id;
    if (deferred) POSTERN_TRY(make_dir(dirname_of(final_path), kDirMode));
    // rename(2) would replace: an existing file is someone's mail.
    if (exists(final_path)) return make_error(final_path + ": already exists");
    POSTERN_TRY(ops_->rename(file.temp_path, final_path));
    file.temp_path = final_path;  // where abandon() must look from now on
    if (auto st = ops_->fsync_dir(dirname_of(final_path)); !st) {
        // Not durable, so not acknowledged: withdraw it rather than risk a
        // second copy when the sender retries.
        ::unlink(final_path.c_str());
        return st.error();
    }
    file.temp_path.clear();
    return {};
}

void QueueDir::abandon(NewFile& file) {
    file.fd.reset();
    if (!file.temp_path.empty()) ::unlink(file.temp_path.c_str());
    file.temp_path.clear();
}

Status QueueDir::move(std::string_view id, std::string_view from, std::string_view to, Sync sync) {
    POSTERN_TRY(check_id(id));
    std::string src = path(from, id);
    std::string dst = path(to, id);
    std::string src_dir = dirname_of(src);
    std::string dst_dir = dirname_of(dst);
    if (to == kDeferred) {
        bool created = !exists(dst_dir);
        POSTERN_TRY(make_dir(dst_dir, kDirMode));
        if (created) POSTERN_TRY(ops_->fsync_dir(dir(kDeferred)));
    }
    if (exists(dst)) return make_error(dst + ": already exists");
    POSTERN_TRY(ops_->rename(src, dst));
    if (sync == Sync::later) return {};
    POSTERN_TRY(ops_->fsync_dir(dst_dir));
    if (src_dir != dst_dir) POSTERN_TRY(ops_->fsync_dir(src_dir));
    return {};
}

Status QueueDir::move_to_corrupt(std::string_view id, std::string_view from, std::string_view why) {
    POSTERN_TRY(move(id, from, kCorrupt));
    std::string id_s(id);
    std::string why_s = log::printable(why);
    log::warn("%s: moved to corrupt/: %s", id_s.c_str(), why_s.c_str());
    return {};
}

Status QueueDir::remove(std::string_view sub, std::string_view id, Sync sync) {
    POSTERN_TRY(check_id(id));
    std::string p = path(sub, id);
    if (::unlink(p.c_str()) != 0) return errno_error(p);
    if (sync == Sync::later) return {};
    return ops_->fsync_dir(dirname_of(p));
}

Result<std::vector<std::string>> QueueDir::list(std::string_view sub) const {
    auto names = list_dir(dir(sub));
    if (!names) return names.error();
    std::vector<std::string> ids;
    for (auto& name : *names) {
        if (sub != kDeferred) {
            if (valid_queue_id(name)) ids.push_back(std::move(name));
            continue;
        }
        if (name.size() != 1 || name[0] == '.') continue;
        auto inner = list_dir(dir(sub) + "/" + name);
        if (!inner) {
            if (inner.error().sys_errno == ENOTDIR) continue;
            return inner.error();
        }
        // An ID in the wrong hash directory could not be found by path().
        for (auto& id : *inner)
            if (valid_queue_id(id) && id.back() == name[0]) ids.push_back(std::move(id));
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

void QueueDir::sweep_temp(std::string_view sub, long max_age_seconds) {
    std::string d = dir(sub);
    auto names = list_dir(d);
    if (!names) return;
    time_t now = ::time(nullptr);
    for (const auto& name : *names) {
        if (name.rfind(kTempPrefix, 0) != 0) continue;
        std::string p = d + "/" + name;
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        if (now - st.st_mtime <= max_age_seconds) continue;
        if (::unlink(p.c_str()) == 0) log::info("removed stale temporary file %s", p.c_str());
    }
}

Status QueueDir::create_layout(const std::string& root) {
    // maildrop/ and public/ get their group and modes from postern-ctl.
    static constexpr std::string_view kSubdirs[] = {"maildrop", "incoming", "active", "deferred", "hold",
                                                    "corrupt",  "defer",    "bounce", "trace",    "private",
                                                    "public",   "pid",      "log"};
    POSTERN_TRY(make_dir(root, 0755));
    for (auto sub : kSubdirs) POSTERN_TRY(make_dir(root + "/" + std::string(sub), kDirMode));
    return fsync_dir(root);
}

}  // namespace postern::queue
