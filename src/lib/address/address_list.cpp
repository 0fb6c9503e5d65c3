// Address lists: a lexical split of the header value into list elements
// (top-level commas; groups "name: a, b;"), then the X3 mailbox grammar on
// each element on its own. Splitting first is what makes the parser
// tolerant: one broken element is reported and skipped, the others survive.
#include <algorithm>
#include <cstring>

#include "lib/address/address.hpp"
#include "lib/address/address_grammar.hpp"

namespace postern::address {
namespace {

constexpr std::size_t kMaxRejectedText = 200;

bool is_atext_byte(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80 ||
           (c && std::strchr("!#$%&'*+-/=?^_`{|}~", c));
}

// RFC 5322 unfolding: CRLF (or a bare LF/CR) before white space goes away.
std::string unfold(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s)
        if (c != '\r' && c != '\n') out += c;
    return out;
}

// Deepest comment nesting outside quoted strings (bounds X3's recursion).
std::size_t comment_depth(std::string_view s) {
    std::size_t depth = 0, max = 0;
    bool quote = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\') ++i;
        else if (s[i] == '"' && depth == 0) quote = !quote;
        else if (s[i] == '(' && !quote) max = std::max(max, ++depth);
        else if (s[i] == ')' && !quote && depth > 0) --depth;
    }
    return max;
}

bool blank(std::string_view s) { return s.find_first_not_of(" \t") == std::string_view::npos; }

// Splits at top-level ',' ':' ';' while tracking quotes, comments, <...>
// and [...], so that delimiters inside those do not count.
class Splitter {
public:
    Splitter(std::string_view text, const ListLimits& limits, AddressList& out)
        : text_(text), limits_(limits), out_(out) {}

    void run() {
        for (std::size_t i = 0; i < text_.size() && !out_.truncated; ++i) {
            char c = text_[i];
            if (c == '\\') { ++i; continue; }  // quoted-pair: skip the next byte
            if (quote_) { quote_ = c != '"'; continue; }
            if (depth_ > 0) { track_comment(c); continue; }
            if (c == '"') quote_ = true;
            else if (c == '(') track_comment(c);
            else if (c == '<') ++angle_;
            else if (c == '>' && angle_ > 0) --angle_;
            else if (c == '[') bracket_ = true;
            else if (c == ']') bracket_ = false;
            else if (angle_ == 0 && !bracket_) delimiter(c, i);
        }
        element(text_.substr(start_));
    }

private:
    void track_comment(char c) {
        if (c == '(') ++depth_;
        else if (c == ')') --depth_;
        if (depth_ > max_depth_) max_depth_ = depth_;
    }

    void delimiter(char c, std::size_t i) {
        if (c == ',' || c == ';') {
            element(text_.substr(start_, i - start_));
            if (c == ';') in_group_ = false;
        } else if (c == ':' && !in_group_) {
            in_group_ = true;  // the text before ':' is the group's name, not an address
            max_depth_ = 0;
        } else {
            return;
        }
        start_ = i + 1;
    }

    void element(std::string_view e) {
        std::size_t depth = std::exchange(max_depth_, 0);
        if (blank(e)) return;  // empty element: ",," or a trailing comma
        std::optional<Address> a;
        if (depth <= limits_.max_comment_depth) a = detail::parse_rfc5322_mailbox(e);
        if (!a) {
            if (out_.rejected.size() < limits_.max_rejected)
                out_.rejected.emplace_back(e.substr(0, kMaxRejectedText));
            return;
        }
        if (out_.addresses.size() >= limits_.max_addresses) {
            out_.truncated = true;
            return;
        }
        out_.addresses.push_back(std::move(*a));
    }

    std::string_view text_;
    const ListLimits& limits_;
    AddressList& out_;
    std::size_t start_ = 0;
    std::size_t depth_ = 0;
    std::size_t max_depth_ = 0;
    std::size_t angle_ = 0;
    bool quote_ = false;
    bool bracket_ = false;
    bool in_group_ = false;
};

}  // namespace

std::string Address::spec() const {
    std::string s = quote_local_part(local);
    if (!domain.empty()) s += '@' + domain;
    return s;
}

bool is_dot_atom(std::string_view s) {
    if (s.empty() || s.front() == '.' || s.back() == '.') return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '.' ? s[i - 1] == '.' : !is_atext_byte(c)) return false;
    }
    return true;
}

std::string quote_local_part(std::string_view local) {
    if (is_dot_atom(local)) return std::string(local);
    std::string q = "\"";
    for (char c : local) {
        if (c == '"' || c == '\\') q += '\\';
        q += c;
    }
    return q + '"';
}

Result<AddressList> parse_address_list(std::string_view value, const ListLimits& limits) {
    if (value.size() > limits.max_input)
        return make_error("address list too long: " + std::to_string(value.size()) + " bytes");
    AddressList out;
    std::string text = unfold(value);
    Splitter(text, limits, out).run();
    return out;
}

Result<Address> parse_mailbox(std::string_view text) {
    ListLimits limits;
    std::string t = unfold(text.substr(0, limits.max_input + 1));
    std::optional<Address> a;
    if (text.size() <= limits.max_input && comment_depth(t) <= limits.max_comment_depth)
        a = detail::parse_rfc5322_mailbox(t);
    if (!a) return make_error("malformed address: " + std::string(text.substr(0, kMaxRejectedText)));
    return std::move(*a);
}

}  // namespace postern::address
