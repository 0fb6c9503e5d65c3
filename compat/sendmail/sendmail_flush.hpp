// sendmail -q: deliver the deferred queue now.
//   -q           one 'F' trigger to public/qmgr: qmgr treats every deferred
//                message as due (works for any user: public/qmgr is the
//                only thing touched)
//   -qRsubstr    deferred messages with a pending recipient containing
//                substr (case-insensitive), -qSsubstr by sender, -qIsubstr
//                by queue ID: their next attempt time is set to now, then
//                a 'D' trigger asks qmgr for a deferred scan. Needs the
//                right to change the queue files (root, the mail owner, or
//                the owner of a user instance).
#pragma once

#include <string>

#include "lib/config/config.hpp"
#include "lib/queue/queue_dir.hpp"
#include "lib/queue/queue_file.hpp"

namespace postern::sendmail {

struct Options;

int flush_queue(const Options& o, const config::Config& cfg);

// Whether a message matches a -qR/-qS/-qI selection (pure, for tests).
bool queue_selected(char select, const std::string& match, const std::string& id, const queue::Envelope& env);

}  // namespace postern::sendmail
