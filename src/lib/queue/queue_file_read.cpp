// Queue file reader: the file is untrusted input (a maildrop file is the
// submitting user's), so every record is checked for type, order and size,
// and it is read through a bounded pread window, never whole.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>

#include "lib/queue/queue_file.hpp"

namespace postern::queue {
namespace {

constexpr std::size_t kHeaderSize = 5;
constexpr std::size_t kWindow = 2 * (kMaxData + kHeaderSize);

Error corrupt(std::string_view what, off_t at) {
    return make_error("queue file: " + std::string(what) + " at offset " + std::to_string(at));
}

std::string type_name(char type) {
    if (type >= '!' && type <= '~') return std::string("'") + type + "'";
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned char>(type));
    return hex;
}

// A window over the file filled by pread; views stay valid until the next get().
class Cursor {
public:
    Cursor(int fd, off_t size) : fd_(fd), size_(size) {}
    off_t size() const { return size_; }
    // Bytes [off, off + n); the caller has checked that they lie inside the file.
    Result<std::string_view> get(off_t off, std::size_t n, std::size_t readahead);

private:
    int fd_;
    off_t size_;
    std::string buf_;
    off_t buf_off_ = 0;
};

Result<std::string_view> Cursor::get(off_t off, std::size_t n, std::size_t readahead) {
    if (off < buf_off_ || off + static_cast<off_t>(n) > buf_off_ + static_cast<off_t>(buf_.size())) {
        std::size_t want = std::max(n, readahead);
        want = std::min(want, static_cast<std::size_t>(size_ - off));
        buf_.resize(want);
        buf_off_ = off;
        std::size_t got = 0;
        while (got < want) {
            ssize_t r = ::pread(fd_, buf_.data() + got, want - got, off + static_cast<off_t>(got));
            if (r < 0 && errno == EINTR) continue;
            if (r < 0) return errno_error("queue file: read at offset " + std::to_string(off));
            if (r == 0) break;
            got += static_cast<std::size_t>(r);
        }
        buf_.resize(got);
        if (got < n) return corrupt("file shrank while reading", off);
    }
    return std::string_view(buf_).substr(static_cast<std::size_t>(off - buf_off_), n);
}

struct Header {
    char type;
    std::uint32_t length;
};

// The record header at off, or an error if the file ends inside it.
Result<Header> read_header(Cursor& cur, off_t off, std::size_t readahead) {
    if (cur.size() - off < static_cast<off_t>(kHeaderSize)) return corrupt("truncated record", off);
    auto bytes = cur.get(off, kHeaderSize, readahead);
    if (!bytes) return bytes.error();
    auto u = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>((*bytes)[i])); };
    return Header{(*bytes)[0], (u(1) << 24) | (u(2) << 16) | (u(3) << 8) | u(4)};
}

Status fd_size(int fd, off_t& size) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return errno_error("queue file: fstat");
    if (!S_ISREG(st.st_mode)) return make_error("queue file: not a regular file");
    size = st.st_size;
    return {};
}

// ---- envelope parsing: one rule per record type -------------------------

struct Parse {
    Envelope env;
    const ReadLimits& limits;
    std::uint64_t envelope_bytes = 0;
    std::string seen;  // record types met so far, for order rules
    bool ended = false;
};

using Handler = Status (*)(Parse&, std::string_view payload, off_t at, std::uint32_t length);

struct Rule {
    char type;
    int rank;               // records appear in non-decreasing rank
    bool repeat;            // may occur more than once
    std::size_t max_length;
    const char* requires_;  // types that must come before this one
    Handler handle;
};

bool parse_decimal(std::string_view s, unsigned long long& v) {
    if (s.empty() || s.size() > 19) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && p == s.data() + s.size();
}

Status on_version(Parse&, std::string_view p, off_t at, std::uint32_t) {
    unsigned long long v = 0;
    if (!parse_decimal(p, v)) return corrupt("bad version record", at);
    if (v != kVersion) return make_error("unsupported queue file version " + std::to_string(v));
    return {};
}

Status on_time(Parse& ps, std::string_view p, off_t at, std::uint32_t) {
    auto dot = p.find('.');
    unsigned long long secs = 0, micros = 0;
    if (dot == std::string_view::npos || p.size() - dot - 1 != 6 || !parse_decimal(p.substr(0, dot), secs) ||
        !parse_decimal(p.substr(dot + 1), micros) || secs > (1ull << 40))
        return corrupt("bad arrival time", at);
    ps.env.arrival.tv_sec = static_cast<time_t>(secs);
    ps.env.arrival.tv_nsec = static_cast<long>(micros * 1000);
    return {};
}

