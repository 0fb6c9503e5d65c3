// Encoding of the anvil messages (see the header).
#include "lib/ipc/anvil_messages.hpp"

namespace postern::ipc {
namespace {

template <class E>
Result<E> read_choice(AttrReader& r, std::string_view name, std::initializer_list<std::pair<E, std::string_view>> words) {
    auto s = r.str(name);
    if (!s) return s.error();
    for (const auto& [e, w] : words)
        if (w == *s) return e;
    return make_error("attribute " + std::string(name) + ": unknown value \"" + *s + "\"");
}

using Op = AnvilRequest::Op;
using Verdict = AnvilReply::Verdict;

}  // namespace

AttrList AnvilRequest::to_attrs() const {
    AttrList a;
    a.add("op", op == Op::Admit ? "admit" : "release").add("addr", addr);
    return a;
}

Result<AnvilRequest> AnvilRequest::from_attrs(AttrReader& r) {
    AnvilRequest m;
    auto op = read_choice<Op>(r, "op", {{Op::Admit, "admit"}, {Op::Release, "release"}});
    if (!op) return op.error();
    m.op = *op;
    auto addr = r.str("addr");
    if (!addr) return addr.error();
    if (addr->empty() || addr->size() > 64) return make_error("attribute addr: not an address");
    m.addr = std::move(*addr);
    return m;
}

AttrList AnvilReply::to_attrs() const {
    AttrList a;
    a.add("verdict", verdict == Verdict::Ok ? "ok" : verdict == Verdict::TooManyConnections ? "count" : "rate");
    return a;
}

Result<AnvilReply> AnvilReply::from_attrs(AttrReader& r) {
    AnvilReply m;
    auto v = read_choice<Verdict>(r, "verdict",
                                  {{Verdict::Ok, "ok"}, {Verdict::TooManyConnections, "count"}, {Verdict::TooFast, "rate"}});
    if (!v) return v.error();
    m.verdict = *v;
    return m;
}

}  // namespace postern::ipc
