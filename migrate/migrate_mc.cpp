#include "migrate_mc.hpp"

#include <cctype>
#include <set>

#include "lib/base/strings.hpp"

namespace postern::migrate {
namespace {

const std::set<std::string, std::less<>> kSections = {"LOCAL_RULE_0", "LOCAL_RULE_1", "LOCAL_RULE_2",
                                                      "LOCAL_RULE_3", "LOCAL_RULESETS", "LOCAL_CONFIG",
                                                      "LOCAL_NET_CONFIG", "MAILER_DEFINITIONS"};

class Scanner {
public:
    Scanner(std::string_view text, McFile& out) : text_(text), out_(out) {}

    void run() {
        while (pos_ < text_.size()) {
            if (!section_.name.empty() && at_line_start()) {
                if (!starts_macro_line()) {
                    take_section_line();
                    continue;
                }
                close_section();
            }
            step();
        }
        close_section();
    }

private:
    bool at_line_start() const { return pos_ == 0 || text_[pos_ - 1] == '\n'; }

    std::string_view identifier_at(std::size_t p) const {
        std::size_t e = p;
        while (e < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[e])) || text_[e] == '_')) ++e;
        return text_.substr(p, e - p);
    }

    bool starts_macro_line() const {
        auto id = identifier_at(pos_);
        if (id.empty() || !std::isalpha(static_cast<unsigned char>(id[0]))) return false;
        std::size_t after = pos_ + id.size();
        return kSections.count(id) || (after < text_.size() && text_[after] == '(') || id == "dnl";
    }

    void take_section_line() {
        auto nl = text_.find('\n', pos_);
        auto line = text_.substr(pos_, nl - pos_);
        if (!trim(line).empty() && line[0] != '#') section_.lines.emplace_back(line_, std::string(line));
        advance_to(nl == std::string_view::npos ? text_.size() : nl + 1);
    }

    void close_section() {
        if (!section_.name.empty()) out_.sections.push_back(std::move(section_));
        section_ = {};
    }

    void advance_to(std::size_t p) {
        for (; pos_ < p; ++pos_)
            if (text_[pos_] == '\n') ++line_;
    }

    void skip_line() {
        auto nl = text_.find('\n', pos_);
        advance_to(nl == std::string_view::npos ? text_.size() : nl + 1);
    }

    void step() {
        char c = text_[pos_];
        if (c == '#' ) return skip_line();
        if (c == '`') return skip_quoted();
        if (!std::isalpha(static_cast<unsigned char>(c)) && c != '_') return advance_to(pos_ + 1);
        auto id = identifier_at(pos_);
        std::size_t start_line = line_;
        advance_to(pos_ + id.size());
        if (id == "dnl") return skip_line();
        if (kSections.count(id)) {
            close_section();
            section_.line = start_line;
            section_.name = std::string(id);
            return skip_line();
        }
        if (pos_ < text_.size() && text_[pos_] == '(') read_call(std::string(id), start_line);
    }

    void skip_quoted() {
        int depth = 0;
        do {
            if (text_[pos_] == '`') ++depth;
            if (text_[pos_] == '\'') --depth;
            advance_to(pos_ + 1);
        } while (pos_ < text_.size() && depth > 0);
    }

    // At '(' after NAME: arguments split at top-level commas.
    void read_call(std::string name, std::size_t start_line) {
        McCall call{start_line, std::move(name), {}};
        std::string arg;
        int quote = 0, paren = 0;
        advance_to(pos_ + 1);
        while (pos_ < text_.size()) {
            char c = text_[pos_];
            advance_to(pos_ + 1);
            if (c == '`' && quote++ == 0) continue;
            if (c == '\'' && quote > 0 && --quote == 0) continue;
            if (quote == 0 && c == '(') ++paren;
            if (quote == 0 && c == ')' && paren-- == 0) {
                call.args.push_back(std::string(trim(arg)));
                out_.calls.push_back(std::move(call));
                return;
            }
            if (quote == 0 && paren == 0 && c == ',') {
                call.args.push_back(std::string(trim(arg)));
                arg.clear();
                continue;
            }
            arg += c;
        }
        out_.errors.emplace_back(start_line, call.name + "( without a closing parenthesis");
    }

    std::string_view text_;
    McFile& out_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
    McSection section_;
};

}  // namespace

McFile parse_mc(std::string_view text, std::string path) {
    McFile mc;
    mc.path = std::move(path);
    Scanner(text, mc).run();
    return mc;
}

}  // namespace postern::migrate
