// nis:MAPNAME - NIS lookups through yp_match (libnsl), in the NIS domain
// $nis_domain_name or, when that is empty, the system's (yp_get_default_domain).
// NIS servers differ in whether keys carry a trailing NUL: both forms are
// tried until one hits (as for hash:). Only "no such key" is NotFound;
// a missing map, an unbound domain or an RPC failure is TempFail, so a NIS
// outage defers mail instead of bouncing it.
#include <rpcsvc/ypclnt.h>

#include <cstdlib>

#include "lib/base/strings.hpp"
#include "maps/backends.hpp"

namespace postern::maps {
namespace {

class NisMap final : public Map {
public:
    NisMap(std::string spec, std::string map, std::string domain, const MapOptions& opts)
        : Map(std::move(spec)), map_(std::move(map)), domain_(std::move(domain)), opts_(opts) {}

    Lookup lookup(std::string_view key) override {
        if (domain_.empty()) {
            char* d = nullptr;
            if (int rc = yp_get_default_domain(&d); rc != 0 || d == nullptr || *d == '\0') {
                return Lookup::temp_fail(failure("no NIS domain (set nis_domain_name)"));
            }
            domain_ = d;
        }
        std::string folded = lowercase(key);
        if (try_plain_) {
            Lookup r = match(folded);
            if (!r.is_not_found()) {
                if (r.is_found()) try_nul_ = false;
                return r;
            }
        }
        if (!try_nul_) return Lookup::not_found();
        Lookup r = match(folded + '\0');
        if (r.is_found()) try_plain_ = false;
        return r;
    }

private:
    Lookup match(const std::string& key) {
        char* out = nullptr;
        int len = 0;
        int rc = yp_match(domain_.c_str(), map_.c_str(), key.data(), static_cast<int>(key.size()), &out, &len);
        if (rc == YPERR_KEY) return Lookup::not_found();
        if (rc != 0) return Lookup::temp_fail(failure(std::string(yperr_string(rc)) + " (domain " + domain_ + ")"));
        std::string value(out, static_cast<std::size_t>(len < 0 ? 0 : len));
        std::free(out);
        return bounded_found(*this, strip_nul(value), opts_);
    }

    std::string map_;
    std::string domain_;
    MapOptions opts_;
    bool try_nul_ = true;
    bool try_plain_ = true;
};

Result<std::unique_ptr<Map>> open_nis(const MapSpec& spec, const MapOptions& opts) {
    if (spec.name.empty()) return make_error("nis:: missing NIS map name");
    return std::unique_ptr<Map>(new NisMap("nis:" + spec.name, spec.name, opts.nis_domain, opts));
}

}  // namespace

const MapType kNisType{"nis", open_nis, nullptr, nullptr, nullptr};

}  // namespace postern::maps
