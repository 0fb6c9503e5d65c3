// Reading a .forward or :include: file as the identity that controls it.
//
// In a system instance local runs as root, but a user's .forward may name
// any path (":include:/etc/shadow"): the file must be opened with the
// rights of whoever controls it, as sendmail does. read_as() forks a child
// that becomes that identity (initgroups) and reads the file with
// resolve::read_file_checked (no symlink, owner, mode and single-link
// checks); the text comes back through a pipe, bounded by max_size. Root
// (uid 0) reads in this process. When local is not privileged everything
// is read in this process.
#pragma once

#include <chrono>

#include "lib/resolve/resolve_expand.hpp"

namespace postern::local {

resolve::FileReader file_reader(bool privileged, std::chrono::milliseconds timeout);

}  // namespace postern::local
