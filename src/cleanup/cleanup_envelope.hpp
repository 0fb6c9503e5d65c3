// The envelope cleanup writes: sender and recipients from the client
// (never trusted: every address goes through the RFC 5322 parser), plus
// the -t recipients from the header; unqualified addresses get
// @$myorigin, duplicates go (domain compared without case), and the
// recipient count is bounded by recipient_limit.
//
// A refusal is an Error whose message starts with its enhanced status code
// ("5.1.3 no recipients specified"); the session turns it into the reply.
#pragma once

#include <ctime>
#include <map>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "cleanup_headers.hpp"
#include "cleanup_settings.hpp"
#include "lib/base/result.hpp"
#include "lib/ipc/messages.hpp"
#include "lib/queue/queue_file.hpp"

namespace postern::cleanup {

// "user" -> "user@origin"; an address with a domain, and "", stay as they are.
std::string qualify(std::string_view address, std::string_view origin);
bool has_domain(std::string_view address);

// One envelope address field as the client sent it: one or more addresses
// (sendmail accepts "a@b, Joe <c@d>" as an argument), in external form.
// Control bytes or anything that is not an address list is an error.
Result<std::vector<std::string>> envelope_addresses(std::string_view raw);

// Ordered, duplicate-free, bounded: holds at most limit addresses and
// remembers that more were offered.
class RecipientList {
public:
    explicit RecipientList(std::size_t limit) : limit_(limit) {}
    void add(std::string address);
    bool overflow() const { return overflow_; }
    const std::vector<std::string>& addresses() const { return list_; }

private:
    std::size_t limit_;
    bool overflow_ = false;
    std::vector<std::string> list_;
    std::unordered_set<std::string> seen_;
};

struct Prepared {
    std::string sender;                   // qualified; "" = null sender
    std::vector<std::string> recipients;  // qualified, unique, 1..recipient_limit
    std::vector<std::string> rejected;    // header list elements -t could not use (log)
    // DSN NOTIFY/ORCPT of client-given recipients, by qualified address.
    std::map<std::string, std::pair<std::string, std::string>> dsn;
};

Result<Prepared> prepare_envelope(const ipc::CleanupOpen& open, const Headers& headers, const Settings& settings);

queue::Envelope make_envelope(const ipc::CleanupOpen& open, const Prepared& prepared, const struct timespec& arrival);

}  // namespace postern::cleanup
