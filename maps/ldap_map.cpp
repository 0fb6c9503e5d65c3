// ldap:PATH - lookups in an LDAP directory through the OpenLDAP client.
// One connection per table, opened at the first lookup and kept; when the
// server goes away (restart, idle timeout) the next lookup reconnects once
// and retries. Only an answer from the server that it has no entry is
// NotFound: a server that cannot be reached, a timeout or a size limit
// exceeded is TempFail, so mail defers while the directory is down.
#include <ldap.h>

#include "lib/base/safe_file.hpp"
#include "maps/backends.hpp"
#include "maps/ldap_config.hpp"

namespace postern::maps {
namespace {

struct LdapCloser {
    void operator()(LDAP* ld) const { ldap_unbind_ext_s(ld, nullptr, nullptr); }
};
using LdapPtr = std::unique_ptr<LDAP, LdapCloser>;

struct MsgFree {
    void operator()(LDAPMessage* m) const { ldap_msgfree(m); }
};
using MsgPtr = std::unique_ptr<LDAPMessage, MsgFree>;

bool connection_lost(int rc) {
    return rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR || rc == LDAP_UNAVAILABLE || rc == LDAP_TIMEOUT ||
           rc == LDAP_BUSY || rc == LDAP_LOCAL_ERROR || rc == LDAP_OTHER;
}

int scope_of(LdapScope s) {
    switch (s) {
        case LdapScope::Base: return LDAP_SCOPE_BASE;
        case LdapScope::One: return LDAP_SCOPE_ONELEVEL;
        case LdapScope::Sub: break;
    }
    return LDAP_SCOPE_SUBTREE;
}

class LdapMap final : public Map {
public:
    LdapMap(std::string spec, LdapConfig cfg, const MapOptions& opts)
        : Map(std::move(spec)), cfg_(std::move(cfg)), opts_(opts) {}

    Lookup lookup(std::string_view key) override {
        if (key.empty() || !domain_allowed(cfg_, key)) return Lookup::not_found();
        auto filter = expand_filter(cfg_.query_filter, key);
        if (!filter) return Lookup::temp_fail(failure(filter.error().message));
        if (!*filter) return Lookup::not_found();
        Lookup r = search(**filter);
        if (r.is_temp_fail() && !ld_) r = search(**filter);  // one reconnect after a lost connection
        return r;
    }

private:
    Status connect() {
        LDAP* raw = nullptr;
        if (int rc = ldap_initialize(&raw, cfg_.uri_list().c_str()); rc != LDAP_SUCCESS) {
            return make_error(cfg_.uri_list() + ": " + ldap_err2string(rc));
        }
        LdapPtr ld(raw);
        timeval tv{static_cast<time_t>(cfg_.timeout.count()), 0};
        ldap_set_option(ld.get(), LDAP_OPT_PROTOCOL_VERSION, &cfg_.version);
        ldap_set_option(ld.get(), LDAP_OPT_NETWORK_TIMEOUT, &tv);
        ldap_set_option(ld.get(), LDAP_OPT_TIMEOUT, &tv);
        ldap_set_option(ld.get(), LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
        POSTERN_TRY(setup_tls(ld.get()));
        // Anonymous: a simple bind with an empty name and password.
        static const std::string kEmpty;
        const std::string& pw = cfg_.bind ? cfg_.bind_pw : kEmpty;
        berval cred{static_cast<ber_len_t>(pw.size()), const_cast<char*>(pw.c_str())};
        const char* dn = cfg_.bind ? cfg_.bind_dn.c_str() : "";
        if (int rc = ldap_sasl_bind_s(ld.get(), dn, LDAP_SASL_SIMPLE, &cred, nullptr, nullptr, nullptr);
            rc != LDAP_SUCCESS) {
            return make_error("bind to " + cfg_.uri_list() + ": " + ldap_err2string(rc));
        }
        ld_ = std::move(ld);
        return {};
    }

    Status setup_tls(LDAP* ld) {
        if (!cfg_.tls_ca_cert_file.empty()) {
            ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, cfg_.tls_ca_cert_file.c_str());
        }
        int require = cfg_.tls_require_cert ? LDAP_OPT_X_TLS_DEMAND : LDAP_OPT_X_TLS_NEVER;
        ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &require);
        int zero = 0;
        ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero);
        if (!cfg_.start_tls) return {};
        if (int rc = ldap_start_tls_s(ld, nullptr, nullptr); rc != LDAP_SUCCESS) {
            return make_error("StartTLS with " + cfg_.uri_list() + ": " + ldap_err2string(rc));
        }
        return {};
    }

    Lookup search(const std::string& filter) {
        if (!ld_) {
            if (Status s = connect(); !s) return Lookup::temp_fail(failure(s.error().message));
        }
        std::vector<char*> attrs;
        for (auto& a : cfg_.result_attribute) attrs.push_back(const_cast<char*>(a.c_str()));
        attrs.push_back(nullptr);
        timeval tv{static_cast<time_t>(cfg_.timeout.count()), 0};
        LDAPMessage* raw = nullptr;
        int rc = ldap_search_ext_s(ld_.get(), cfg_.search_base.c_str(), scope_of(cfg_.scope), filter.c_str(),
                                   attrs.data(), 0, nullptr, nullptr, &tv, cfg_.size_limit, &raw);
        MsgPtr res(raw);
        if (rc == LDAP_NO_SUCH_OBJECT) return Lookup::not_found();
        if (rc == LDAP_SIZELIMIT_EXCEEDED) return Lookup::temp_fail(failure("size_limit exceeded for " + filter));
        if (rc != LDAP_SUCCESS) {
            if (connection_lost(rc)) ld_.reset();
            return Lookup::temp_fail(failure(std::string("search ") + filter + ": " + ldap_err2string(rc)));
        }
        return collect(res.get());
    }

    Lookup collect(LDAPMessage* res) {
        std::string out;
        bool any = false;
        for (LDAPMessage* e = ldap_first_entry(ld_.get(), res); e; e = ldap_next_entry(ld_.get(), e)) {
            for (const std::string& attr : cfg_.result_attribute) {
                berval** vals = ldap_get_values_len(ld_.get(), e, attr.c_str());
                for (int i = 0; vals && vals[i]; ++i) {
                    auto v = expand_result(cfg_.result_format, {vals[i]->bv_val, vals[i]->bv_len});
                    if (!v) continue;
                    if (any) out += ',';
                    out += *v;
                    any = true;
                    if (out.size() > opts_.value_limit) break;
                }
                if (vals) ldap_value_free_len(vals);
            }
        }
        if (!any) return Lookup::not_found();
        return bounded_found(*this, out, opts_);
    }

    LdapConfig cfg_;
    MapOptions opts_;
    LdapPtr ld_;
};

Result<std::unique_ptr<Map>> open_ldap(const MapSpec& spec, const MapOptions& opts) {
    std::string label = "ldap:" + spec.name;
    auto text = read_file(spec.name, opts.file_limit);
    if (!text) return make_error(label + ": " + text.error().message, text.error().sys_errno);
    auto cfg = parse_ldap_config(*text, spec.name);
    if (!cfg) return make_error(label + ": " + cfg.error().message);
    return std::unique_ptr<Map>(new LdapMap(label, std::move(*cfg), opts));
}

std::vector<std::string> ldap_files(const std::string& name) { return {name}; }

}  // namespace

const MapType kLdapType{"ldap", open_ldap, nullptr, nullptr, ldap_files};

}  // namespace postern::maps
