// Request path check (see the header).
#include "lib/queue/queue_path.hpp"

#include <cctype>

#include "lib/base/strings.hpp"

namespace postern::queue {

bool valid_queue_path(std::string_view rel) {
    if (rel.empty() || rel.front() == '/' || rel.back() == '/' || rel.find("//") != std::string_view::npos)
        return false;
    auto parts = split_list(rel, "/");
    if (parts.size() < 2 || parts.size() > 3) return false;
    for (const auto& p : parts) {
        if (p.empty() || p.front() == '.') return false;
        for (unsigned char c : p)
            if (!std::isalnum(c) && c != '_' && c != '-') return false;
    }
    return true;
}

}  // namespace postern::queue
