// Forwarding to addresses in other domains (alias "root: admin@corp.example",
// a .forward line "someone@elsewhere.test"), as Postfix's local does it: the
// message is resubmitted through cleanup (origin "local") as a new message
// whose recipients are the forwarded addresses of one recipient, whose
// envelope sender is the original sender (or owner-NAME@DOMAIN when the
// expansion went through a list with an owner), and whose content is the
// original message preceded by "Delivered-To: RECIPIENT", so the loop check
// (local_headers.hpp) stops it if it ever comes back.
//
// Runs in local's parent process (root or the instance user), never in a
// delivery child: private/cleanup is reachable only by root and the mail
// owner. Only cleanup's Ok (the new queue file fsynced) makes the recipient
// delivered ("forwarded as QUEUEID"); any temporary failure defers 4.3.0,
// so nothing is lost; a permanent refusal (e.g. size) bounces.
#pragma once

#include <string>
#include <vector>

#include "lib/ipc/messages.hpp"
#include "lib/resolve/resolve_expand.hpp"
#include "local_message.hpp"
#include "local_settings.hpp"
#include "local_status.hpp"

namespace postern::local {

// The CleanupOpen for the forwarded copy (separate for unit tests).
ipc::CleanupOpen forward_open(const Message& msg, const ipc::DeliverRecipient& rcpt, const std::string& sender,
                              const std::vector<std::string>& addresses);

// Submit one new message to all addresses with the given envelope sender.
Outcome forward_to(const Settings& settings, const Message& msg, const ipc::DeliverRecipient& rcpt,
                   const std::string& sender, const std::vector<std::string>& addresses);

}  // namespace postern::local
