// Queue IDs: base 32 time prefix + inode (see queue_id.hpp).
#include "lib/queue/queue_id.hpp"

#include <cstdint>

namespace postern::queue {
namespace {

// In ASCII order, so string order equals numeric order at equal width.
constexpr std::string_view kAlphabet = "0123456789BCDFGHJKLMNPQRSTVWXYZa";
constexpr int kBits = 5;
constexpr std::size_t kSecondsChars = 7;
constexpr std::size_t kMicrosChars = 4;
constexpr std::size_t kPrefix = kSecondsChars + kMicrosChars;
constexpr std::size_t kMaxInodeChars = (64 + kBits - 1) / kBits;  // 13
constexpr std::uint64_t kMaxSeconds = (std::uint64_t{1} << (kSecondsChars * kBits)) - 1;

int digit_value(char c) {
    auto pos = kAlphabet.find(c);
    return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

void append_fixed(std::string& out, std::uint64_t value, std::size_t width) {
    for (std::size_t i = width; i-- > 0;)
        out += kAlphabet[(value >> (i * kBits)) & 31u];
}

void append_variable(std::string& out, std::uint64_t value) {
    std::size_t width = 1;
    while (width < kMaxInodeChars && (value >> (width * kBits)) != 0) ++width;
    append_fixed(out, value, width);
}

bool decode(std::string_view digits, std::uint64_t& value) {
    value = 0;
    for (char c : digits) {
        int d = digit_value(c);
        if (d < 0) return false;
        value = (value << kBits) | static_cast<std::uint64_t>(d);
    }
    return true;
}

}  // namespace

std::string make_queue_id(const struct timespec& when, ino_t inode) {
    // Clamp rather than wrap: a clock before 1970 or after year 3058 must not
    // produce an ID that sorts in the wrong place.
    std::uint64_t secs = when.tv_sec < 0 ? 0 : static_cast<std::uint64_t>(when.tv_sec);
    if (secs > kMaxSeconds) secs = kMaxSeconds;
    std::uint64_t micros = 0;
    if (when.tv_nsec > 0) micros = static_cast<std::uint64_t>(when.tv_nsec / 1000) % 1000000u;
    std::string id;
    id.reserve(kPrefix + kMaxInodeChars);
    append_fixed(id, secs, kSecondsChars);
    append_fixed(id, micros, kMicrosChars);
    append_variable(id, static_cast<std::uint64_t>(inode));
    return id;
}

bool valid_queue_id(std::string_view id) {
    if (id.size() <= kPrefix || id.size() > kPrefix + kMaxInodeChars) return false;
    for (char c : id)
        if (digit_value(c) < 0) return false;
    // 13 characters hold 65 bits: the top one must be zero for a 64-bit inode.
    if (id.size() == kPrefix + kMaxInodeChars && digit_value(id[kPrefix]) > 15) return false;
    std::uint64_t micros = 0;
    return decode(id.substr(kSecondsChars, kMicrosChars), micros) && micros < 1000000u;
}

bool queue_id_time(std::string_view id, struct timespec& when) {
    if (!valid_queue_id(id)) return false;
    std::uint64_t secs = 0;
    std::uint64_t micros = 0;
    decode(id.substr(0, kSecondsChars), secs);
    decode(id.substr(kSecondsChars, kMicrosChars), micros);
    when.tv_sec = static_cast<time_t>(secs);
    when.tv_nsec = static_cast<long>(micros * 1000u);
    return true;
}

}  // namespace postern::queue
