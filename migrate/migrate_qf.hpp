// sendmail queue control files (qf, queue file version 8 and earlier) and
// the postern message they become.
//
// A qf file is lines, each starting with a record letter, ending with a line
// holding one ".". Header lines (H) continue on lines starting with a tab.
// Everything is bytes: addresses and header values may hold 8-bit and
// control bytes, and sendmail's macro byte \201 (followed by a macro name)
// in headers it expands at delivery. A file with an unknown record letter, a
// version above 8 or no final "." is damaged: sendmail itself would not
// deliver it (a queue run renames it Qf or leaves it).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/result.hpp"
#include "lib/queue/queue_file.hpp"

namespace postern::migrate {

inline constexpr int kMaxQfVersion = 8;
inline constexpr char kMacroByte = '\201';

struct QfRecipient {
    std::size_t line = 0;
    std::string address;
    std::string flags;       // "PNSF" ...
    std::string orcpt;       // Q line before it
    std::string controller;  // C line in force ("user:alias"), empty if none
};

struct QfHeader {
    std::size_t line = 0;
    std::string flags;  // ?flags? (empty: unconditional)
    std::string name;
    std::string text;   // "Name: value" with "\n\t..." continuation lines, no final newline
};

struct QfMessage {
    int version = 0;
    long long created = 0;       // T
    long long last_attempt = 0;  // K
    long long attempts = 0;      // N
    std::string status;          // M
    std::string flags;           // F: r w 8 b d n s
    std::string sender;          // S
    std::string envid;           // Z
    std::string body_type;       // B
    std::string df_dir;          // d
    std::string quarantine;      // q
    std::map<std::string, std::string> macros;  // $ lines
    std::vector<QfRecipient> recipients;
    std::vector<QfHeader> headers;

    bool has_flag(char f) const { return flags.find(f) != std::string::npos; }
    bool null_sender() const;
};

// Parse a whole qf file; errors name the line: "line 7: unknown record 'X'".
Result<QfMessage> parse_qf(std::string_view bytes);

// Why a recipient cannot become a postern envelope recipient (a program,
// a file, an :include:, or a controlling user that postern cannot honour);
// empty when it can.
std::string unconvertible_reason(const QfRecipient& r);

// The header block as sendmail would have sent it through a mailer with
// mailer_flags: a ?flags? header is kept when the mailer has at least one of
// its flags; Bcc: is dropped when F has 'b'; \201g becomes the envelope
// sender, a macro the qf carries ($ lines) its value; others are written as
// $x / ${name} and reported in unexpanded. Each line ends in "\n"; the blank separator line is not
// included.
std::string resolve_headers(const QfMessage& qf, std::string_view mailer_flags,
                            std::vector<std::string>& unexpanded);

// The postern envelope: undelivered recipients with NOTIFY/ORCPT, sender,
// arrival (T), DSN RET/ENVID, body type, attempts and last status as
// attributes.
queue::Envelope make_envelope(const QfMessage& qf, std::string_view sendmail_id);

}  // namespace postern::migrate
