// Expansion context from Settings.
#include "local_resolve.hpp"

#include "local_read_as.hpp"
#include "local_user.hpp"

namespace postern::local {

Result<resolve::ExpandContext> expand_context(const Settings& settings, const AliasMaps& aliases) {
    resolve::ExpandContext ctx;
    ctx.users = user_directory(settings);
    ctx.aliases = &aliases;
    ctx.local_domains = settings.local_domains;
    ctx.forward_path = settings.forward_path;
    ctx.max_depth = settings.alias_depth_limit;
    ctx.max_destinations = settings.alias_recipient_limit;
    ctx.max_file_size = settings.forward_file_size_limit;
    ctx.max_entry = settings.alias_entry_length_limit;
    ctx.allow_restricted_shell = settings.allow_restricted_shell;
    ctx.shells_file = settings.shells_file;
    ctx.read_file = file_reader(settings.privileged(), settings.delivery_timeout);
    if (settings.user_instance) {
        ctx.default_privs = current_identity();
        return ctx;
    }
    auto privs = lookup_user(settings.default_privs);
    if (!privs) return make_error("default_privs: " + privs.error().message);
    if (privs->uid == 0) return make_error("default_privs " + settings.default_privs + " is root; refusing");
    ctx.default_privs = *privs;
    return ctx;
}

}  // namespace postern::local
