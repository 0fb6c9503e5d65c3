// IdleCache: the few idle SMTP sessions one smtp process keeps open for the
// next message to the same next hop (connection reuse; Postfix keeps them
// in a separate scache process, postern in each smtp process: see
// doc/DESIGN.md). Only the bookkeeping lives here, so it can be tested
// without sockets; T is the session (OpenSession in smtp) and the closer
// given at construction ends one (QUIT).
//
// Bounds: at most limits.size entries (the longest idle one is closed to
// make room), each idle at most limits.time_limit, and a session already
// reused limits.reuse_limit times (1 + limit transactions) is closed instead
// of cached. Time is passed in by the caller (steady clock), so tests can step
// it. Single-threaded, like the smtp process.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <optional>
#include <string>
#include <utility>

namespace postern::smtp {

struct CacheLimits {
    std::size_t size = 4;                        // $smtp_connection_cache_size; 0: no reuse
    std::chrono::milliseconds time_limit{2000};  // $smtp_connection_cache_time_limit
    unsigned reuse_limit = 100;                  // $smtp_connection_reuse_count_limit
};

template <typename T>
class IdleCache {
public:
    using Clock = std::chrono::steady_clock;
    using Closer = std::function<void(T&)>;

    struct Idle {
        T value;
        unsigned uses;  // transactions carried so far
    };

    IdleCache(CacheLimits limits, Closer close) : limits_(limits), close_(std::move(close)) {}
    IdleCache(const IdleCache&) = delete;
    IdleCache& operator=(const IdleCache&) = delete;
    ~IdleCache() { clear(); }

    bool enabled() const { return limits_.size > 0; }
    std::size_t size() const { return entries_.size(); }

    // Keep value idle under key after its uses-th transaction; closed
    // instead when caching is off or it has been reused often enough.
    void put(const std::string& key, T value, unsigned uses, Clock::time_point now) {
        if (!enabled() || uses > limits_.reuse_limit) {
            close_(value);
            return;
        }
        expire(now);
        if (entries_.size() >= limits_.size) drop(entries_.begin());  // the longest idle
        entries_.push_back(Entry{key, Idle{std::move(value), uses}, now + limits_.time_limit});
    }

    // The most recently cached session for key, removed from the cache.
    std::optional<Idle> take(const std::string& key, Clock::time_point now) {
        expire(now);
        auto it = std::find_if(entries_.rbegin(), entries_.rend(), [&](const Entry& e) { return e.key == key; });
        if (it == entries_.rend()) return std::nullopt;
        auto pos = std::prev(it.base());
        std::optional<Idle> out(std::move(pos->idle));
        entries_.erase(pos);
        return out;
    }

    // Close the sessions whose idle time is up; returns how long until the
    // next one is (limits.time_limit when none is cached).
    std::chrono::milliseconds expire(Clock::time_point now) {
        while (!entries_.empty() && entries_.front().deadline <= now) drop(entries_.begin());
        if (entries_.empty()) return limits_.time_limit;
        return std::chrono::ceil<std::chrono::milliseconds>(entries_.front().deadline - now);
    }

    // Close every cached session (process exit).
    void clear() {
        while (!entries_.empty()) drop(entries_.begin());
    }

private:
    // Entries stay in the order they were cached, which with one time limit
    // for all is also the order they expire in.
    struct Entry {
        std::string key;
        Idle idle;
        Clock::time_point deadline;
    };

    void drop(typename std::list<Entry>::iterator it) {
        if (close_) close_(it->idle.value);
        entries_.erase(it);
    }

    CacheLimits limits_;
    Closer close_;
    std::list<Entry> entries_;
};

}  // namespace postern::smtp
