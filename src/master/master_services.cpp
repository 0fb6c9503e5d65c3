// The queue's socket directories and the unix listening sockets, and the
// assembly of every endpoint of services.conf.
#include "master_services.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "lib/base/identity.hpp"
#include "lib/base/log.hpp"
#include "lib/base/safe_file.hpp"

namespace postern::master {
namespace {

namespace params = config::params;

constexpr mode_t kPrivateDirMode = 0700;
constexpr mode_t kPublicDirMode = 0710;  // group setgid_group may connect
constexpr mode_t kPrivateSocketMode = 0600;
constexpr mode_t kPublicSocketMode = 0666;

// As Postfix: a socket's backlog is at least its pool size.
int backlog_for(const config::Config& cfg, const config::ServiceEntry& s) {
    long long limit = cfg.get(params::default_process_limit);
    return static_cast<int>(std::max<long long>(s.max_proc, limit));
}

std::string unix_path(const config::Config& cfg, const config::ServiceEntry& s) {
    return cfg.queue_path(s.is_private ? "private" : "public") + "/" + s.name;
}

const Endpoint* find_address(const std::vector<Endpoint>& eps, const std::string& address) {
    for (const auto& e : eps)
        if (e.address == address) return &e;
    return nullptr;
}

// The fd of an endpoint we already listen on, shared rather than rebound.
Result<UniqueFd> reuse(const Endpoint& old) {
    int fd = fcntl(old.fd.get(), F_DUPFD_CLOEXEC, 0);
    if (fd < 0) return errno_error(old.address + ": dup");
    return UniqueFd(fd);
}

Status add_unix(const config::Config& cfg, const config::ServiceEntry& s, const SocketOwners& owners,
                const std::vector<Endpoint>& previous, std::vector<Endpoint>& out) {
    std::string path = unix_path(cfg, s);
    const Endpoint* old = find_address(previous, path);
    auto fd = old != nullptr ? reuse(*old)
                             : open_unix_listener(path, s.is_private ? kPrivateSocketMode : kPublicSocketMode,
                                                  owners.mail_owner, backlog_for(cfg, s));
    if (!fd) return fd.error();
    out.push_back(Endpoint{s, path, std::move(fd).value()});
    return {};
}

Status add_inet(const config::Config& cfg, const config::ServiceEntry& s, const std::vector<Endpoint>& previous,
                std::vector<Endpoint>& out) {
    auto name = parse_inet_name(s.name);
    if (!name) return name.error();
    auto addresses = resolve_listen_addresses(*name, cfg.get(params::inet_interfaces));
    if (!addresses) return addresses.error();
    for (const auto& a : *addresses) {
        const Endpoint* old = find_address(previous, a.label);
        auto fd = old != nullptr ? reuse(*old) : open_inet_listener(a, backlog_for(cfg, s));
        if (!fd && a.optional && fd.error().sys_errno == EAFNOSUPPORT) {
            log::warn("%s: no IPv6 on this host; listening on IPv4 only", a.label.c_str());
            continue;
        }
        if (!fd) return fd.error();
        out.push_back(Endpoint{s, a.label, std::move(fd).value()});
    }
    return {};
}

}  // namespace

Result<SocketOwners> socket_owners(const config::Config& cfg) {
    if (cfg.get(params::user_instance)) return SocketOwners{};
    auto user = lookup_user(cfg.get(params::mail_owner));
    if (!user) return make_error("mail_owner: " + user.error().message);
    auto group = lookup_group(cfg.get(params::setgid_group));
    if (!group) return make_error("setgid_group: " + group.error().message);
    return SocketOwners{user->uid, *group};
}

Status prepare_socket_dirs(const config::Config& cfg, const SocketOwners& owners) {
    POSTERN_TRY(ensure_dir(cfg.queue_path("private"), kPrivateDirMode, owners.mail_owner));
    return ensure_dir(cfg.queue_path("public"), kPublicDirMode, owners.mail_owner, owners.setgid_group);
}

Result<UniqueFd> open_unix_listener(const std::string& path, mode_t mode, std::optional<uid_t> owner,
                                    int backlog) {
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    if (path.size() >= sizeof sun.sun_path) return make_error(path + ": socket path too long");
    std::memcpy(sun.sun_path, path.c_str(), path.size() + 1);

    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd.valid()) return errno_error(path + ": socket");
    // A socket left by a previous master (we hold the pid lock, so nobody
    // else listens on it); only a socket is removed, never another file.
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) return make_error(path + ": exists and is not a socket");
        ::unlink(path.c_str());
    }
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&sun), sizeof sun) != 0)
        return errno_error(path + ": bind");
    if (::chmod(path.c_str(), mode) != 0) return errno_error(path + ": chmod");
    if (owner && ::lchown(path.c_str(), *owner, static_cast<gid_t>(-1)) != 0) return errno_error(path + ": chown");
    if (::listen(fd.get(), backlog) != 0) return errno_error(path + ": listen");
    return fd;
}

Result<std::vector<Endpoint>> open_endpoints(const config::Config& cfg,
                                             const std::vector<config::ServiceEntry>& services,
                                             const std::vector<Endpoint>& previous) {
    auto owners = socket_owners(cfg);
    if (!owners) return owners.error();
    POSTERN_TRY(prepare_socket_dirs(cfg, *owners));
    std::vector<Endpoint> out;
    for (const auto& s : services) {
        Status st = s.kind == config::ServiceEntry::Kind::Unix ? add_unix(cfg, s, *owners, previous, out)
                                                              : add_inet(cfg, s, previous, out);
        if (!st) return st.error();
    }
    return out;
}

void unlink_unused(const std::vector<Endpoint>& old, const std::vector<Endpoint>& keep) {
    for (const auto& e : old)
        if (e.entry.kind == config::ServiceEntry::Kind::Unix && find_address(keep, e.address) == nullptr)
            ::unlink(e.address.c_str());
}

}  // namespace postern::master
