// Delivery headers and the Delivered-To loop check.
#include "local_headers.hpp"

#include <vector>

#include "lib/base/strings.hpp"

namespace postern::local {
namespace {

// A value read from the queue must not smuggle a second header line in.
std::string one_line(std::string_view v) {
    std::string out(v);
    for (char& c : out)
        if (c == '\n' || c == '\r') c = ' ';
    return out;
}

std::string_view strip_angles(std::string_view v) {
    v = trim(v);
    if (v.size() >= 2 && v.front() == '<' && v.back() == '>') v = v.substr(1, v.size() - 2);
    return trim(v);
}

// The header fields of a block, each unfolded into one string "Name: value".
std::vector<std::string> unfold(std::string_view block) {
    std::vector<std::string> fields;
    while (!block.empty()) {
        auto nl = block.find('\n');
        std::string_view line = block.substr(0, nl);
        block = nl == std::string_view::npos ? std::string_view{} : block.substr(nl + 1);
        if (line.empty()) break;  // end of the header block
        if ((line.front() == ' ' || line.front() == '\t') && !fields.empty())
            fields.back().append(line);
        else
            fields.emplace_back(line);
    }
    return fields;
}

}  // namespace

std::string delivered_to_header(std::string_view recipient) { return "Delivered-To: " + one_line(recipient) + "\n"; }

std::string delivery_headers(std::string_view sender, std::string_view recipient) {
    return "Return-Path: <" + one_line(sender) + ">\n" + delivered_to_header(recipient);
}

bool has_delivered_to(std::string_view header_block, std::string_view recipient) {
    constexpr std::string_view kName = "delivered-to:";
    for (const auto& field : unfold(header_block)) {
        if (!starts_with_icase(field, kName)) continue;
        if (iequals(strip_angles(std::string_view(field).substr(kName.size())), strip_angles(recipient))) return true;
    }
    return false;
}

}  // namespace postern::local
