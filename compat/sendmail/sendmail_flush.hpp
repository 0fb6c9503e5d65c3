// sendmail -q and -Q: deliver or hold/release queued mail.
//   -q           one 'F' trigger to public/qmgr: qmgr treats every deferred
//                message as due (works for any user: public/qmgr is the
//                only thing touched)
//   -q with filters (-qRsubstr, -q!Ssubstr, -qIsubstr; see
//                sendmail_queue_args.hpp): the matching deferred messages'
//                next attempt time is set to now, then a 'D' trigger asks
//                qmgr for a deferred scan.
//   -Qreason     (sendmail's quarantine) with filters: move the matching
//                messages from incoming/ and deferred/ to hold/, where qmgr
//                leaves them alone; the reason is printed, not stored.
//   -Q           release: move the matching messages from hold/ back to
//                deferred/, due now.
// Filters and -Q need the right to change the queue files (root, the mail
// owner, or the owner of a user instance); without it EX_NOPERM.
#pragma once

#include <string>
#include <vector>

#include "lib/config/config.hpp"
#include "lib/queue/queue_dir.hpp"
#include "lib/queue/queue_file.hpp"

namespace postern::sendmail {

struct Options;
struct QueueFilter;

int flush_queue(const Options& o, const config::Config& cfg);
int quarantine(const Options& o, const config::Config& cfg);

// Whether a message passes every filter (pure, for tests).
bool queue_selected(const std::vector<QueueFilter>& filters, const std::string& id, const queue::Envelope& env);

}  // namespace postern::sendmail
