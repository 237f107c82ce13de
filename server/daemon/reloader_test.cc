// The reload boundary: whatever fails while reloading (an exception thrown
// while compiling included) is an error status that is logged, counted as a
// failed reload and returned, and the running rules stay. Rules that leave
// no rule enabled are refused unless saker.rules.allow_empty.
//
// Real configuration files, a real RulesHandle, a real Logger; the one seam
// is the compile step (ReloadTargets::compile), to throw the exceptions a
// real rules file only throws after exhausting the machine's memory.
#include "server/daemon/reloader.h"

#include <fstream>
#include <new>
#include <stdexcept>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/daemon/exception_status.h"

namespace saker::daemon {
namespace {

using ::testing::HasSubstr;

class Lines : public observe::LogSink {
 public:
  explicit Lines(std::vector<std::string>* out) : out_(out) {}
  void Write(const observe::LogLine& line) override { out_->emplace_back(line.body); }

 private:
  std::vector<std::string>* out_;
};

std::string Rule(const std::string& name, bool enabled = true) {
  return absl::StrCat("- rule: ", name,
                      "\n  desc: d\n  condition: evt.type = execve\n  output: x\n"
                      "  priority: WARNING\n  enabled: ",
                      enabled ? "true" : "false", "\n");
}

class ReloaderTest : public ::testing::Test {
 protected:
  ReloaderTest()
      : dir_(::testing::TempDir()),
        rules_path_(dir_ + "/reloader_rules.yaml"),
        config_path_(dir_ + "/reloader_saker.yaml"),
        invocation_({"-c", config_path_}) {
    Write(rules_path_, Rule("running"));
    WriteConfig(false);
  }

  static void Write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::trunc) << text;
  }
  void WriteConfig(bool allow_empty) {
    Write(config_path_,
          absl::StrCat("rules_files: [", rules_path_, "]\n",
                       "saker: {rules: {allow_empty: ", allow_empty ? "true" : "false", "}}\n"));
  }

  // A handle loaded from the files as they are now, and a Reloader on it.
  void Start(std::function<absl::StatusOr<RulesHandle::Compiled>(rules::EngineOptions,
                                                                 std::vector<std::string>)>
                 compile = RulesHandle::Compile) {
    auto rc = invocation_.Load();
    ASSERT_TRUE(rc.ok()) << rc.status();
    handle_ =
        std::make_unique<RulesHandle>(EngineOptionsOf(rc->config, "host"), rc->config.rules_files);
    ASSERT_TRUE(handle_->Load().ok());
    std::vector<std::unique_ptr<observe::LogSink>> sinks;
    sinks.push_back(std::make_unique<Lines>(&log_));
    logger_ = std::make_unique<observe::Logger>(observe::LoggerOptions{}, std::move(sinks));
    ReloadTargets t;
    t.invocation = &invocation_;
    t.hostname = "host";
    t.rules = handle_.get();
    t.logger = logger_.get();
    t.counters = &counters_;
    t.compile = std::move(compile);
    reloader_ = std::make_unique<Reloader>(std::move(t), rc->config);
  }

  std::vector<std::string> EnabledRules() {
    return handle_->With([](rules::Engine& e) {
      std::vector<std::string> names;
      for (const auto& r : e.rule_set()->rules()) {
        if (r->enabled()) {
          names.push_back(r->name());
        }
      }
      return names;
    });
  }

  // The reload fails with `code` and `message`, logged and counted; the
  // running rules stay.
  void ExpectRefused(absl::StatusCode code, const std::string& message) {
    const uint64_t failed = counters_.failed.value();
    auto r = reloader_->Reload();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), code) << r.status();
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(message));
    EXPECT_EQ(counters_.failed.value(), failed + 1);
    ASSERT_FALSE(log_.empty());
    EXPECT_THAT(log_.back(), HasSubstr("reload failed, keeping the running configuration: "));
    EXPECT_THAT(log_.back(), HasSubstr(message));
    EXPECT_EQ(EnabledRules(), std::vector<std::string>{"running"});
  }

  const std::string dir_;
  const std::string rules_path_;
  const std::string config_path_;
  RunInvocation invocation_;
  std::vector<std::string> log_;
  ReloadCounters counters_;
  std::unique_ptr<RulesHandle> handle_;
  std::unique_ptr<observe::Logger> logger_;
  std::unique_ptr<Reloader> reloader_;
};

