// praliases: list alias databases (sendmail-compatible). Runs as the
// invoking user; reads only alias tables.
#include <unistd.h>

#include <cstdio>

#include "lib/base/sysexits.hpp"
#include "lib/config/config.hpp"
#include "maps/registry.hpp"
#include "praliases_run.hpp"

int main(int argc, char** argv) {
    postern::praliases::Options opts;
    std::string file;
    int c;
    while ((c = getopt(argc, argv, "C:f:")) != -1) {
        if (c == 'f') file = optarg;
        else if (c != 'C') {
            std::fprintf(stderr, "usage: praliases [-C cffile] [-f aliasfile] [key ...]\n");
            return postern::ex::kUsage;
        }
    }
    for (int i = optind; i < argc; ++i) opts.keys.emplace_back(argv[i]);
    if (!file.empty()) {
        if (file.ends_with(".db")) file.resize(file.size() - 3);
        opts.tables.push_back("hash:" + file);
    } else {
        auto cfg = postern::config::Config::load(postern::config::resolve_config_dir(std::nullopt));
        if (!cfg) {
            std::fprintf(stderr, "praliases: %s\n", cfg.error().message.c_str());
            return postern::ex::kConfig;
        }
        for (const auto& spec : cfg->get(postern::config::params::alias_maps)) {
            auto parsed = postern::maps::parse_spec(spec);
            if (parsed && postern::maps::is_writable(parsed->type)) opts.tables.push_back(spec);
        }
    }
    return postern::praliases::run(opts, stdout, stderr);
}
