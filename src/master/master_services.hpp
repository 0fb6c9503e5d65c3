// master's listening sockets: one Endpoint per socket a pool of service
// processes accepts on. A unix service is one socket, private/NAME or
// public/NAME under $queue_directory; an inet service is one socket per
// local address it listens on ("[host:]port"; no host = every address in
// $inet_interfaces, "all" = 0.0.0.0 and ::), each with its own pool, since
// a service process receives exactly one socket (fd 3).
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/result.hpp"
#include "lib/base/unique_fd.hpp"
#include "lib/config/config.hpp"
#include "lib/config/services.hpp"

namespace postern::master {

struct Endpoint {
    config::ServiceEntry entry;
    std::string address;  // socket path, or host:port, for logs and reuse
    UniqueFd fd;          // listening, non-blocking, close-on-exec
};

struct InetName {
    std::string host;  // "" = all of $inet_interfaces; IPv6 without brackets
    std::string port;
};

// "25", "127.0.0.1:2525", "[::1]:25", "mx.example:smtp"
Result<InetName> parse_inet_name(std::string_view name);

// Who owns the sockets in a system instance (nothing changes owners in a
// user instance).
struct SocketOwners {
    std::optional<uid_t> mail_owner;
    std::optional<gid_t> setgid_group;
};
Result<SocketOwners> socket_owners(const config::Config& cfg);

// private/ (0700) and public/ (0710, group setgid_group) under the queue.
Status prepare_socket_dirs(const config::Config& cfg, const SocketOwners& owners);

// Replace any stale socket at path, bind, chmod mode, chown, listen.
Result<UniqueFd> open_unix_listener(const std::string& path, mode_t mode, std::optional<uid_t> owner,
                                    int backlog);
// One local address to listen on, resolved from a host and port.
struct InetAddress {
    sockaddr_storage addr{};
    socklen_t len = 0;
    std::string label;      // "127.0.0.1:2525", "[::]:25"
    bool optional = false;  // "::" from "all": skipped on a host without IPv6
};
// host "" = every entry of interfaces; "all" = 0.0.0.0 and ::.
Result<std::vector<InetAddress>> resolve_listen_addresses(const InetName& name,
                                                          const std::vector<std::string>& interfaces);
// Bind (SO_REUSEADDR; IPv6 sockets IPv6-only) and listen.
Result<UniqueFd> open_inet_listener(const InetAddress& address, int backlog);

// Open every endpoint of services. A socket whose address is already in
// previous is shared (dup) instead of bound again, so a reload neither
// drops queued connections nor races for the port; previous is untouched.
Result<std::vector<Endpoint>> open_endpoints(const config::Config& cfg,
                                             const std::vector<config::ServiceEntry>& services,
                                             const std::vector<Endpoint>& previous);

// Remove the socket files of unix endpoints whose address is not in keep.
void unlink_unused(const std::vector<Endpoint>& old, const std::vector<Endpoint>& keep);

}  // namespace postern::master
