// The -o/-O table: sendmail 8.17's option letters and names (readcf.c's
// OptionTab), each with the handler that gives it a meaning in postern, or
// none (accepted and ignored).
#include "sendmail_option_names.hpp"

#include "lib/base/strings.hpp"
#include "lib/base/sysexits.hpp"

namespace postern::sendmail {
namespace {

using Setter = std::optional<UsageError> (*)(Options&, std::string_view value);

struct OptionSpec {
    char letter;  // 0: long name only
    std::string_view name;
    Setter set;   // nullptr: accepted and ignored
};

std::optional<UsageError> bad_value(std::string_view what, std::string_view value) {
    return UsageError{"invalid " + std::string(what) + " \"" + std::string(value) + "\"", ex::kUsage};
}

std::optional<UsageError> set_delivery_mode(Options& o, std::string_view v) {
    std::string m = lowercase(v);
    if (m == "b" || m == "background") o.delivery_mode = DeliveryMode::Background;
    else if (m == "i" || m == "interactive") o.delivery_mode = DeliveryMode::Interactive;
    else if (m == "q" || m == "queueonly") o.delivery_mode = DeliveryMode::Queue;
    else if (m == "d" || m == "deferred") o.delivery_mode = DeliveryMode::Defer;
    else return bad_value("delivery mode", v);
    return std::nullopt;
}

std::optional<UsageError> set_error_mode(Options& o, std::string_view v) {
    if (v.empty()) return bad_value("error mode", v);
    switch (v[0]) {
        case 'p': o.error_mode = ErrorMode::Print; break;
        case 'q': o.error_mode = ErrorMode::Quiet; break;
        case 'm': o.error_mode = ErrorMode::Mail; break;
        case 'w': o.error_mode = ErrorMode::Write; break;
        case 'e': o.error_mode = ErrorMode::ExitZero; break;
        default: return bad_value("error mode", v);
    }
    return std::nullopt;
}

std::optional<UsageError> set_ignore_dots(Options& o, std::string_view v) {
    std::string b = lowercase(v);
    o.ignore_dots = b.empty() || b == "t" || b == "true" || b == "y" || b == "yes";
    return std::nullopt;
}

std::optional<UsageError> set_queue_directory(Options& o, std::string_view v) {
    if (v.empty()) return bad_value("queue directory", v);
    o.queue_directory = std::string(v);
    return std::nullopt;
}

std::optional<UsageError> set_alias_file(Options& o, std::string_view v) {
    if (v.empty()) return bad_value("alias file", v);
    o.alias_file = std::string(v);
    return std::nullopt;
}

constexpr OptionSpec kOptions[] = {
    {'7', "SevenBitInput", nullptr},       {'8', "EightBitMode", nullptr},
    {'A', "AliasFile", set_alias_file},    {'a', "AliasWait", nullptr},
    {'B', "BlankSub", nullptr},            {'b', "MinFreeBlocks", nullptr},
    {'C', "CheckpointInterval", nullptr},  {'c', "HoldExpensive", nullptr},
    {'D', "AutoRebuildAliases", nullptr},  {'d', "DeliveryMode", set_delivery_mode},
    {'E', "ErrorHeader", nullptr},         {'e', "ErrorMode", set_error_mode},
    {'F', "TempFileMode", nullptr},        {'f', "SaveFromLine", nullptr},
    {'G', "MatchGECOS", nullptr},          {'H', "HelpFile", nullptr},
    {'h', "MaxHopCount", nullptr},         {'i', "IgnoreDots", set_ignore_dots},
    {'I', "ResolverOptions", nullptr},     {'J', "ForwardPath", nullptr},
    {'j', "SendMimeErrors", nullptr},      {'k', "ConnectionCacheSize", nullptr},
    {'K', "ConnectionCacheTimeout", nullptr}, {'L', "LogLevel", nullptr},
    {'l', "UseErrorsTo", nullptr},         {'M', "", nullptr},  // -oMx value: a macro
    {'m', "MeToo", nullptr},               {'n', "CheckAliases", nullptr},
    {'O', "DaemonPortOptions", nullptr},   {'o', "OldStyleHeaders", nullptr},
    {'P', "PostmasterCopy", nullptr},      {'p', "PrivacyOptions", nullptr},
    {'Q', "QueueDirectory", set_queue_directory}, {'q', "QueueFactor", nullptr},
    {'R', "DontPruneRoutes", nullptr},     {'r', "Timeout", nullptr},
    {'S', "StatusFile", nullptr},          {'s', "SuperSafe", nullptr},
    {'T', "QueueTimeout", nullptr},        {'t', "TimeZoneSpec", nullptr},
    {'U', "UserDatabaseSpec", nullptr},    {'u', "DefaultUser", nullptr},
    {'V', "FallbackMXhost", nullptr},      {'v', "Verbose", nullptr},
    {'w', "TryNullMXList", nullptr},       {'X', "RefuseLA", nullptr},
    {'x', "QueueLA", nullptr},             {'Y', "ForkEachJob", nullptr},
    {'y', "RecipientFactor", nullptr},     {'z', "ClassFactor", nullptr},
    {'Z', "RetryFactor", nullptr},
    // Long names only (sendmail 8.17).
    {0, "AllowBogusHELO", nullptr},        {0, "AuthMechanisms", nullptr},
    {0, "AuthOptions", nullptr},           {0, "ClientPortOptions", nullptr},
    {0, "ColonOkInAddr", nullptr},         {0, "ConnectionRateThrottle", nullptr},
    {0, "ControlSocketName", nullptr},     {0, "DefaultCharSet", nullptr},
    {0, "DeliverByMin", nullptr},          {0, "DialDelay", nullptr},
    {0, "DontBlameSendmail", nullptr},     {0, "DontExpandCnames", nullptr},
    {0, "DontInitGroups", nullptr},        {0, "DontProbeInterfaces", nullptr},
    {0, "DoubleBounceAddress", nullptr},   {0, "HostsFile", nullptr},
    {0, "HostStatusDirectory", nullptr},   {0, "LDAPDefaultSpec", nullptr},
    {0, "MailboxDatabase", nullptr},       {0, "MaxAliasRecursion", nullptr},
    {0, "MaxDaemonChildren", nullptr},     {0, "MaxHeadersLength", nullptr},
    {0, "MaxMessageSize", nullptr},        {0, "MaxMimeHeaderLength", nullptr},
    {0, "MaxQueueRunSize", nullptr},       {0, "MaxRecipientsPerMessage", nullptr},
    {0, "MinQueueAge", nullptr},           {0, "MustQuoteChars", nullptr},
    {0, "NoRecipientAction", nullptr},     {0, "OperatorChars", nullptr},
    {0, "PidFile", nullptr},               {0, "ProcessTitlePrefix", nullptr},
    {0, "QueueSortOrder", nullptr},        {0, "RrtImpliesDsn", nullptr},
    {0, "RunAsUser", nullptr},             {0, "SafeFileEnvironment", nullptr},
    {0, "ServiceSwitchFile", nullptr},     {0, "SingleLineFromHeader", nullptr},
    {0, "SingleThreadDelivery", nullptr},  {0, "SmtpGreetingMessage", nullptr},
    {0, "TrustedUser", nullptr},           {0, "UnixFromLine", nullptr},
    {0, "UnsafeGroupWrites", nullptr},     {0, "XscriptFileBufferSize", nullptr},
    {0, "DataFileBufferSize", nullptr},    {0, "QueueFileMode", nullptr},
    {0, "DirectSubmissionModifiers", nullptr}, {0, "FastSplit", nullptr},
    {0, "MaxQueueChildren", nullptr},      {0, "MaxRunnersPerQueue", nullptr},
    {0, "NiceQueueRun", nullptr},
    {0, "UseMSP", nullptr},                {0, "CipherList", nullptr},
    {0, "ServerCertFile", nullptr},        {0, "ServerKeyFile", nullptr},
    {0, "ClientCertFile", nullptr},        {0, "ClientKeyFile", nullptr},
    {0, "CACertFile", nullptr},            {0, "CACertPath", nullptr},
    {0, "TLSSrvOptions", nullptr},         {0, "RandFile", nullptr},
    {0, "CRLFile", nullptr},               {0, "DHParameters", nullptr},
    {0, "MilterLogLevel", nullptr},        {0, "InputMailFilters", nullptr},
    {0, "SoftBounce", nullptr},            {0, "RejectLogInterval", nullptr},
    {0, "RequiresDirfsync", nullptr},      {0, "SharedMemoryKey", nullptr},
    {0, "SharedMemoryKeyFile", nullptr},   {0, "HeloName", nullptr},
    {0, "MaxNOOPCommands", nullptr},       {0, "ConnectOnlyTo", nullptr},
    {0, "BadRcptThrottle", nullptr},       {0, "BadRcptThrottleDelay", nullptr},
    {0, "LogDSNs", nullptr},
};

const OptionSpec* by_letter(char c) {
    for (const auto& s : kOptions)
        if (s.letter == c) return &s;
    return nullptr;
}

const OptionSpec* by_name(std::string_view name) {
    for (const auto& s : kOptions)
        if (!s.name.empty() && iequals(s.name, name)) return &s;
    // "Timeout.queuereturn=5d" and friends belong to Timeout.
    if (name.size() > 8 && iequals(name.substr(0, 8), "Timeout.")) return by_letter('r');
    return nullptr;
}

std::optional<UsageError> apply(Options& o, const OptionSpec& spec, std::string_view value) {
    return spec.set ? spec.set(o, value) : std::nullopt;
}

}  // namespace

std::optional<UsageError> apply_letter_option(Options& o, std::string_view arg, std::string& warning) {
    if (arg.empty()) return UsageError{"option -o requires an argument", ex::kUsage};
    const OptionSpec* spec = by_letter(arg[0]);
    if (!spec) {
        warning = "unknown option -o" + std::string(1, arg[0]) + " ignored";
        return std::nullopt;
    }
    return apply(o, *spec, trim(arg.substr(1)));
}

std::optional<UsageError> apply_named_option(Options& o, std::string_view arg, std::string& warning) {
    auto eq = arg.find('=');
    std::string_view name = trim(arg.substr(0, eq));
    std::string_view value = eq == std::string_view::npos ? std::string_view{} : trim(arg.substr(eq + 1));
    if (name.empty()) return UsageError{"option -O requires Name=value", ex::kUsage};
    const OptionSpec* spec = name.size() == 1 ? by_letter(name[0]) : by_name(name);
    if (!spec) {
        warning = "unknown option name " + std::string(name) + " ignored";
        return std::nullopt;
    }
    return apply(o, *spec, value);
}

}  // namespace postern::sendmail
