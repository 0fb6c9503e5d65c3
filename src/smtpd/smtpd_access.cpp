// The default access table (finds nothing) and value parsing.
#include "smtpd_access.hpp"

#include "lib/base/strings.hpp"

namespace postern::smtpd {

AccessVerdict parse_access_value(std::string_view value) {
    value = trim(value);
    if (iequals(value, "OK")) return {AccessAction::Ok, {}};
    if (iequals(value, "RELAY")) return {AccessAction::Relay, {}};
    if (iequals(value, "REJECT")) return {AccessAction::Reject, {}};
    bool code = value.size() >= 3 && (value[0] == '4' || value[0] == '5') && value[1] >= '0' && value[1] <= '9' &&
                value[2] >= '0' && value[2] <= '9' && (value.size() == 3 || value[3] == ' ');
    if (!code) return {};
    for (char c : value)
        if (static_cast<unsigned char>(c) < ' ' || c == 0x7f) return {};
    std::string text(value.substr(0, 200));
    if (text.size() == 3) text += value[0] == '4' ? " 4.7.1 Try again later" : " 5.7.1 Access denied";
    return {AccessAction::Reply, std::move(text)};
}

AccessVerdict AccessTable::client(std::string_view, std::string_view) const { return {}; }
AccessVerdict AccessTable::helo(std::string_view) const { return {}; }
AccessVerdict AccessTable::sender(std::string_view) const { return {}; }
AccessVerdict AccessTable::recipient(std::string_view) const { return {}; }

std::unique_ptr<AccessTable> open_access_table(const config::Config&) { return std::make_unique<AccessTable>(); }

}  // namespace postern::smtpd
