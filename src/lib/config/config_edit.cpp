// edit_main_conf (postern-ctl config -e): change one "name = value" line of
// main.conf in place, keeping the admin's comments and order. The whole new
// text must load before it replaces the old file, and it replaces it
// atomically, so a bad edit never leaves a broken or half-written main.conf.
#include <sys/stat.h>

#include <string>
#include <vector>

#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"
#include "lib/config/config.hpp"
#include "lib/config/config_detail.hpp"

namespace postern::config {
namespace {

std::vector<std::string> split_lines(std::string_view text) {
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto end = text.find('\n', pos);
        if (end == std::string_view::npos) {
            lines.emplace_back(text.substr(pos));
            break;
        }
        lines.emplace_back(text.substr(pos, end - pos));
        pos = end + 1;
    }
    return lines;
}

bool is_skipped(std::string_view line) {
    const auto body = trim(line);
    return body.empty() || body.front() == '#';
}

bool is_continuation(std::string_view line) {
    return !is_skipped(line) && (line.front() == ' ' || line.front() == '\t');
}

// The line that starts "name =" (or "name="), or false.
bool defines(std::string_view line, std::string_view name) {
    if (is_skipped(line) || is_continuation(line)) return false;
    const auto eq = line.find('=');
    return eq != std::string_view::npos && trim(line.substr(0, eq)) == name;
}

// Replace the last definition of name and its continuation lines (comments
// between them stay), or append one.
std::string rewrite(std::vector<std::string> lines, std::string_view name, std::string_view value) {
    const std::string entry = std::string(name) + " = " + std::string(value);
    std::size_t last = lines.size();
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (defines(lines[i], name)) last = i;
    }
    if (last == lines.size()) {
        lines.push_back(entry);
    } else {
        lines[last] = entry;
        std::size_t i = last + 1;
        while (i < lines.size() && (is_skipped(lines[i]) || is_continuation(lines[i]))) {
            if (is_continuation(lines[i])) {
                lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(i));
            } else {
                ++i;
            }
        }
    }
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

}  // namespace

Status edit_main_conf(const std::string& config_dir, std::string_view name, std::string_view value) {
    const std::string path = config_dir + "/main.conf";
    if (value.find_first_of("\r\n") != std::string_view::npos) {
        return make_error(path + ": " + std::string(name) + ": value must be a single line");
    }
    if (find_param(name) == nullptr) {
        return make_error(path + ": unknown parameter \"" + std::string(name) + "\"");
    }
    auto old_text = detail::read_config_file(path);
    if (!old_text) return old_text.error();
    const std::string text = rewrite(split_lines(*old_text), name, trim(value));
    auto check = Config::parse(text, path, config_dir);
    if (!check) return check.error();

    struct stat st {};
    const mode_t mode = ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
    return write_file_atomic(path, text, mode);
}

}  // namespace postern::config
