// dbm: tables on the ndbm interface (GNU dbm's compatibility layer):
// NAME.dir and NAME.pag. Keys with or without a trailing NUL, as for hash:.
// A rebuild writes TEMP.dir/TEMP.pag and renames .pag then .dir into place;
// the data lives in .pag, so a reader that opens between the two renames
// still sees one complete table.
#include <fcntl.h>
// GNU dbm's ndbm.h has no extern "C" of its own.
extern "C" {
#include <ndbm.h>
}
#include <unistd.h>

#include <cerrno>

#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"
#include "maps/backends.hpp"

namespace postern::maps {
namespace {

struct DbmCloser {
    void operator()(DBM* db) const { dbm_close(db); }
};
using DbmPtr = std::unique_ptr<DBM, DbmCloser>;

datum make_datum(std::string_view s) { return datum{const_cast<char*>(s.data()), static_cast<int>(s.size())}; }

Result<DbmPtr> open_dbm(const std::string& name, int flags, mode_t mode) {
    DBM* raw = dbm_open(const_cast<char*>(name.c_str()), flags, static_cast<int>(mode));
    if (raw == nullptr) return errno_error(name + ".pag", errno != 0 ? errno : EINVAL);
    return DbmPtr(raw);
}

class DbmMap final : public Map {
public:
    DbmMap(std::string spec, DbmPtr db, const MapOptions& opts)
        : Map(std::move(spec)), db_(std::move(db)), opts_(opts) {}

    Lookup lookup(std::string_view key) override {
        std::string folded = lowercase(key);
        if (try_nul_) {
            Lookup r = get(folded + '\0');
            if (!r.is_not_found()) {
                if (r.is_found()) try_plain_ = false;
                return r;
            }
        }
        if (!try_plain_) return Lookup::not_found();
        Lookup r = get(folded);
        if (r.is_found()) try_nul_ = false;
        return r;
    }

private:
    Lookup get(std::string_view key) {
        dbm_clearerr(db_.get());
        datum v = dbm_fetch(db_.get(), make_datum(key));
        if (v.dptr == nullptr) {
            if (dbm_error(db_.get()) != 0) return Lookup::temp_fail(failure("read error"));
            return Lookup::not_found();
        }
        return bounded_found(*this, strip_nul({v.dptr, static_cast<std::size_t>(v.dsize)}), opts_);
    }

    DbmPtr db_;
    MapOptions opts_;
    bool try_nul_ = true;
    bool try_plain_ = true;
};

Result<std::unique_ptr<Map>> open_dbm_map(const MapSpec& spec, const MapOptions& opts) {
    std::string label = spec.type + ":" + spec.name;
    // dbm_open would create a missing table even read-only on some systems.
    if (::access((spec.name + ".pag").c_str(), R_OK) != 0) return errno_error(label + ": " + spec.name + ".pag");
    auto db = open_dbm(spec.name, O_RDONLY, 0);
    if (!db) return make_error(label + ": " + db.error().message, db.error().sys_errno);
    return std::unique_ptr<Map>(new DbmMap(label, std::move(*db), opts));
}

void remove_temp(const std::string& temp) {
    ::unlink((temp + ".pag").c_str());
    ::unlink((temp + ".dir").c_str());
}

Status store_all(DBM* db, const std::string& temp, const std::vector<Entry>& entries, bool append_nul) {
    for (const Entry& e : entries) {
        std::string key = append_nul ? e.key + '\0' : e.key;
        std::string value = append_nul ? e.value + '\0' : e.value;
        if (dbm_store(db, make_datum(key), make_datum(value), DBM_REPLACE) != 0) {
            return errno_error(temp + ".pag: store");
        }
    }
    return {};
}

Status commit_files(const std::string& temp, const std::string& name, mode_t mode) {
    for (const char* ext : {".pag", ".dir"}) {
        std::string from = temp + ext;
        ::chmod(from.c_str(), mode);
        if (Status s = fsync_path(from); !s) return s;
    }
    for (const char* ext : {".pag", ".dir"}) {
        if (Status s = rename_durable(temp + ext, name + ext); !s) return s;
    }
    return {};
}

Status build_dbm(const std::string& name, const std::vector<Entry>& entries, const BuildOptions& opts) {
    const std::string temp = temp_name_for(name);
    remove_temp(temp);
    mode_t mode = mode_to_keep(name + ".pag", opts.mode);
    {
        auto db = open_dbm(temp, O_RDWR | O_CREAT | O_EXCL, mode);
        if (!db) return db.error();
        if (Status s = store_all(db->get(), temp, entries, opts.append_nul); !s) {
            db->reset();
            remove_temp(temp);
            return s;
        }
    }
    if (Status s = commit_files(temp, name, mode); !s) {
        remove_temp(temp);
        return s;
    }
    return {};
}

Result<std::vector<Entry>> dump_dbm(const std::string& name) {
    auto db = open_dbm(name, O_RDONLY, 0);
    if (!db) return db.error();
    std::vector<Entry> out;
    for (datum k = dbm_firstkey(db->get()); k.dptr != nullptr; k = dbm_nextkey(db->get())) {
        std::string key(k.dptr, static_cast<std::size_t>(k.dsize));
        datum v = dbm_fetch(db->get(), make_datum(key));
        if (v.dptr == nullptr) continue;
        out.push_back(Entry{std::move(key), std::string(v.dptr, static_cast<std::size_t>(v.dsize))});
    }
    return out;
}

std::vector<std::string> dbm_files(const std::string& name) { return {name + ".pag"}; }

}  // namespace

const MapType kDbmType{"dbm", open_dbm_map, build_dbm, dump_dbm, dbm_files};

}  // namespace postern::maps
