// smtpd <-> anvil(8): the shared per-client connection table.
//
//   smtpd -> anvil: AnvilRequest op "admit" (anvil answers AnvilReply) or
//                   op "release" (no answer; a session counted by an admit
//                   has ended).
// A connection's admitted sessions are released by anvil when that
// connection closes, so an smtpd that dies leaves no count behind.
#pragma once

#include <string>
#include <string_view>

#include "lib/base/result.hpp"
#include "lib/ipc/attr.hpp"

namespace postern::ipc {

struct AnvilRequest {
    static constexpr std::string_view kType = "anvil";
    enum class Op { Admit, Release } op = Op::Admit;
    std::string addr;  // client IP address as text
    AttrList to_attrs() const;
    static Result<AnvilRequest> from_attrs(AttrReader& r);
};

struct AnvilReply {
    static constexpr std::string_view kType = "anvil_reply";
    // "ok", "count" (too many sessions) or "rate" (too many new connections)
    enum class Verdict { Ok, TooManyConnections, TooFast } verdict = Verdict::Ok;
    AttrList to_attrs() const;
    static Result<AnvilReply> from_attrs(AttrReader& r);
};

}  // namespace postern::ipc