template <typename E>
std::function<absl::StatusOr<RulesHandle::Compiled>(rules::EngineOptions, std::vector<std::string>)>
Throwing(E e) {
  return [e](rules::EngineOptions,
             std::vector<std::string>) -> absl::StatusOr<RulesHandle::Compiled> { throw e; };
}

TEST_F(ReloaderTest, BadAllocWhileCompilingIsAFailedReload) {
  Start(Throwing(std::bad_alloc()));
  Write(rules_path_, Rule("new"));
  ExpectRefused(absl::StatusCode::kResourceExhausted, "reload: out of memory (std::bad_alloc)");
  EXPECT_EQ(counters_.ok.value(), 0u);
}

TEST_F(ReloaderTest, AnyExceptionWhileCompilingIsAFailedReload) {
  Start(Throwing(std::runtime_error("yaml-cpp gave up")));
  ExpectRefused(absl::StatusCode::kInternal, "reload: unexpected error: yaml-cpp gave up");
  Start(Throwing(std::length_error("vector::_M_range_insert")));
  ExpectRefused(absl::StatusCode::kResourceExhausted, "vector::_M_range_insert");
  Start(Throwing(42));
  ExpectRefused(absl::StatusCode::kInternal, "reload: unexpected exception");
}

TEST_F(ReloaderTest, AGoodReloadAfterAFailedOne) {
  int calls = 0;
  Start([&calls](rules::EngineOptions o, std::vector<std::string> f) {
    if (++calls == 1) {
      throw std::bad_alloc();
    }
    return RulesHandle::Compile(std::move(o), std::move(f));
  });
  Write(rules_path_, Rule("new"));
  ExpectRefused(absl::StatusCode::kResourceExhausted, "out of memory");
  auto r = reloader_->Reload();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->rule_count, 1u);
  EXPECT_EQ(EnabledRules(), std::vector<std::string>{"new"});
  EXPECT_EQ(counters_.ok.value(), 1u);
  EXPECT_EQ(counters_.failed.value(), 1u);
}

TEST_F(ReloaderTest, NoEnabledRuleIsRefusedUnlessAllowed) {
  Start();
  Write(rules_path_, Rule("off", false));
  ExpectRefused(absl::StatusCode::kFailedPrecondition,
                absl::StrCat("no rule is enabled: 1 rules in ", rules_path_));
  EXPECT_THAT(log_.back(), HasSubstr("set saker.rules.allow_empty: true if that is intended"));
  Write(rules_path_, "");  // no rule at all
  ExpectRefused(absl::StatusCode::kFailedPrecondition, "no rule is enabled: 0 rules in ");

  WriteConfig(true);
  auto r = reloader_->Reload();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->rule_count, 0u);
  EXPECT_TRUE(EnabledRules().empty());
  EXPECT_EQ(counters_.ok.value(), 1u);
}

// The codes and messages RulesHandle::Compile, `sakerd validate` and the
// reload give for an exception.
TEST(ExceptionStatusTest, Codes) {
  auto of = [](auto thrower) {
    return StatusOfExceptions("loading x.yaml", [&]() -> absl::Status {
      thrower();
      return absl::OkStatus();
    });
  };
  absl::Status st = of([] { throw std::bad_alloc(); });
  EXPECT_EQ(st.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(st.message()), HasSubstr("loading x.yaml: out of memory"));
  st = of([] { throw std::invalid_argument("bad"); });
  EXPECT_EQ(st, absl::InternalError("loading x.yaml: unexpected error: bad"));
  st = of([] { throw "a string"; });
  EXPECT_EQ(st, absl::InternalError("loading x.yaml: unexpected exception"));
  EXPECT_TRUE(of([] {}).ok());
  absl::StatusOr<int> v = StatusOfExceptions("x", []() -> absl::StatusOr<int> { return 7; });
  EXPECT_EQ(*v, 7);
}

}  // namespace
}  // namespace saker::daemon