Status text_field(std::string& out, std::string_view p, off_t at, const char* what) {
    if (p.find('\0') != std::string_view::npos) return corrupt(std::string("NUL byte in ") + what, at);
    out.assign(p);
    return {};
}

Status on_sender(Parse& ps, std::string_view p, off_t at, std::uint32_t) {
    return text_field(ps.env.sender, p, at, "sender");
}

Status on_full_name(Parse& ps, std::string_view p, off_t at, std::uint32_t) {
    return text_field(ps.env.full_name, p, at, "full name");
}

Status on_uid(Parse& ps, std::string_view p, off_t at, std::uint32_t) {
    unsigned long long uid = 0;
    if (!parse_decimal(p, uid) || uid > 0xffffffffull) return corrupt("bad uid record", at);
    ps.env.uid = static_cast<long long>(uid);
    return {};
}

Status on_flags(Parse& ps, std::string_view p, off_t at, std::uint32_t) {
    for (char c : p) {
        if (c != 't') return corrupt("unknown flag " + type_name(c), at);
        ps.env.extract_recipients = true;
    }
    return {};
}

Status on_attr(Parse& ps, std::string_view p, off_t at, std::uint32_t) {
    if (ps.env.attrs.size() >= ps.limits.max_attributes)
        return corrupt("too many attributes (limit " + std::to_string(ps.limits.max_attributes) + ")", at);
    auto eq = p.find('=');
    if (eq == 0 || eq == std::string_view::npos || p.find('\0') != std::string_view::npos)
        return corrupt("bad attribute record", at);
    ps.env.attrs.emplace_back(std::string(p.substr(0, eq)), std::string(p.substr(eq + 1)));
    return {};
}

Status on_rcpt(Parse& ps, std::string_view p, off_t at, std::uint32_t) {
    if (ps.env.recipients.size() >= ps.limits.max_recipients)
        return corrupt("too many recipients (limit " + std::to_string(ps.limits.max_recipients) + ")", at);
    if (p.empty() || std::count(p.begin(), p.end(), '\0') != 2) return corrupt("bad recipient record", at);
    char st = p[0];
    if (st != '-' && st != 'D' && st != 'B' && st != 'E') return corrupt("bad recipient status", at);
    auto nul1 = p.find('\0');
    auto nul2 = p.find('\0', nul1 + 1);
    if (nul1 == 1) return corrupt("empty recipient address", at);
    Recipient r;
    r.status = static_cast<RcptStatus>(st);
    r.address.assign(p.substr(1, nul1 - 1));
    r.orcpt.assign(p.substr(nul1 + 1, nul2 - nul1 - 1));
    r.notify.assign(p.substr(nul2 + 1));
    r.status_offset = at + static_cast<off_t>(kHeaderSize);
    ps.env.recipients.push_back(std::move(r));
    return {};
}

Status on_start(Parse& ps, std::string_view, off_t at, std::uint32_t) {
    ps.env.content_offset = at + static_cast<off_t>(kHeaderSize);
    return {};
}

Status on_data(Parse& ps, std::string_view, off_t at, std::uint32_t length) {
    ps.env.content_size += length;
    if (ps.env.content_size > ps.limits.max_content)
        return corrupt("content larger than " + std::to_string(ps.limits.max_content) + " bytes", at);
    return {};
}

Status on_end(Parse& ps, std::string_view, off_t, std::uint32_t) {
    ps.ended = true;
    return {};
}

constexpr Rule kRules[] = {
    {'V', 0, false, kMaxEnvelopeRecord, "", on_version},
    {'T', 1, false, kMaxEnvelopeRecord, "V", on_time},
    {'S', 2, false, kMaxEnvelopeRecord, "VT", on_sender},
    {'F', 3, false, kMaxEnvelopeRecord, "VTS", on_full_name},
    {'U', 4, false, kMaxEnvelopeRecord, "VTS", on_uid},
    {'X', 5, false, kMaxEnvelopeRecord, "VTS", on_flags},
    {'A', 6, true, kMaxEnvelopeRecord, "VTS", on_attr},
    {'R', 7, true, kMaxEnvelopeRecord, "VTS", on_rcpt},
    {'M', 8, false, 0, "VTS", on_start},
    {'D', 9, true, kMaxData, "M", on_data},
    {'E', 10, false, 0, "M", on_end},
};

