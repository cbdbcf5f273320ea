// BuildServerConfig: flags reach the config and /api/v1/status/flags.
#include "server/serve_command.h"

#include <gtest/gtest.h>

namespace vigil::server {
namespace {

TEST(ServeCommand, QueryThreadsDefaultsToHardware) {
  ServeFlags f;
  auto c = BuildServerConfig(f);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c.value().limits.query_threads, 0u);
  EXPECT_EQ(c.value().flags.at("query.threads"), "0");
}

TEST(ServeCommand, QueryThreadsFlagReachesConfig) {
  ServeFlags f;
  f.query_threads = 1;
  auto c = BuildServerConfig(f);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c.value().limits.query_threads, 1u);
  EXPECT_EQ(c.value().flags.at("query.threads"), "1");
}

}  // namespace
}  // namespace vigil::server
