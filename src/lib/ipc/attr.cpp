// Attribute list encoding and the strict decoder. Every length is checked
// against the bytes that remain before anything is copied, so a hostile
// length field costs nothing.
#include "lib/ipc/attr.hpp"

#include "lib/base/strings.hpp"

namespace postern::ipc {
namespace {

void put_u16(std::string& out, std::size_t v) {
    out += static_cast<char>((v >> 8) & 0xff);
    out += static_cast<char>(v & 0xff);
}

void put_u32(std::string& out, std::size_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

// Bounds-checked big-endian reader over a payload.
class Cursor {
public:
    explicit Cursor(std::string_view data) : data_(data) {}
    std::size_t remaining() const { return data_.size(); }
    bool u16(std::size_t& v) { return fixed(2, v); }
    bool u32(std::size_t& v) { return fixed(4, v); }
    bool bytes(std::size_t n, std::string_view& out) {
        if (n > data_.size()) return false;
        out = data_.substr(0, n);
        data_.remove_prefix(n);
        return true;
    }

private:
    bool fixed(std::size_t n, std::size_t& v) {
        if (n > data_.size()) return false;
        v = 0;
        for (std::size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(data_[i]);
        data_.remove_prefix(n);
        return true;
    }
    std::string_view data_;
};

bool valid_name(std::string_view name) {
    if (name.empty()) return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) return false;
    return true;
}

}  // namespace

AttrList& AttrList::add(std::string_view name, std::string_view value) {
    items_.emplace_back(std::string(name), std::string(value));
    return *this;
}

AttrList& AttrList::add_int(std::string_view name, std::int64_t value) { return add(name, std::to_string(value)); }

AttrList& AttrList::add_list(std::string_view name, const AttrList& nested) {
    return add(name, encode_payload(nested));
}

std::string encode_payload(const AttrList& list) {
    std::string out;
    put_u16(out, list.size());
    for (const auto& [name, value] : list.items()) {
        put_u16(out, name.size());
        out += name;
        put_u32(out, value.size());
        out += value;
    }
    return out;
}

std::string encode_frame(const AttrList& list) {
    std::string payload = encode_payload(list);
    std::string out;
    out.reserve(payload.size() + 4);
    put_u32(out, payload.size());
    out += payload;
    return out;
}

Result<AttrList> decode_payload(std::string_view payload, const Limits& limits) {
    if (payload.size() > limits.max_payload)
        return make_error("message too large (" + std::to_string(payload.size()) + " > " +
                          std::to_string(limits.max_payload) + " bytes)");
    Cursor in(payload);
    std::size_t count = 0;
    if (!in.u16(count)) return make_error("truncated message");
    if (count > limits.max_attrs) return make_error("too many attributes (" + std::to_string(count) + ")");
    AttrList list;
    for (std::size_t i = 0; i < count; ++i) {
        std::size_t name_len = 0, value_len = 0;
        std::string_view name, value;
        if (!in.u16(name_len)) return make_error("truncated message");
        if (name_len > limits.max_name) return make_error("attribute name too long (" + std::to_string(name_len) + " bytes)");
        if (!in.bytes(name_len, name)) return make_error("truncated message");
        if (!valid_name(name)) return make_error("malformed attribute name");
        if (!in.u32(value_len) || !in.bytes(value_len, value)) return make_error("truncated message");
        list.add(name, value);
    }
    if (in.remaining() != 0) return make_error(std::to_string(in.remaining()) + " trailing bytes after attributes");
    return list;
}

AttrReader::AttrReader(const AttrList& list, const Limits& limits)
    : list_(list), limits_(limits), used_(list.size(), false) {}

Result<std::string> AttrReader::str(std::string_view name) {
    const auto& items = list_.items();
    std::size_t found = items.size(), count = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (items[i].first != name) continue;
        if (count++ == 0) found = i;
    }
    std::string n(name);
    if (count == 0) return make_error("missing attribute " + n);
    if (count > 1 || used_[found]) {
        for (std::size_t i = 0; i < items.size(); ++i)
            if (items[i].first == name) used_[i] = true;  // reported here, not again by finish()
        return make_error("attribute " + n + " repeated");
    }
    used_[found] = true;
    return items[found].second;
}

std::string AttrReader::str_or(std::string_view name, std::string_view fallback) {
    // A repeat cannot be reported here; the second copy stays unconsumed and
    // finish() names it.
    const auto& items = list_.items();
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (items[i].first != name) continue;
        if (used_[i]) break;
        used_[i] = true;
        return items[i].second;
    }
    return std::string(fallback);
}

Result<std::int64_t> AttrReader::num(std::string_view name) {
    auto s = str(name);
    if (!s) return s.error();
    auto v = parse_int(*s);
    if (!v) return make_error("attribute " + std::string(name) + ": not a number");
    return *v;
}

Result<std::int64_t> AttrReader::num_or(std::string_view name, std::int64_t fallback) {
    const auto& items = list_.items();
    for (std::size_t i = 0; i < items.size(); ++i)
        if (items[i].first == name) return num(name);
    return fallback;
}

std::vector<std::string> AttrReader::all(std::string_view name) {
    std::vector<std::string> out;
    const auto& items = list_.items();
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (items[i].first != name || used_[i]) continue;
        used_[i] = true;
        out.push_back(items[i].second);
    }
    return out;
}

Result<std::vector<AttrList>> AttrReader::nested_all(std::string_view name) {
    std::vector<AttrList> out;
    for (const std::string& value : all(name)) {
        auto nested = decode_payload(value, limits_);
        if (!nested) return make_error("attribute " + std::string(name) + ": " + nested.error().message);
        out.push_back(std::move(*nested));
    }
    return out;
}

Status AttrReader::finish() {
    const auto& items = list_.items();
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (used_[i]) continue;
        // A name consumed elsewhere in the list is a repeat, not an unknown.
        for (std::size_t j = 0; j < items.size(); ++j)
            if (used_[j] && items[j].first == items[i].first) return make_error("attribute " + items[i].first + " repeated");
        return make_error("unknown attribute " + items[i].first);
    }
    return {};
}

}  // namespace postern::ipc
