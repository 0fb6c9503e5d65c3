// The client's host name, Postfix style: the PTR names of the client
// address, each forward-confirmed (one of the name's A/AAAA records must
// be the client address); the first confirmed name, lowercased, or
// "unknown". A name that is not a valid host name (or looks like a
// numeric address) never counts: it goes into Received: and logs.
// A temporary DNS failure or the timeout ($smtpd_client_name_timeout,
// counted from the moment the lookup is asked for) gives "unknown" and a
// warning, never a refusal.
// The c-ares lookups block, so they run on a small worker pool (at most
// kLookupThreads at once); the awaiting session's coroutine is resumed on
// its own executor, and the io_context keeps serving other sessions.
#pragma once

#include <utility>  // before Asio

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "lib/dns/dns_channel.hpp"

namespace postern::smtpd {

namespace asio = boost::asio;

inline const std::string kUnknownClient = "unknown";

// "127.0.0.4" -> "4.0.0.127.in-addr.arpa"; IPv6 as nibbles under ip6.arpa;
// "" for text that is not an address.
std::string reverse_name(std::string_view addr);

// A host name fit for headers and logs: dot-separated labels of letters,
// digits, '-' and '_', no label starting or ending with '-', at most 255
// characters, and not all digits and dots (a numeric address).
bool valid_client_name(std::string_view name);

// The outcome of the forward lookup of one PTR name.
struct NameCandidate {
    std::string name;
    std::vector<std::string> addresses;  // its A and AAAA records
};

// The first valid candidate with addr among its addresses (compared as
// addresses, not text), normalized; else "unknown".
std::string confirmed_name(std::string_view addr, const std::vector<NameCandidate>& candidates);

// The names /etc/hosts gives addr (each with every address the file gives
// that name), from hosts(5) text. As the system resolver does with "files"
// first, an address the file names needs no DNS query: a loopback client
// is "localhost" at once, even where no DNS server answers.
std::vector<NameCandidate> hosts_file_candidates(std::string_view hosts_text, std::string_view addr);

struct ClientName {
    std::string name = kUnknownClient;
    std::string warning;  // why it is unknown, when that is worth a log line
};

// Blocking: /etc/hosts; else PTR, then A+AAAA of each PTR name at once, all by deadline.
ClientName lookup_client_name(const dns::Settings& dns, const std::string& addr, dns::Clock::time_point deadline);

class ClientNameResolver {
public:
    static constexpr std::size_t kLookupThreads = 4;

    explicit ClientNameResolver(dns::Settings dns) : dns_(std::move(dns)) {}
    ~ClientNameResolver() { pool_.join(); }  // lookups end by their deadline

    // The name, or "unknown"; warnings are logged here.
    asio::awaitable<std::string> name_of(std::string addr);

private:
    dns::Settings dns_;
    asio::thread_pool pool_{kLookupThreads};
};

}  // namespace postern::smtpd
