#include "migrate_plan.hpp"

#include <algorithm>
#include <cstdio>

namespace postern::migrate {

void Plan::add(std::string source, std::string what, Outcome outcome, std::string note) {
    items_.push_back(Item{std::move(source), std::move(what), outcome, std::move(note)});
}

bool Plan::needs_human() const { return count(Outcome::NotConverted) > 0; }

std::size_t Plan::count(Outcome outcome) const {
    return static_cast<std::size_t>(
        std::count_if(items_.begin(), items_.end(), [&](const Item& i) { return i.outcome == outcome; }));
}

std::string_view outcome_name(Outcome outcome) {
    switch (outcome) {
        case Outcome::Converted: return "converted";
        case Outcome::ConvertedWithNote: return "converted with a note";
        case Outcome::NotConverted: return "not converted";
    }
    return "?";
}

std::string Plan::render() const {
    std::string out;
    for (const auto& i : items_) {
        out += std::string(outcome_name(i.outcome)) + "\t" + i.source + "\t" + visible(i.what);
        if (!i.note.empty()) out += "\t" + visible(i.note, 400);
        out += "\n";
    }
    out += "# " + std::to_string(items_.size()) + " items: " + std::to_string(count(Outcome::Converted)) +
           " converted, " + std::to_string(count(Outcome::ConvertedWithNote)) + " converted with a note, " +
           std::to_string(count(Outcome::NotConverted)) + " not converted" +
           (needs_human() ? " (needs a human)\n" : "\n");
    return out;
}

std::string where(std::string_view path, std::size_t line) {
    return std::string(path) + ":" + std::to_string(line);
}

std::string visible(std::string_view bytes, std::size_t max) {
    std::string out;
    for (unsigned char c : bytes.substr(0, max)) {
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out += static_cast<char>(c);
        } else if (c == '\t') {
            out += ' ';
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\%03o", c);
            out += buf;
        }
    }
    if (bytes.size() > max) out += "...";
    return out;
}

}  // namespace postern::migrate
