// The migration plan: every item postern-migrate found on a sendmail host,
// with where it came from (file:line) and what became of it. plan prints it,
// apply prints it after acting; the exit status of both says whether any
// item needs a human (anything not converted).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace postern::migrate {

enum class Outcome { Converted, ConvertedWithNote, NotConverted };

struct Item {
    std::string source;  // "path:line" (or "path" for whole files)
    std::string what;    // "O MaxMessageSize=10485760", "FEATURE(virtusertable)", "qf 6AM5MXOY006329"
    Outcome outcome = Outcome::NotConverted;
    std::string note;    // what it became, or why not
};

class Plan {
public:
    void add(std::string source, std::string what, Outcome outcome, std::string note = {});
    void add(Item item) { items_.push_back(std::move(item)); }
    const std::vector<Item>& items() const { return items_; }
    bool needs_human() const;
    std::size_t count(Outcome outcome) const;
    // One line per item: "converted\tSOURCE\tWHAT\tNOTE", then a summary line.
    std::string render() const;

private:
    std::vector<Item> items_;
};

std::string_view outcome_name(Outcome outcome);
// "path:line"
std::string where(std::string_view path, std::size_t line);
// Control and non-ASCII bytes of sendmail input shown as \ooo, so a plan line
// stays one printable line without decoding anything as UTF-8.
std::string visible(std::string_view bytes, std::size_t max = 200);

}  // namespace postern::migrate
