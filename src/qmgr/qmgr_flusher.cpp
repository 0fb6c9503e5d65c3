#include "qmgr_flusher.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <set>
#include <vector>

#include "lib/base/file_ops.hpp"
#include "lib/base/log.hpp"
#include "lib/base/unique_fd.hpp"

namespace postern::qmgr {

namespace {
// Long enough to gather the removals of a burst, short against the time a
// delivery takes; the window in which a host crash could repeat a delivery.
constexpr auto kGather = std::chrono::milliseconds{20};
}  // namespace

struct Flusher::State {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<UniqueFd> files;
    std::set<std::string> dirs;
    bool stop = false;

    void run() {
        std::unique_lock lock(mu);
        for (;;) {
            cv.wait(lock, [&] { return stop || !files.empty() || !dirs.empty(); });
            if (files.empty() && dirs.empty()) return;  // stop, and nothing left
            // Group commit: what else arrives within kGather shares this round.
            cv.wait_for(lock, kGather, [&] { return stop; });
            auto batch_files = std::move(files);
            auto batch_dirs = std::move(dirs);
            files.clear();
            dirs.clear();
            lock.unlock();
            flush(batch_files, batch_dirs);
            lock.lock();
        }
    }

    static void flush(std::vector<UniqueFd>& batch_files, const std::set<std::string>& batch_dirs) {
        for (auto& fd : batch_files) {
            struct stat st {};
            if (::fstat(fd.get(), &st) == 0 && st.st_nlink == 0) continue;  // removed meanwhile
            if (::fdatasync(fd.get()) != 0) log::warn("fdatasync of a queue file: %s", std::strerror(errno));
        }
        for (const auto& d : batch_dirs)
            if (auto s = posix_file_ops().fsync_dir(d); !s) log::warn("%s", s.error().message.c_str());
    }
};

Flusher::Flusher() : state_(std::make_unique<State>()), thread_([s = state_.get()] { s->run(); }) {}

Flusher::Flusher(Flusher&&) noexcept = default;

Flusher::~Flusher() {
    if (!state_) return;  // moved from
    {
        std::lock_guard lock(state_->mu);
        state_->stop = true;
    }
    state_->cv.notify_one();
    if (thread_.joinable()) thread_.join();
}

void Flusher::sync_file(int fd) {
    UniqueFd copy(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
    if (!copy.valid()) {
        // Out of descriptors: do it here rather than not at all.
        if (::fdatasync(fd) != 0) log::warn("fdatasync of a queue file: %s", std::strerror(errno));
        return;
    }
    {
        std::lock_guard lock(state_->mu);
        state_->files.push_back(std::move(copy));
    }
    state_->cv.notify_one();
}

void Flusher::sync_dir(const std::string& path) {
    {
        std::lock_guard lock(state_->mu);
        state_->dirs.insert(path);
    }
    state_->cv.notify_one();
}

}  // namespace postern::qmgr
