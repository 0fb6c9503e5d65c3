// The default main.conf and services.conf from conf/ in the source tree,
// compiled in (see the end of CMakeLists.txt), so postern-ctl can write
// them wherever it sets up an instance.
#pragma once

#include <string_view>

namespace postern::ctl {

extern const std::string_view kDefaultMainConf;
extern const std::string_view kDefaultServicesConf;

}  // namespace postern::ctl
