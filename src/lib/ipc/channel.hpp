// Blocking framed I/O over UNIX-domain stream sockets, with timeouts.
// Used by the request/response services (pickup -> cleanup, qmgr -> local).
// A timeout, EOF mid-frame or a malformed frame is an Error; the caller ends
// the conversation.
#pragma once

#include <chrono>
#include <string>

#include "lib/base/result.hpp"
#include "lib/base/unique_fd.hpp"
#include "lib/ipc/attr.hpp"

namespace postern::ipc {

using Millis = std::chrono::milliseconds;

Result<UniqueFd> connect_unix(const std::string& path, Millis timeout);
// Create (replacing a stale socket file), chmod to mode, listen. Does not chown.
Result<UniqueFd> listen_unix(const std::string& path, unsigned mode, int backlog = 128);

Status send_frame(int fd, const AttrList& list, Millis timeout);
// Result "eof" (clean close before any byte) is reported as an Error whose
// message is exactly "eof", so servers can tell a hang-up from garbage.
Result<AttrList> recv_frame(int fd, const Limits& limits, Millis timeout);

// Triggers: a one-byte wake-up written to a public/ or private/ socket
// (pickup, qmgr). Fire-and-forget: failure is logged by the caller at most.
Status send_trigger(const std::string& socket_path, char what = 'W');

}  // namespace postern::ipc
