// User and group lookups (reentrant, with growing buffers) and the one-way
// privilege drop.
#include "lib/base/identity.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>

namespace postern {
namespace {

constexpr std::size_t kMaxBuffer = 1u << 20;  // a passwd entry larger than this is not sane

Identity from_passwd(const struct passwd& pw) {
    return Identity{pw.pw_name ? pw.pw_name : "", pw.pw_uid, pw.pw_gid, pw.pw_dir ? pw.pw_dir : "",
                    pw.pw_shell ? pw.pw_shell : ""};
}

// Call a getpw*_r-style function, growing the buffer on ERANGE.
template <class Entry, class Fn>
Result<bool> lookup_entry(Entry& entry, std::string& buf, Fn fn) {
    buf.resize(1024);
    for (;;) {
        Entry* found = nullptr;
        int err = fn(&entry, buf.data(), buf.size(), &found);
        if (err == ERANGE && buf.size() < kMaxBuffer) {
            buf.resize(buf.size() * 2);
            continue;
        }
        if (err == EINTR) continue;
        if (found) return true;
        // "Not found" shows up as 0 or as one of these, depending on the libc/NSS module.
        if (err == 0 || err == ENOENT || err == ESRCH || err == EBADF || err == EPERM) return false;
        return errno_error("user database lookup", err);
    }
}

}  // namespace

Result<Identity> lookup_user(const std::string& name) {
    struct passwd pw {};
    std::string buf;
    auto r = lookup_entry(pw, buf, [&](struct passwd* e, char* b, std::size_t n, struct passwd** out) {
        return ::getpwnam_r(name.c_str(), e, b, n, out);
    });
    if (!r) return r.error();
    if (!*r) return make_error("unknown user " + name);
    return from_passwd(pw);
}

Result<Identity> lookup_uid(uid_t uid) {
    struct passwd pw {};
    std::string buf;
    auto r = lookup_entry(pw, buf, [&](struct passwd* e, char* b, std::size_t n, struct passwd** out) {
        return ::getpwuid_r(uid, e, b, n, out);
    });
    if (!r) return r.error();
    if (!*r) return make_error("unknown uid " + std::to_string(uid));
    return from_passwd(pw);
}

Result<gid_t> lookup_group(const std::string& name) {
    struct group gr {};
    std::string buf;
    auto r = lookup_entry(gr, buf, [&](struct group* e, char* b, std::size_t n, struct group** out) {
        return ::getgrnam_r(name.c_str(), e, b, n, out);
    });
    if (!r) return r.error();
    if (!*r) return make_error("unknown group " + name);
    return gr.gr_gid;
}

Identity current_identity() {
    uid_t uid = ::getuid();
    if (auto id = lookup_uid(uid)) return *id;
    return Identity{std::to_string(uid), uid, ::getgid(), "", ""};
}

Status become(const Identity& id, const std::optional<std::vector<gid_t>>& extra_groups) {
    if (::geteuid() == id.uid && ::getuid() == id.uid && id.uid != 0 && ::getegid() == id.gid && ::getgid() == id.gid)
        return {};
    // Groups first: after setuid we would no longer be allowed to change them.
    if (extra_groups) {
        if (::setgroups(extra_groups->size(), extra_groups->data()) != 0) return errno_error("setgroups");
    } else if (::initgroups(id.name.c_str(), id.gid) != 0) {
        return errno_error("initgroups " + id.name);
    }
    if (::setresgid(id.gid, id.gid, id.gid) != 0) return errno_error("setgid " + std::to_string(id.gid));
    if (::setresuid(id.uid, id.uid, id.uid) != 0) return errno_error("setuid " + std::to_string(id.uid));
    if (id.uid != 0 && (::setuid(0) == 0 || ::seteuid(0) == 0))
        return make_error("privileges could be regained after dropping to uid " + std::to_string(id.uid));
    return {};
}

}  // namespace postern
