// The queue directory and the moves between its subdirectories.
//
//   maildrop/ incoming/ active/ deferred/X/ hold/ corrupt/ defer/ bounce/
//   trace/ private/ public/ pid/ log/ (user instances)
//
// A move is rename(2) followed by fsync of the affected directories, unless
// the caller says Sync::later (queue_sync.hpp).
// New files are created under a temporary name ".tNNN" (never seen by
// scanners, which skip names starting with "."), written, fsynced, and
// renamed to their queue ID: a reader sees a whole file or nothing.
// deferred/ is hashed one level deep by the last character of the ID.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "lib/base/file_ops.hpp"
#include "lib/base/result.hpp"
#include "lib/base/unique_fd.hpp"
#include "lib/queue/queue_sync.hpp"

namespace postern::queue {

inline constexpr std::string_view kMaildrop = "maildrop";
inline constexpr std::string_view kIncoming = "incoming";
inline constexpr std::string_view kActive = "active";
inline constexpr std::string_view kDeferred = "deferred";
inline constexpr std::string_view kHold = "hold";
inline constexpr std::string_view kCorrupt = "corrupt";

// A new file being written: fd open for writing, its temp path and its ID.
struct NewFile {
    UniqueFd fd;
    std::string temp_path;
    std::string queue_id;
};

class QueueDir {
public:
    // Checks that root exists and is a directory (error names the path).
    static Result<QueueDir> open(const std::string& root, FileOps& ops = posix_file_ops());

    const std::string& root() const { return root_; }
    // root/sub/ID, or root/deferred/X/ID for the deferred queue.
    std::string path(std::string_view sub, std::string_view id) const;
    std::string dir(std::string_view sub) const;  // root/sub

    // Create root/sub/.tNNN exclusively (mode), derive the ID from its inode.
    Result<NewFile> create(std::string_view sub, mode_t mode = 0600);
    // fsync was done by the writer; rename to root/sub/ID; fsync the dir.
    // Never replaces an existing file. If the directory fsync fails the file
    // is unlinked again (it was not acknowledged). After success temp_path is
    // empty and fd stays open.
    Status commit(NewFile& file);
    // Remove an unfinished file (best effort).
    void abandon(NewFile& file);
    // Durable rename between subdirectories; refuses to replace a file.
    // Every id argument is checked with valid_queue_id (no "../").
    Status move(std::string_view id, std::string_view from, std::string_view to, Sync sync = Sync::now);
    // Move a damaged file to corrupt/ (never deleted automatically) and log.
    Status move_to_corrupt(std::string_view id, std::string_view from, std::string_view why);
    // unlink + fsync dir (Sync::later: the caller fsyncs dir(sub)).
    Status remove(std::string_view sub, std::string_view id, Sync sync = Sync::now);
    // Valid queue IDs in sub (for deferred/, across all hash subdirectories),
    // sorted (= arrival order). Temp files and junk names are skipped.
    Result<std::vector<std::string>> list(std::string_view sub) const;
    // Remove temp files in sub older than max_age_seconds (left by crashes).
    void sweep_temp(std::string_view sub, long max_age_seconds);

    // Create all subdirectories (postern-ctl init / setup-system).
    static Status create_layout(const std::string& root);

private:
    QueueDir(std::string root, FileOps& ops) : root_(std::move(root)), ops_(&ops) {}
    std::string root_;
    FileOps* ops_;
};

}  // namespace postern::queue