const Rule* find_rule(char type) {
    for (const auto& r : kRules)
        if (r.type == type) return &r;
    return nullptr;
}

// Type, order and size checks that need no payload.
Status check_rule(const Parse& ps, const Rule* rule, const Header& h, int last_rank, off_t at) {
    if (!rule) return corrupt("unknown record type " + type_name(h.type), at);
    for (const char* r = rule->requires_; *r; ++r)
        if (ps.seen.find(*r) == std::string::npos)
            return corrupt("record " + type_name(h.type) + " before " + type_name(*r), at);
    if (rule->rank < last_rank || (rule->rank == last_rank && !rule->repeat))
        return corrupt("record " + type_name(h.type) + " out of order", at);
    if (h.length > rule->max_length)
        return corrupt("record " + type_name(h.type) + " too long (" + std::to_string(h.length) + " bytes)", at);
    return {};
}

Status parse_record(Parse& ps, Cursor& cur, off_t& pos, int& last_rank) {
    bool in_content = ps.seen.find('M') != std::string::npos;
    // Content headers are read alone: the 'D' payloads between them are skipped.
    auto h = read_header(cur, pos, in_content ? kHeaderSize : kWindow);
    if (!h) return h.error();
    const Rule* rule = find_rule(h->type);
    POSTERN_TRY(check_rule(ps, rule, *h, last_rank, pos));
    if (cur.size() - pos - static_cast<off_t>(kHeaderSize) < static_cast<off_t>(h->length))
        return corrupt("truncated record", pos);
    std::string_view payload;
    if (rule->type != 'D') {
        ps.envelope_bytes += h->length;
        if (ps.envelope_bytes > ps.limits.max_envelope_bytes)
            return corrupt("envelope larger than " + std::to_string(ps.limits.max_envelope_bytes) + " bytes", pos);
        auto bytes = cur.get(pos + static_cast<off_t>(kHeaderSize), h->length, kWindow);
        if (!bytes) return bytes.error();
        payload = *bytes;
    }
    POSTERN_TRY(rule->handle(ps, payload, pos, h->length));
    if (ps.seen.find(rule->type) == std::string::npos) ps.seen += rule->type;
    last_rank = rule->rank;
    pos += static_cast<off_t>(kHeaderSize + h->length);
    return {};
}

}  // namespace

Result<Envelope> read_envelope(int fd, const ReadLimits& limits) {
    off_t size = 0;
    if (auto st = fd_size(fd, size); !st) return st.error();
    Cursor cur(fd, size);
    if (size < static_cast<off_t>(kMagic.size())) return corrupt("truncated magic", 0);
    auto magic = cur.get(0, kMagic.size(), kWindow);
    if (!magic) return magic.error();
    if (*magic != kMagic) return corrupt("bad magic", 0);
    Parse ps{Envelope{}, limits, 0, {}, false};
    off_t pos = static_cast<off_t>(kMagic.size());
    int last_rank = -1;
    while (!ps.ended) {
        if (pos == size) return corrupt("missing end record", pos);
        POSTERN_TRY(parse_record(ps, cur, pos, last_rank));
    }
    if (pos != size) return corrupt("trailing data after end record", pos);
    return std::move(ps.env);
}

Status read_content(int fd, const Envelope& env, const std::function<Status(std::string_view)>& sink) {
    off_t size = 0;
    if (auto st = fd_size(fd, size); !st) return st.error();
    if (env.content_offset <= 0 || env.content_offset > size) return corrupt("bad content offset", env.content_offset);
    Cursor cur(fd, size);
    off_t pos = env.content_offset;
    std::uint64_t total = 0;
    for (;;) {
        auto h = read_header(cur, pos, kWindow);
        if (!h) return h.error();
        if (h->type == 'E' && h->length == 0) break;
        if (h->type != 'D') return corrupt("unexpected record " + type_name(h->type) + " in content", pos);
        if (h->length > kMaxData || size - pos - static_cast<off_t>(kHeaderSize) < static_cast<off_t>(h->length))
            return corrupt("bad content record", pos);
        auto bytes = cur.get(pos + static_cast<off_t>(kHeaderSize), h->length, kWindow);
        if (!bytes) return bytes.error();
        total += h->length;
        if (total > env.content_size) return corrupt("content changed since the envelope was read", pos);
        POSTERN_TRY(sink(*bytes));
        pos += static_cast<off_t>(kHeaderSize + h->length);
    }
    if (total != env.content_size) return corrupt("content changed since the envelope was read", pos);
    return {};
}

}  // namespace postern::queue
