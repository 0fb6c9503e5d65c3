// sendmail -bm (the default): build the envelope from the command line,
// read the message from stdin and hand both to postdrop as queue-file
// records. Returns the process exit status (sysexits); every failure has
// already been reported on stderr as one "sendmail: fatal: ..." line.
#pragma once

#include <cstdint>
#include <string>

#include "lib/config/config.hpp"
#include "lib/queue/queue_file.hpp"
#include "sendmail_options.hpp"

namespace postern::sendmail {

// The envelope for o: sender (-f, else the caller's login name, else the
// uid number), full name, -t flag, recipients, arrival time now.
queue::Envelope build_envelope(const Options& o);
// Bytes the envelope claims of $message_size_limit (sender, name, recipients).
std::uint64_t envelope_bytes(const queue::Envelope& env);

int submit(const Options& o, const config::Config& cfg, int input_fd);

}  // namespace postern::sendmail
