// hash: and btree: tables on Berkeley DB 5.3 (NAME.db), as sendmail's
// makemap and Postfix's postmap/postalias write them.
//
// Whether keys carry a trailing NUL differs between writers (postmap: yes;
// makemap: only with -N), so until a lookup succeeds both forms are tried;
// the first form that hits is used from then on (Postfix's TRY0NULL/TRY1NULL).
#include <db.h>
#include <fcntl.h>
#include <unistd.h>

#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"
#include "maps/backends.hpp"

namespace postern::maps {
namespace {

struct DbCloser {
    void operator()(DB* db) const { db->close(db, 0); }
};
using DbPtr = std::unique_ptr<DB, DbCloser>;

DBT make_dbt(std::string_view s) {
    DBT d{};
    d.data = const_cast<char*>(s.data());
    d.size = static_cast<u_int32_t>(s.size());
    return d;
}

std::string db_path(const std::string& name) { return name + ".db"; }

Result<DbPtr> open_db(const std::string& path, DBTYPE type, u_int32_t flags, int mode) {
    DB* raw = nullptr;
    if (int rc = db_create(&raw, nullptr, 0); rc != 0) return make_error(path + ": " + db_strerror(rc));
    DbPtr db(raw);
    db->set_errfile(db.get(), nullptr);
    if (int rc = db->open(db.get(), nullptr, path.c_str(), nullptr, type, flags, mode); rc != 0) {
        return make_error(path + ": " + std::string(db_strerror(rc)), rc > 0 ? rc : 0);
    }
    return db;
}

class DbMap final : public Map {
public:
    DbMap(std::string spec, DbPtr db, const MapOptions& opts)
        : Map(std::move(spec)), db_(std::move(db)), opts_(opts) {}

    Lookup lookup(std::string_view key) override {
        std::string folded = lowercase(key);
        if (try_nul_) {
            std::string with = folded + '\0';
            Lookup r = get(with);
            if (!r.is_not_found()) {
                if (r.is_found()) try_plain_ = false;
                return r;
            }
        }
        if (try_plain_) {
            Lookup r = get(folded);
            if (r.is_found()) try_nul_ = false;
            return r;
        }
        return Lookup::not_found();
    }

private:
    Lookup get(std::string_view key) {
        DBT k = make_dbt(key);
        DBT v{};
        int rc = db_->get(db_.get(), nullptr, &k, &v, 0);
        if (rc == DB_NOTFOUND) return Lookup::not_found();
        if (rc != 0) return Lookup::temp_fail(failure(db_strerror(rc)));
        std::string_view value(static_cast<const char*>(v.data), v.size);
        return bounded_found(*this, strip_nul(value), opts_);
    }

    DbPtr db_;
    MapOptions opts_;
    bool try_nul_ = true;
    bool try_plain_ = true;
};

template <DBTYPE kType>
Result<std::unique_ptr<Map>> open_typed(const MapSpec& spec, const MapOptions& opts) {
    auto db = open_db(db_path(spec.name), kType, DB_RDONLY, 0);
    if (!db) return make_error(spec.type + ":" + spec.name + ": " + db.error().message, db.error().sys_errno);
    return std::unique_ptr<Map>(new DbMap(spec.type + ":" + spec.name, std::move(*db), opts));
}

Status put_all(DB* db, const std::string& path, const std::vector<Entry>& entries, bool append_nul) {
    for (const Entry& e : entries) {
        std::string key = append_nul ? e.key + '\0' : e.key;
        std::string value = append_nul ? e.value + '\0' : e.value;
        DBT k = make_dbt(key);
        DBT v = make_dbt(value);
        if (int rc = db->put(db, nullptr, &k, &v, 0); rc != 0) {
            return make_error(path + ": " + std::string(db_strerror(rc)));
        }
    }
    return {};
}

template <DBTYPE kType>
Status build_typed(const std::string& name, const std::vector<Entry>& entries, const BuildOptions& opts) {
    const std::string path = db_path(name);
    const std::string temp = temp_name_for(path);
    ::unlink(temp.c_str());
    mode_t mode = mode_to_keep(path, opts.mode);
    {
        auto db = open_db(temp, kType, DB_CREATE | DB_EXCL, static_cast<int>(mode));
        if (!db) return db.error();
        if (Status s = put_all(db->get(), temp, entries, opts.append_nul); !s) {
            db->reset();
            ::unlink(temp.c_str());
            return s;
        }
        DB* raw = db->release();
        if (int rc = raw->close(raw, 0); rc != 0) {
            ::unlink(temp.c_str());
            return make_error(temp + ": " + db_strerror(rc));
        }
    }
    ::chmod(temp.c_str(), mode);
    if (Status s = fsync_path(temp); !s) {
        ::unlink(temp.c_str());
        return s;
    }
    if (Status s = rename_durable(temp, path); !s) {
        ::unlink(temp.c_str());
        return s;
    }
    return {};
}

template <DBTYPE kType>
Result<std::vector<Entry>> dump_typed(const std::string& name) {
    const std::string path = db_path(name);
    auto db = open_db(path, kType, DB_RDONLY, 0);
    if (!db) return db.error();
    DBC* cursor = nullptr;
    if (int rc = (*db)->cursor(db->get(), nullptr, &cursor, 0); rc != 0) return make_error(path + ": " + db_strerror(rc));
    std::vector<Entry> out;
    DBT k{}, v{};
    int rc;
    while ((rc = cursor->get(cursor, &k, &v, DB_NEXT)) == 0) {
        out.push_back(Entry{std::string(static_cast<const char*>(k.data), k.size),
                            std::string(static_cast<const char*>(v.data), v.size)});
    }
    cursor->close(cursor);
    if (rc != DB_NOTFOUND) return make_error(path + ": " + db_strerror(rc));
    return out;
}

std::vector<std::string> db_files(const std::string& name) { return {db_path(name)}; }

}  // namespace

const MapType kHashType{"hash", open_typed<DB_HASH>, build_typed<DB_HASH>, dump_typed<DB_HASH>, db_files};
const MapType kBtreeType{"btree", open_typed<DB_BTREE>, build_typed<DB_BTREE>, dump_typed<DB_BTREE>, db_files};

}  // namespace postern::maps
