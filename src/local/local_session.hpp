// One connection from qmgr: one DeliverRequest in, one DeliverReply out
// (one RecipientResult per recipient, echoing its offset), then close.
//
// The request is untrusted: its queue file path must be relative and stay
// inside $queue_directory; the file is opened read-only without following
// symlinks and parsed with the bounded queue reader. local never writes the
// queue file: qmgr marks recipients from the reply. A queue file that
// cannot be read defers every recipient (4.3.0): the mail stays queued.
#pragma once

#include "lib/base/unique_fd.hpp"
#include "local_settings.hpp"

namespace postern::local {

void handle_connection(const Settings& settings, UniqueFd conn);

}  // namespace postern::local
