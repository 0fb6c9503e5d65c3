// anvil's per-connection accounting (see the header).
#include "anvil_table.hpp"

namespace postern::anvil {

AnvilTable::Verdict AnvilTable::admit(ConnId conn, const std::string& addr, Clock::time_point now) {
    Held& mine = held_[conn];
    if (mine.total >= kMaxHeldPerConn) return Verdict::Ok;
    Verdict v = limiter_.admit(addr, now);
    if (v == Verdict::Ok) {
        ++mine.by_addr[addr];
        ++mine.total;
    }
    return v;
}

void AnvilTable::release(ConnId conn, const std::string& addr) {
    auto c = held_.find(conn);
    if (c == held_.end()) return;
    auto a = c->second.by_addr.find(addr);
    if (a == c->second.by_addr.end()) return;
    limiter_.release(addr);
    --c->second.total;
    if (--a->second == 0) c->second.by_addr.erase(a);
}

void AnvilTable::drop(ConnId conn) {
    auto c = held_.find(conn);
    if (c == held_.end()) return;
    for (const auto& [addr, n] : c->second.by_addr)
        for (std::size_t i = 0; i < n; ++i) limiter_.release(addr);
    held_.erase(c);
}

std::size_t AnvilTable::held(ConnId conn) const {
    auto c = held_.find(conn);
    return c == held_.end() ? 0 : c->second.total;
}

}  // namespace postern::anvil
