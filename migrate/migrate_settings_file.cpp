// Writing the converted settings into main.conf as one replaceable block.
#include <sys/stat.h>

#include "lib/base/safe_file.hpp"
#include "lib/config/config.hpp"
#include "migrate_config.hpp"

namespace postern::migrate {
namespace {

constexpr std::string_view kBegin = "# --- postern-migrate: settings converted from sendmail (begin) ---\n";
constexpr std::string_view kEnd = "# --- postern-migrate (end) ---\n";
constexpr std::size_t kMaxMainConf = 16u << 20;

std::string without_block(std::string text) {
    auto b = text.find(kBegin);
    if (b == std::string::npos) return text;
    auto e = text.find(kEnd, b);
    text.erase(b, e == std::string::npos ? std::string::npos : e + kEnd.size() - b);
    return text;
}

}  // namespace

Status write_settings(const std::string& config_dir, const std::vector<Setting>& settings) {
    std::string path = config_dir + "/main.conf";
    auto old = read_file(path, kMaxMainConf);
    if (!old) return old.error();
    std::string text = without_block(*old);
    if (!text.empty() && text.back() != '\n') text += '\n';
    text += kBegin;
    for (const auto& s : settings) {
        std::string src = s.source;
        for (auto& c : src)
            if (c == '\n') c = ' ';
        text += "# from " + src + "\n" + s.name + " = " + s.value + "\n";
    }
    text += kEnd;
    auto check = config::Config::parse(text, path, config_dir);
    if (!check) return make_error("the converted main.conf would not load: " + check.error().message);
    struct stat st {};
    mode_t mode = ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
    return write_file_atomic(path, text, mode);
}

}  // namespace postern::migrate
