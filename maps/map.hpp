// Map: one lookup table behind one interface, named "type:name"
// (hash:/etc/postern/virtual, ldap:/etc/postern/ldap-aliases.cf).
//
// Contract: lookup() answers exactly one of
//   Found     - the key is in the table; value() holds the result,
//   NotFound  - the table was consulted and does not have the key,
//   TempFail  - the table could not be consulted (server down, file
//               unreadable, corrupt, value over the size limit); error()
//               says why, naming the table. Callers defer (4xx), never bounce.
// The three are never confused: a backend that is unsure answers TempFail.
// Keys are passed as the caller means them; backends whose tables are built
// case-folded (hash, btree, dbm, texthash, inline) fold the key themselves.
// Values are bounded by MapOptions::value_limit.
// A Map is used by one thread at a time; it may keep a connection (ldap, nis)
// and reopens its file when it changes on disk (see registry.hpp).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace postern::maps {

enum class LookupStatus { Found, NotFound, TempFail };

class Lookup {
public:
    static Lookup found(std::string value) { return Lookup{LookupStatus::Found, std::move(value)}; }
    static Lookup not_found() { return Lookup{LookupStatus::NotFound, {}}; }
    static Lookup temp_fail(std::string why) { return Lookup{LookupStatus::TempFail, std::move(why)}; }

    LookupStatus status() const { return status_; }
    bool is_found() const { return status_ == LookupStatus::Found; }
    bool is_not_found() const { return status_ == LookupStatus::NotFound; }
    bool is_temp_fail() const { return status_ == LookupStatus::TempFail; }
    // Only for Found.
    const std::string& value() const { return text_; }
    // Only for TempFail: one line naming the table.
    const std::string& error() const { return text_; }

private:
    Lookup(LookupStatus s, std::string text) : status_(s), text_(std::move(text)) {}
    LookupStatus status_;
    std::string text_;
};

// Settings every backend honours; filled from main.conf by options_from().
struct MapOptions {
    std::size_t value_limit = 102400;  // $map_value_size_limit: longer values are TempFail
    std::size_t line_limit = 102400;   // longest source line (texthash, regexp, ldap .cf)
    std::size_t file_limit = 1u << 30; // largest text table read whole
    std::string nis_domain;            // $nis_domain_name; empty: the system's
    // How often an open file table looks whether its file changed (a stat
    // per file); 0: at every lookup. A rebuilt table is seen within this time.
    long change_check_ms = 1000;
};

class Map {
public:
    virtual ~Map() = default;
    Map(const Map&) = delete;
    Map& operator=(const Map&) = delete;

    virtual Lookup lookup(std::string_view key) = 0;
    // "type:name" as configured.
    const std::string& spec() const { return spec_; }

protected:
    explicit Map(std::string spec) : spec_(std::move(spec)) {}
    // "spec: reason" for TempFail messages.
    std::string failure(std::string_view reason) const { return spec_ + ": " + std::string(reason); }

private:
    std::string spec_;
};

// Strip one trailing NUL (Postfix and sendmail -N store values with it).
std::string_view strip_nul(std::string_view s);
// Common size check: Found(value) or TempFail when value exceeds the limit.
Lookup bounded_found(const Map& map, std::string_view value, const MapOptions& opts);

}  // namespace postern::maps
