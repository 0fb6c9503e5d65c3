// Address key search order.
#include "maps/address_keys.hpp"

#include "lib/base/strings.hpp"

namespace postern::maps {

AddressParts split_address(std::string_view address, std::string_view delimiters) {
    AddressParts p;
    std::string a = lowercase(trim(address));
    auto at = a.rfind('@');
    std::string local = at == std::string::npos ? a : a.substr(0, at);
    if (at != std::string::npos) {
        p.has_domain = true;
        p.domain = a.substr(at + 1);
        while (!p.domain.empty() && p.domain.back() == '.') p.domain.pop_back();
    }
    auto d = delimiters.empty() ? std::string::npos : local.find_first_of(delimiters);
    // A local part that is only "+ext" (or owner-style "a-") keeps its shape.
    if (d != std::string::npos && d > 0 && d + 1 < local.size()) {
        p.delimiter = local[d];
        p.extension = local.substr(d + 1);
        local.resize(d);
    }
    p.user = local;
    return p;
}

std::vector<KeyForm> address_keys(std::string_view address, const SearchOptions& opts) {
    AddressParts p = split_address(address, opts.delimiters);
    std::string full_user = p.delimiter ? p.user + p.delimiter + p.extension : p.user;
    std::vector<KeyForm> keys;
    if (p.has_domain) {
        if (p.delimiter) keys.push_back({full_user + "@" + p.domain, true, false});
        keys.push_back({p.user + "@" + p.domain, false, false});
    }
    bool local = !p.has_domain || (opts.is_local && opts.is_local(p.domain));
    if (local && opts.use_user_keys) {
        if (p.delimiter) keys.push_back({full_user, true, false});
        keys.push_back({p.user, false, false});
    }
    if (p.has_domain && opts.use_domain_key) keys.push_back({"@" + p.domain, false, true});
    return keys;
}

AddressMatch search_address(MapList& maps, std::string_view address, const SearchOptions& opts) {
    AddressMatch m;
    m.parts = split_address(address, opts.delimiters);
    for (KeyForm& form : address_keys(address, opts)) {
        Lookup r = maps.lookup(form.key);
        if (r.is_not_found()) continue;
        m.result = std::move(r);
        m.form = std::move(form);
        return m;
    }
    return m;
}

std::string apply_result(std::string_view result, const AddressMatch& match, const SearchOptions& opts) {
    std::string out(trim(result));
    const AddressParts& p = match.parts;
    bool add_ext = opts.propagate_extension && p.delimiter && !match.form.extension_matched;
    if (!out.empty() && out.front() == '@') {
        std::string user = p.delimiter ? p.user + p.delimiter + p.extension : p.user;
        return user + out;
    }
    if (!add_ext) return out;
    auto at = out.rfind('@');
    std::string local = at == std::string::npos ? out : out.substr(0, at);
    std::string rest = at == std::string::npos ? "" : out.substr(at);
    return local + p.delimiter + p.extension + rest;
}

}  // namespace postern::maps
