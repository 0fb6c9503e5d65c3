// Flusher: the fsyncs qmgr owes the disk, done on one thread of their own so
// that the main loop never waits for the disk, and so that one directory
// fsync covers every removal made while the previous one ran.
//
//   sync_file(fd)  a queue file's recipient marks changed: fdatasync it (the
//                  Flusher keeps a dup, so the caller may close its fd; a
//                  file already unlinked by then is skipped).
//   sync_dir(path) entries of a directory were removed: fsync it once.
//
// What this trades (doc/DESIGN.md, "qmgr and the disk"): a mark or removal
// reaches the disk a few milliseconds after the main loop made it, not
// before the loop goes on. A qmgr crash loses nothing (the kernel has the
// writes); a host crash in that window can repeat a delivery, never lose
// one. Errors are logged: the change is still in the page cache.
// The destructor finishes everything queued, then joins the thread.
#pragma once

#include <memory>
#include <string>
#include <thread>

namespace postern::qmgr {

class Flusher {
public:
    Flusher();
    ~Flusher();
    Flusher(Flusher&&) noexcept;
    Flusher& operator=(Flusher&&) = delete;

    void sync_file(int fd);
    void sync_dir(const std::string& path);

    struct State;

private:
    std::unique_ptr<State> state_;
    std::thread thread_;
};

}  // namespace postern::qmgr
