// The Spirit X3 grammars for RFC 5322 mailboxes and RFC 5321 paths. This is
// the only translation unit that includes Spirit (compile time).
//
// The RFC 5322 grammar yields tokens (words and dots) rather than finished
// strings: X3 does not undo semantic actions on backtracking, while a token
// is only pushed once it parsed whole. The token lists are checked and
// joined in C++ below (no two words adjacent, domain = atoms joined by dots
// or one literal).
#include "lib/address/address_grammar.hpp"

#include <boost/fusion/include/adapt_struct.hpp>
#include <boost/spirit/home/x3.hpp>

#include <cstring>
#include <vector>

namespace postern::address::detail {
struct AddrSpecAst {
    std::vector<std::string> local;
    std::vector<std::string> domain;
};
struct NameAddrAst {
    std::vector<std::string> phrase;
    AddrSpecAst addr;
};
}  // namespace postern::address::detail

BOOST_FUSION_ADAPT_STRUCT(postern::address::detail::AddrSpecAst, local, domain)
BOOST_FUSION_ADAPT_STRUCT(postern::address::detail::NameAddrAst, phrase, addr)
BOOST_FUSION_ADAPT_STRUCT(postern::address::detail::SmtpParts, local, domain)

namespace postern::address::detail {
namespace {

namespace x3 = boost::spirit::x3;

// --- byte classes (8-bit bytes are UTF-8 per RFC 6532/6531 where allowed) ---
bool is_alnum(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_atext_ascii(unsigned char c) { return is_alnum(c) || (c && std::strchr("!#$%&'*+-/=?^_`{|}~", c)); }
bool is_atext(unsigned char c) { return is_atext_ascii(c) || c >= 0x80; }
bool is_qtext(unsigned char c) { return c != '"' && c != '\\' && c != '\r' && c != '\n' && c != 0; }
bool is_ctext(unsigned char c) { return c != '(' && c != ')' && c != '\\' && c != 0; }
bool is_dtext(unsigned char c) { return (c > 32 && c != '[' && c != ']' && c != '\\' && c != 127); }
bool is_pair(unsigned char c) { return c != 0 && c != '\r' && c != '\n'; }
bool is_qtext_smtp(unsigned char c) { return c >= 32 && c <= 126 && c != '"' && c != '\\'; }
bool is_qtext_smtp8(unsigned char c) { return is_qtext_smtp(c) || c >= 0x80; }
bool is_print(unsigned char c) { return c >= 32 && c <= 126; }
bool is_alnum8(unsigned char c) { return is_alnum(c) || c >= 0x80; }
bool is_dcontent(unsigned char c) { return c >= 33 && c <= 126 && c != '[' && c != ']' && c != '\\'; }

// One byte satisfying Pred; attribute char. Honors the skipper like char_.
template <bool (*Pred)(unsigned char)>
struct Byte : x3::parser<Byte<Pred>> {
    using attribute_type = char;
    static bool const has_attribute = true;
    template <class It, class Ctx, class RCtx, class Attr>
    bool parse(It& first, It last, const Ctx& ctx, RCtx&, Attr& attr) const {
        x3::skip_over(first, last, ctx);
        if (first == last || !Pred(static_cast<unsigned char>(*first))) return false;
        x3::traits::move_to(*first, attr);
        ++first;
        return true;
    }
};

// --- RFC 5322 (skipper: CFWS) ---
x3::rule<class comment_r> const comment = "comment";
auto const comment_def = '(' >> *(Byte<is_ctext>{} | ('\\' >> Byte<is_pair>{}) | comment) >> ')';
BOOST_SPIRIT_DEFINE(comment)
auto const cfws = x3::rule<class cfws_r>{"cfws"} = +(x3::char_(" \t") | comment);

using Str = std::string;
using Tokens = std::vector<std::string>;
auto const atom = x3::rule<class atom_r, Str>{"atom"} = x3::lexeme[+Byte<is_atext>{}];
auto const quoted = x3::rule<class quoted_r, Str>{"quoted"} =
    x3::lexeme['"' >> *(Byte<is_qtext>{} | ('\\' >> Byte<is_pair>{})) >> '"'];
auto const word = x3::rule<class word_r, Str>{"word"} = atom | quoted;
auto const dot = x3::rule<class dot_r, Str>{"dot"} = x3::string(".");
auto const literal = x3::rule<class literal_r, Str>{"literal"} =
    x3::lexeme[x3::char_('[') >> *Byte<is_dtext>{} >> x3::char_(']')];
auto const local_part = x3::rule<class local_r, Tokens>{"local"} = +(word | dot);
auto const domain = x3::rule<class domain_r, Tokens>{"domain"} = +(literal | atom | dot);
auto const addr_spec = x3::rule<class addr_spec_r, AddrSpecAst>{"addr-spec"} =
    local_part >> -('@' >> domain);
// obs-route ("<@a,@b:user@c>") is accepted and dropped, as RFC 5322 says.
auto const obs_route = x3::omit[*x3::lit(',') >> '@' >> domain >> *(',' >> -('@' >> domain)) >> ':'];
auto const phrase = x3::rule<class phrase_r, Tokens>{"phrase"} = +(word | dot);
auto const name_addr = x3::rule<class name_addr_r, NameAddrAst>{"name-addr"} =
    -phrase >> '<' >> -obs_route >> addr_spec >> '>';

// Words must be separated by dots: "a b@c" is two words, not an address.
std::optional<std::string> join_local(const Tokens& t) {
    std::string out;
    bool prev_word = false;
    bool any_word = false;
    for (const auto& tok : t) {
        bool is_dot = tok == ".";  // a quoted "." is a word; harmless either way
        if (!is_dot && prev_word) return std::nullopt;
        out += tok;
        prev_word = !is_dot;
        any_word = any_word || !is_dot;
    }
    if (!any_word) return std::nullopt;
    return out;
}

std::optional<std::string> join_domain(const Tokens& t) {
    if (t.size() == 1 && t[0].front() == '[') return t[0];
    std::string out;
    for (std::size_t i = 0; i < t.size(); ++i) {
        bool want_atom = i % 2 == 0;
        if (t[i].front() == '[' || (t[i] == ".") == want_atom) return std::nullopt;
        out += t[i];
    }
    if (t.empty() || t.size() % 2 == 0) return std::nullopt;  // ends with a dot
    return out;
}

std::string join_phrase(const Tokens& t) {
    std::string out;
    for (const auto& tok : t) {
        if (!out.empty() && tok != ".") out += ' ';
        out += tok;
    }
    return out;
}

std::optional<Address> to_address(const AddrSpecAst& ast, std::string display) {
    auto local = join_local(ast.local);
    if (!local) return std::nullopt;
    Address a{std::move(display), std::move(*local), {}};
    if (!ast.domain.empty()) {
        auto d = join_domain(ast.domain);
        if (!d) return std::nullopt;
        a.domain = std::move(*d);
    }
    return a;
}

// --- RFC 5321 (no skipper) ---
template <bool (*Atext)(unsigned char), bool (*Qtext)(unsigned char), bool (*Alnum)(unsigned char)>
std::optional<SmtpParts> parse_smtp(std::string_view text) {
    auto const dot_string = +Byte<Atext>{} % '.';
    auto const quoted_string = '"' >> *(Byte<Qtext>{} | ('\\' >> Byte<is_print>{})) >> '"';
    auto const let_dig = Byte<Alnum>{};
    auto const sub_domain = let_dig >> *(let_dig | (+x3::lit('-') >> let_dig));
    auto const dom = sub_domain % '.';
    auto const addr_literal = '[' >> +Byte<is_dcontent>{} >> ']';
    auto const mailbox = x3::rule<class smtp_mailbox_r, SmtpParts>{"mailbox"} =
        x3::raw[dot_string | quoted_string] >> -('@' >> x3::raw[addr_literal | dom]);
    SmtpParts parts;
    auto first = text.begin();
    if (!x3::parse(first, text.end(), mailbox, parts) || first != text.end()) return std::nullopt;
    return parts;
}

}  // namespace

std::optional<Address> parse_rfc5322_mailbox(std::string_view text) {
    {
        NameAddrAst ast;
        auto first = text.begin();
        if (x3::phrase_parse(first, text.end(), name_addr, cfws, ast) && first == text.end())
            return to_address(ast.addr, join_phrase(ast.phrase));
    }
    AddrSpecAst ast;
    auto first = text.begin();
    if (x3::phrase_parse(first, text.end(), addr_spec, cfws, ast) && first == text.end())
        return to_address(ast, {});
    return std::nullopt;
}

std::optional<SmtpParts> parse_rfc5321_mailbox(std::string_view text, bool allow_utf8) {
    if (allow_utf8) return parse_smtp<is_atext, is_qtext_smtp8, is_alnum8>(text);
    return parse_smtp<is_atext_ascii, is_qtext_smtp, is_alnum>(text);
}

}  // namespace postern::address::detail
