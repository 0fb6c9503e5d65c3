// sysexits(3) codes, as sendmail and its callers know them. <sysexits.h>
// exists on Linux but not everywhere; the values are fixed by BSD.
#pragma once

namespace postern::ex {
inline constexpr int kOk = 0;
inline constexpr int kUsage = 64;        // command line usage error
inline constexpr int kDataErr = 65;      // data format error
inline constexpr int kNoInput = 66;      // cannot open input
inline constexpr int kNoUser = 67;       // addressee unknown
inline constexpr int kNoHost = 68;       // host name unknown
inline constexpr int kUnavailable = 69;  // service unavailable
inline constexpr int kSoftware = 70;     // internal software error
inline constexpr int kOsErr = 71;        // system error (e.g., can't fork)
inline constexpr int kOsFile = 72;       // critical OS file missing
inline constexpr int kCantCreat = 73;    // can't create (user) output file
inline constexpr int kIoErr = 74;        // input/output error
inline constexpr int kTempFail = 75;     // temp failure; user is invited to retry
inline constexpr int kProtocol = 76;     // remote error in protocol
inline constexpr int kNoPerm = 77;       // permission denied
inline constexpr int kConfig = 78;       // configuration error
}  // namespace postern::ex
