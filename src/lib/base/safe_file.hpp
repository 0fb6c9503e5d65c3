// Safe file helpers for code that opens files in directories other users
// can write to (mail spools, home directories, maildrop): no symlinks
// followed at the last component, type/owner/mode checked on the open fd
// (fstat, never stat-then-open), durable writes and atomic renames.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/file_ops.hpp"
#include "lib/base/result.hpp"
#include "lib/base/unique_fd.hpp"

namespace postern {

struct FileCheck {
    bool regular = true;                 // must be S_ISREG (else S_ISDIR if directory)
    bool directory = false;
    std::optional<uid_t> owner;          // required owner
    std::vector<uid_t> allowed_owners;   // alternatively: any of these
    mode_t forbidden_mode = 0;           // e.g. S_IWGRP|S_IWOTH
    bool single_link = false;            // st_nlink must be 1 (hard-link attacks)
};

// open(path, flags|O_NOFOLLOW|O_CLOEXEC[|O_NONBLOCK for the open itself], mode),
// then fstat and apply check. Errors name the path.
Result<UniqueFd> open_checked(const std::string& path, int flags, mode_t mode, const FileCheck& check);
// Apply check to an already open fd (path only for the message).
Status check_fd(int fd, const std::string& path, const FileCheck& check);

Status write_all(int fd, std::string_view data);
Result<std::string> read_file(const std::string& path, std::size_t max_bytes);  // bounded, no symlink
Status fsync_dir(const std::string& dir);
std::string dirname_of(const std::string& path);
std::string basename_of(const std::string& path);
// rename(from, to) then fsync the directory (or both when they differ).
Status rename_durable(const std::string& from, const std::string& to, FileOps& ops = posix_file_ops());
// Write data to a temp file beside path, fsync, rename over path, fsync dir.
// durable false: no fsyncs (readers still see the old or the new file, never
// a mix; a host crash may bring the old one back).
Status write_file_atomic(const std::string& path, std::string_view data, mode_t mode, bool durable = true);
// mkdir if missing; then check it is a directory (not a symlink); chmod to
// mode; chown when uid/gid given (needs privilege).
Status ensure_dir(const std::string& path, mode_t mode,
                  std::optional<uid_t> uid = std::nullopt, std::optional<gid_t> gid = std::nullopt);
// Directory entries (no "." "..") in readdir order; names only.
Result<std::vector<std::string>> list_dir(const std::string& path);

}  // namespace postern
