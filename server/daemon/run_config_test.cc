// `sakerd run`'s command line: the flags are overrides of their keys, after
// the file and -o, checked by the configuration's schema (no probe needed).
#include "server/daemon/run_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

namespace saker::daemon {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::StatusOr<RunConfig> Load(std::vector<std::string> args) {
  return RunInvocation(std::move(args)).Load();
}

std::string ConfigFile(const std::string& text) {
  const char* dir = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(dir != nullptr ? dir : "/tmp") + "/run_config_test.yaml";
  std::ofstream(path) << text;
  return path;
}

TEST(RunConfigTest, FlagsOverrideTheFileAndO) {
  const std::string path = ConfigFile(
      "rules_files: [/etc/a.yaml]\n"
      "saker:\n"
      "  api: {alert_history: 10, event_history: 11}\n"
      "  driver: {snaplen: 5, syscalls: [openat]}\n");
  auto rc = Load({"-c", path, "-o", "saker.api.alert_history=20", "--grpc-alert-history", "30",
                  "--snaplen=80", "--syscalls", "execve,connect", "--syscalls", "procexit", "-r",
                  "/b.yaml", "-r", "/c.yaml", "--duration", "2.5", "--json"});
  ASSERT_TRUE(rc.ok()) << rc.status();
  const config::Config& c = rc->config;
  EXPECT_EQ(c.saker.api.alert_history, 30u);
  EXPECT_EQ(c.saker.api.event_history, 11u);
  EXPECT_EQ(c.Where("saker.api.alert_history"), "--grpc-alert-history");
  EXPECT_THAT(c.rules_files, ElementsAre("/b.yaml", "/c.yaml"));
  EXPECT_TRUE(c.json_output);
  EXPECT_EQ(rc->driver.snaplen, 80u);
  EXPECT_THAT(rc->driver.syscalls, ElementsAre("execve", "connect", "procexit"));
  EXPECT_EQ(rc->duration, 2.5);
}

TEST(RunConfigTest, ApiFlags) {
  auto rc = Load({"--grpc-bind", "unix:///tmp/a.sock", "--grpc-bind", "127.0.0.1:5060",
                  "--tls-cert", "c.pem", "--tls-key", "k.pem", "--tls-ca", "ca.pem", "--grpc-allow",
                  "saker.rules.v1.RuleService=admin,ops", "--grpc-socket-mode", "0600",
                  "--grpc-falco-socket", "--grpc-keepalive-time-ms", "20000",
                  "--grpc-keepalive-timeout-ms", "20000"});
  ASSERT_TRUE(rc.ok()) << rc.status();
  const config::Api& a = rc->config.saker.api;
  EXPECT_THAT(a.binds, ElementsAre("unix:///tmp/a.sock", "127.0.0.1:5060"));
  EXPECT_EQ(a.tls.ca, "ca.pem");
  EXPECT_THAT(a.allow.at("saker.rules.v1.RuleService"), ElementsAre("admin", "ops"));
  EXPECT_EQ(a.socket_mode, 0600u);
  EXPECT_TRUE(rc->config.grpc.enabled);
  EXPECT_EQ(a.keepalive_time_ms, 20000u);
  auto off = Load({"--no-grpc"});
  ASSERT_TRUE(off.ok()) << off.status();
  EXPECT_FALSE(off->config.saker.api.enabled);
  EXPECT_FALSE(off->config.grpc.enabled);
}

TEST(RunConfigTest, EveryBadFlagIsReportedWithTheKeysMessage) {
  auto rc = Load({"--grpc-alert-history", "100000000000", "--grpc-event-history", "0", "--snaplen",
                  "999999", "--grpc-keepalive-time-ms", "0"});
  ASSERT_FALSE(rc.ok());
  EXPECT_EQ(rc.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(rc.status().message()),
              testing::AllOf(HasSubstr("--grpc-alert-history: saker.api.alert_history: expected "
                                       "an integer from 1 to 16777216, got \"100000000000\""),
                             HasSubstr("--grpc-event-history: saker.api.event_history: expected "
                                       "an integer from 1 to 16777216, got \"0\""),
                             HasSubstr("--snaplen: saker.driver.snaplen: expected an integer "
                                       "from 0 to 65536, got \"999999\""),
                             HasSubstr("--grpc-keepalive-time-ms: saker.api.keepalive_time_ms: "
                                       "expected an integer from 1000 to 86400000, got \"0\"")));
  auto ka = Load({"--grpc-keepalive-time-ms", "5000", "--grpc-keepalive-timeout-ms", "6000"});
  ASSERT_FALSE(ka.ok());
  EXPECT_EQ(ka.status().message(),
            "--grpc-keepalive-timeout-ms: saker.api.keepalive_timeout_ms: expected at most "
            "saker.api.keepalive_time_ms (5000), got \"6000\"");
}

TEST(RunConfigTest, UsageNamesTheKeys) {
  const std::string usage = RunInvocation({}).Usage();
  EXPECT_THAT(usage, HasSubstr("saker.api.alert_history"));
  EXPECT_THAT(usage, HasSubstr("saker.driver.snaplen"));
}

}  // namespace
}  // namespace saker::daemon
