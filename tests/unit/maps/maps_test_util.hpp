// Shared helpers for the maps tests: a temporary directory and a scripted Map.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <vector>
#include <string>

#include "maps/map.hpp"
#include "maps/map_list.hpp"

namespace postern::maps::test {

class TempDir {
public:
    TempDir() {
        const char* base = std::getenv("TMPDIR");
        std::string tmpl = std::string(base ? base : "/tmp") + "/postern-maps-XXXXXX";
        path_ = ::mkdtemp(tmpl.data());
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    std::string file(const std::string& name) const { return path_ + "/" + name; }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(file(name)) << text;
        return file(name);
    }

private:
    std::string path_;
};

// Answers from a fixed table; keys listed in fail answer TempFail.
class ScriptedMap final : public Map {
public:
    ScriptedMap(std::map<std::string, std::string> table, std::set<std::string> fail = {})
        : Map("test:scripted"), table_(std::move(table)), fail_(std::move(fail)) {}
    Lookup lookup(std::string_view key) override {
        std::string k(key);
        seen.push_back(k);
        if (fail_.count(k) != 0) return Lookup::temp_fail("test:scripted: server down");
        auto it = table_.find(k);
        return it == table_.end() ? Lookup::not_found() : Lookup::found(it->second);
    }
    std::vector<std::string> seen;

private:
    std::map<std::string, std::string> table_;
    std::set<std::string> fail_;
};

inline MapList list_of(std::map<std::string, std::string> table, std::set<std::string> fail = {},
                       ScriptedMap** out = nullptr) {
    std::vector<std::unique_ptr<Map>> maps;
    auto m = std::make_unique<ScriptedMap>(std::move(table), std::move(fail));
    if (out) *out = m.get();
    maps.push_back(std::move(m));
    return MapList::of("test_maps", std::move(maps));
}

}  // namespace postern::maps::test
