// The submission path shared by -bm (message on stdin) and -bs (one
// message per SMTP DATA): envelope checks, then queue-file records streamed
// through a pipe to postdrop while the content is read, so no message is
// held in memory (only its header block, see sendmail_header_gate.hpp).
//
// On the way the content passes these checks, in order: no NUL bytes
// (RFC 5322 forbids them; EX_DATAERR), the -X transcript, the header gate
// (-t needs a recipient; an untrusted sender change gets an
// X-Authentication-Warning: line, as sendmail adds it), the size budget.
// A failure on our side never reaches postdrop's end record, so postdrop
// keeps nothing. Success is reported only after postdrop exited 0, i.e.
// after the maildrop file was fsynced.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "lib/base/identity.hpp"
#include "lib/config/config.hpp"
#include "lib/queue/queue_file.hpp"
#include "sendmail_input.hpp"
#include "sendmail_options.hpp"
#include "sendmail_transcript.hpp"

namespace postern::sendmail {

// The envelope for o: sender (-f, else the caller's login name, else the
// uid number), full name, -t flag, recipients with -N, DSN attributes
// (-R, -V, -B), arrival time now.
queue::Envelope build_envelope(const Options& o);
// Bytes the envelope claims of $message_size_limit (sender, name, recipients).
std::uint64_t envelope_bytes(const queue::Envelope& env);

// Whether caller may set another sender silently: a name in trusted_users.
bool trusted_caller(const Identity& caller, const std::vector<std::string>& trusted_users);
// "X-Authentication-Warning: HOST: USER set sender to SENDER using -f\n",
// or "" when sender is unset, is the caller's own name, or caller is trusted.
std::string authentication_warning(const std::optional<std::string>& sender, char flag, const Identity& caller,
                                   const std::vector<std::string>& trusted_users, const std::string& hostname);

struct SubmitResult {
    int code = 0;             // sysexits
    std::string message;      // one line for the user when code != 0 ("" when postdrop printed its own)
    std::vector<std::string> postdrop_messages;
    std::vector<std::string> header_recipients;  // -t: what the header named (for -v)
};

// Produces the content into the sink, at most budget bytes (copy_message).
using ContentSource = std::function<InputResult(std::uint64_t budget, const Sink& sink)>;

// Queue one message. env's recipients may be empty only with -t.
// transcript may be null.
SubmitResult submit_message(const Options& o, const config::Config& cfg, const queue::Envelope& env,
                            const ContentSource& content, Transcript* transcript);

// sendmail -bm: the whole thing for stdin, with messages on stderr per the
// error mode. Returns the exit status.
int submit(const Options& o, const config::Config& cfg, int input_fd);

// Command-line recipients: each operand may be an address list
// ("a@x, Bob <b@y>"), as sendmail accepts. Returns the addresses or a
// usage error naming the bad operand ("a@@b... malformed address").
Result<std::vector<std::string>> recipients_from_operands(const std::vector<std::string>& operands);

}  // namespace postern::sendmail
