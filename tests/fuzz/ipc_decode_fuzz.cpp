// libFuzzer target for the IPC decoder: any byte string must decode or be
// rejected with an Error, never crash, hang or allocate past the limits.
// Build (from the source root):
//   clang++ -std=c++20 -fsanitize=fuzzer,address -Isrc -I. tests/fuzz/ipc_decode_fuzz.cpp
//           src/lib/ipc/*.cpp src/lib/base/*.cpp
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lib/ipc/attr.hpp"
#include "lib/ipc/messages.hpp"

namespace {

// Small limits so the fuzzer reaches the edges quickly.
postern::ipc::Limits fuzz_limits() {
    postern::ipc::Limits limits;
    limits.max_payload = 1u << 16;
    limits.max_attrs = 256;
    limits.max_name = 32;
    return limits;
}

template <class M>
void decode_as(const postern::ipc::AttrList& list, const postern::ipc::Limits& limits) {
    auto m = postern::ipc::decode_msg<M>(list, limits);
    if (m.ok()) {
        // Whatever decodes must encode and decode again to a valid message.
        auto again = postern::ipc::decode_payload(postern::ipc::encode_payload(m->to_attrs()), limits);
        if (!again.ok() && m->to_attrs().size() <= limits.max_attrs) __builtin_trap();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace postern::ipc;
    const Limits limits = fuzz_limits();
    auto list = decode_payload(std::string_view(reinterpret_cast<const char*>(data), size), limits);
    if (!list.ok()) return 0;
    (void)peek_type(*list);
    decode_as<CleanupOpen>(*list, limits);
    decode_as<CleanupData>(*list, limits);
    decode_as<CleanupEnd>(*list, limits);
    decode_as<CleanupReply>(*list, limits);
    decode_as<DeliverRequest>(*list, limits);
    decode_as<DeliverReply>(*list, limits);
    return 0;
}
