// Encoders and decoders of the typed IPC messages. Enumerations travel as
// short words from one table each, so both directions share one spelling and
// an unknown word rejects the message.
#include "lib/ipc/messages.hpp"

#include <array>
#include <utility>

namespace postern::ipc {
namespace {

template <class E, std::size_t N>
using WordTable = std::array<std::pair<E, std::string_view>, N>;

constexpr WordTable<CleanupReply::Status, 3> kCleanupStatus{{
    {CleanupReply::Status::Ok, "ok"},
    {CleanupReply::Status::TempFail, "temp"},
    {CleanupReply::Status::PermFail, "perm"},
}};

constexpr WordTable<RecipientResult::Status, 3> kRecipientStatus{{
    {RecipientResult::Status::Delivered, "delivered"},
    {RecipientResult::Status::Deferred, "deferred"},
    {RecipientResult::Status::Bounced, "bounced"},
}};

template <class E, std::size_t N>
std::string_view to_word(const WordTable<E, N>& table, E value) {
    for (const auto& [e, word] : table)
        if (e == value) return word;
    return "?";
}

template <class E, std::size_t N>
Result<E> read_word(AttrReader& r, std::string_view name, const WordTable<E, N>& table) {
    auto s = r.str(name);
    if (!s) return s.error();
    for (const auto& [e, word] : table)
        if (word == *s) return e;
    return make_error("attribute " + std::string(name) + ": unknown value \"" + *s + "\"");
}

Result<bool> read_bool(AttrReader& r, std::string_view name) {
    auto s = r.str(name);
    if (!s) return s.error();
    if (*s == "0") return false;
    if (*s == "1") return true;
    return make_error("attribute " + std::string(name) + ": not 0 or 1");
}

// Assign a required string attribute or return its error from the caller.
#define POSTERN_READ_STR(reader, field, name) \
    do {                                      \
        auto v_ = (reader).str(name);         \
        if (!v_) return v_.error();           \
        (field) = std::move(*v_);             \
    } while (0)

#define POSTERN_READ_NUM(reader, field, name) \
    do {                                      \
        auto v_ = (reader).num(name);         \
        if (!v_) return v_.error();           \
        (field) = *v_;                        \
    } while (0)

// Decode each nested list of name with one_item, requiring each to be fully consumed.
template <class T, class Fn>
Result<std::vector<T>> read_nested(AttrReader& r, std::string_view name, Fn one_item) {
    auto lists = r.nested_all(name);
    if (!lists) return lists.error();
    std::vector<T> out;
    out.reserve(lists->size());
    for (const AttrList& list : *lists) {
        AttrReader nested(list);
        auto item = one_item(nested);
        if (!item) return make_error("attribute " + std::string(name) + ": " + item.error().message);
        if (auto st = nested.finish(); !st) return make_error("attribute " + std::string(name) + ": " + st.error().message);
        out.push_back(std::move(*item));
    }
    return out;
}

Result<DeliverRecipient> read_recipient(AttrReader& r) {
    DeliverRecipient d;
    POSTERN_READ_STR(r, d.address, "address");
    POSTERN_READ_STR(r, d.orcpt, "orcpt");
    POSTERN_READ_STR(r, d.notify, "notify");
    POSTERN_READ_NUM(r, d.offset, "offset");
    return d;
}

Result<RecipientResult> read_result(AttrReader& r) {
    RecipientResult res;
    POSTERN_READ_NUM(r, res.offset, "offset");
    auto status = read_word(r, "status", kRecipientStatus);
    if (!status) return status.error();
    res.status = *status;
    POSTERN_READ_STR(r, res.dsn, "dsn");
    POSTERN_READ_STR(r, res.reason, "reason");
    return res;
}

}  // namespace

Status check_header(AttrReader& r, std::string_view type) {
    auto t = r.str("type");
    if (!t) return t.error();
    if (*t != type) return make_error("unexpected message type \"" + *t + "\", expected " + std::string(type));
    auto v = r.num("version");
    if (!v) return v.error();
    if (*v != kProtocolVersion) return make_error("unsupported protocol version " + std::to_string(*v));
    return {};
}

std::string peek_type(const AttrList& list) {
    for (const auto& [name, value] : list.items())
        if (name == "type") return value;
    return "";
}

AttrList CleanupOpen::to_attrs() const {
    AttrList a;
    a.add("origin", origin).add("sender", sender).add("full_name", full_name).add_int("uid", uid);
    a.add("extract_recipients", extract_recipients ? "1" : "0");
    for (const auto& rcpt : recipients) a.add("rcpt", rcpt);
    a.add("client_name", client_name).add("client_addr", client_addr).add("helo", helo);
    for (const auto& n : rcpt_notify) a.add("rcpt_notify", n);
    for (const auto& o : rcpt_orcpt) a.add("rcpt_orcpt", o);
    if (!dsn_ret.empty()) a.add("dsn_ret", dsn_ret);
    if (!dsn_envid.empty()) a.add("dsn_envid", dsn_envid);
    return a;
}

Result<CleanupOpen> CleanupOpen::from_attrs(AttrReader& r) {
    CleanupOpen m;
    POSTERN_READ_STR(r, m.origin, "origin");
    POSTERN_READ_STR(r, m.sender, "sender");
    POSTERN_READ_STR(r, m.full_name, "full_name");
    POSTERN_READ_NUM(r, m.uid, "uid");
    auto extract = read_bool(r, "extract_recipients");
    if (!extract) return extract.error();
    m.extract_recipients = *extract;
    m.recipients = r.all("rcpt");
    POSTERN_READ_STR(r, m.client_name, "client_name");
    POSTERN_READ_STR(r, m.client_addr, "client_addr");
    POSTERN_READ_STR(r, m.helo, "helo");
    m.rcpt_notify = r.all("rcpt_notify");
    m.rcpt_orcpt = r.all("rcpt_orcpt");
    if (!m.rcpt_notify.empty() && m.rcpt_notify.size() != m.recipients.size())
        return make_error("attribute rcpt_notify: not one per recipient");
    if (!m.rcpt_orcpt.empty() && m.rcpt_orcpt.size() != m.recipients.size())
        return make_error("attribute rcpt_orcpt: not one per recipient");
    m.dsn_ret = r.str_or("dsn_ret", "");
    m.dsn_envid = r.str_or("dsn_envid", "");
    return m;
}

AttrList CleanupData::to_attrs() const { return AttrList{}.add("data", data); }

Result<CleanupData> CleanupData::from_attrs(AttrReader& r) {
    CleanupData m;
    POSTERN_READ_STR(r, m.data, "data");
    return m;
}

AttrList CleanupEnd::to_attrs() const { return AttrList{}; }

Result<CleanupEnd> CleanupEnd::from_attrs(AttrReader&) { return CleanupEnd{}; }

AttrList CleanupReply::to_attrs() const {
    AttrList a;
    a.add("status", to_word(kCleanupStatus, status)).add("queue_id", queue_id).add("dsn", dsn).add("reason", reason);
    return a;
}

Result<CleanupReply> CleanupReply::from_attrs(AttrReader& r) {
    CleanupReply m;
    auto status = read_word(r, "status", kCleanupStatus);
    if (!status) return status.error();
    m.status = *status;
    POSTERN_READ_STR(r, m.queue_id, "queue_id");
    POSTERN_READ_STR(r, m.dsn, "dsn");
    POSTERN_READ_STR(r, m.reason, "reason");
    return m;
}

AttrList DeliverRequest::to_attrs() const {
    AttrList a;
    a.add("queue_id", queue_id).add("queue_file", queue_file).add("sender", sender).add("nexthop", nexthop);
    for (const auto& rcpt : recipients) {
        AttrList n;
        n.add("address", rcpt.address).add("orcpt", rcpt.orcpt).add("notify", rcpt.notify).add_int("offset", rcpt.offset);
        a.add_list("rcpt", n);
    }
    return a;
}

Result<DeliverRequest> DeliverRequest::from_attrs(AttrReader& r) {
    DeliverRequest m;
    POSTERN_READ_STR(r, m.queue_id, "queue_id");
    POSTERN_READ_STR(r, m.queue_file, "queue_file");
    POSTERN_READ_STR(r, m.sender, "sender");
    POSTERN_READ_STR(r, m.nexthop, "nexthop");
    auto rcpts = read_nested<DeliverRecipient>(r, "rcpt", read_recipient);
    if (!rcpts) return rcpts.error();
    m.recipients = std::move(*rcpts);
    return m;
}

AttrList DeliverReply::to_attrs() const {
    AttrList a;
    for (const auto& res : results) {
        AttrList n;
        n.add_int("offset", res.offset).add("status", to_word(kRecipientStatus, res.status));
        n.add("dsn", res.dsn).add("reason", res.reason);
        a.add_list("result", n);
    }
    return a;
}

Result<DeliverReply> DeliverReply::from_attrs(AttrReader& r) {
    DeliverReply m;
    auto results = read_nested<RecipientResult>(r, "result", read_result);
    if (!results) return results.error();
    m.results = std::move(*results);
    return m;
}

}  // namespace postern::ipc
