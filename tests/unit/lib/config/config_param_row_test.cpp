// A Param handle whose index is stale (compiled against another version of
// params.def) still reads its own parameter: Config::get goes by name.
#include <gtest/gtest.h>

#include "lib/config/config.hpp"

namespace postern::config {
namespace {

TEST(ConfigParamRow, StaleIndexReadsTheNamedParameter) {
    auto cfg = Config::parse("line_length_limit = 4096\nsmtpd_tls_protocols = >=TLSv1.3\n", "main.conf", "/tmp");
    ASSERT_TRUE(cfg) << cfg.error().message;
    // Index 0 is some other row; the name decides.
    EXPECT_EQ(cfg->get(Param<Type::Int>{0, "line_length_limit"}), 4096);
    EXPECT_EQ(cfg->get(Param<Type::String>{0, "smtpd_tls_protocols"}), ">=TLSv1.3");
    EXPECT_EQ(cfg->get(params::line_length_limit), 4096);
}

}  // namespace
}  // namespace postern::config
