// A blocking c-ares channel for a batch of queries that run at once:
// start() each query, then run() until all are answered or the deadline
// passes (the rest end ARES_ECANCELLED). One channel per thread; the
// channel is destroyed, and every callback run, on scope exit.
// Servers and port come from dns::Settings, so tests point it at a local
// dnsmasq; each try waits a third of the timeout (at least 1s).
#pragma once

#include <ares.h>

#include <chrono>
#include <string>
#include <vector>

#include "dns_settings.hpp"

namespace postern::dns {

using Clock = std::chrono::steady_clock;

struct Query {
    std::string name;
    int type = 0;                      // ns_t_a, ns_t_ptr, ...
    int status = ARES_EDESTRUCTION;    // set when answered
    std::vector<unsigned char> answer; // the raw reply when ARES_SUCCESS
};

class Channel {
public:
    explicit Channel(const Settings& s);
    ~Channel();
    Channel(const Channel&) = delete;
    Channel& operator=(const Channel&) = delete;
    bool ok() const { return status_ == ARES_SUCCESS; }
    std::string error() const { return ares_strerror(status_); }

    void start(Query& q);  // q must outlive run()
    void run(Clock::time_point deadline);

private:
    ares_channel ch_ = nullptr;
    int status_ = ARES_ENOTINITIALIZED;
};

// Not "no such name/no such record": worth trying again later.
bool is_temporary(int status);

// The addresses (numeric text) of an answered A or AAAA query; none when
// the query failed.
void append_addresses(const Query& q, std::vector<std::string>& out);

}  // namespace postern::dns
