// Attribute lists: the wire form of every message between postern processes.
//
// Frame:   u32 BE payload length | payload
// Payload: u16 BE attribute count | per attribute:
//            u16 BE name length | name | u32 BE value length | value
// Names are [a-z0-9_.]+. Values are bytes (may hold NUL). Every decoder
// enforces Limits itself: an oversized frame, too many attributes, an
// oversized value, trailing bytes or a malformed name reject the message
// (the caller ends that conversation with a warning; nothing crashes).
// A value may itself be an encoded payload (nested list, e.g. one recipient).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/base/result.hpp"

namespace postern::ipc {

struct Limits {
    std::size_t max_payload = 4u << 20;  // $ipc_message_size_limit
    std::size_t max_attrs = 100000;
    std::size_t max_name = 64;
};

class AttrList {
public:
    AttrList& add(std::string_view name, std::string_view value);
    AttrList& add_int(std::string_view name, std::int64_t value);
    AttrList& add_list(std::string_view name, const AttrList& nested);  // value = encode_payload(nested)
    const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }
    std::size_t size() const { return items_.size(); }

private:
    std::vector<std::pair<std::string, std::string>> items_;
};

std::string encode_payload(const AttrList& list);
Result<AttrList> decode_payload(std::string_view payload, const Limits& limits);
std::string encode_frame(const AttrList& list);  // length prefix + payload

// Reads typed values out of a decoded list, OpenSMTPD m_end style: every
// attribute must be consumed exactly once; finish() reports leftovers
// (unknown or repeated attributes). Errors name the attribute.
class AttrReader {
public:
    AttrReader(const AttrList& list, const Limits& limits = {});
    Result<std::string> str(std::string_view name);                       // required, once
    std::string str_or(std::string_view name, std::string_view fallback);  // optional
    Result<std::int64_t> num(std::string_view name);                      // required decimal
    Result<std::int64_t> num_or(std::string_view name, std::int64_t fallback);
    // All attributes with this name, in order (a declared list; zero or more).
    std::vector<std::string> all(std::string_view name);
    Result<std::vector<AttrList>> nested_all(std::string_view name);
    Status finish();  // error if any attribute was not consumed

private:
    const AttrList& list_;
    Limits limits_;
    std::vector<bool> used_;
    Error first_error_;
    bool failed_ = false;
};

}  // namespace postern::ipc
