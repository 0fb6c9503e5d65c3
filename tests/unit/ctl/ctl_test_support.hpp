// Shared by the postern-ctl tests: a temporary directory and a way to run
// the command line in-process with captured output.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ctl.hpp"

namespace postern::ctl::testing {

struct Run {
    int code;
    std::string out;
    std::string err;
};

inline Run run_ctl(std::vector<std::string> args) {
    args.insert(args.begin(), "postern-ctl");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::ostringstream out, err;
    int code = dispatch(static_cast<int>(args.size()), argv.data(), out, err);
    return Run{code, out.str(), err.str()};
}

inline std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

class CtlTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = (std::filesystem::temp_directory_path() / "ctl_test.XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        tmp_ = tmpl;
        inst_ = tmp_ + "/inst";
        ::unsetenv("POSTERN_CONFIG_DIR");
    }
    void TearDown() override { std::filesystem::remove_all(tmp_); }

    void init_instance() {
        auto r = run_ctl({"init", inst_, "--user-instance", "--port", "2600"});
        ASSERT_EQ(r.code, 0) << r.err;
    }

    std::string tmp_;
    std::string inst_;
};

}  // namespace postern::ctl::testing
