// The SDK against a live sakerd (run by live_sakerd.sh): real alerts and
// events, filters, mTLS and its refusal, reconnect and resume across a
// server restart, gap notices for a slow consumer.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/synchronization/notification.h"
#include "clients/cpp/client.h"
#include "gtest/gtest.h"
#include "version.grpc.pb.h"

namespace saker::client {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

std::string Prefix() { return absl::StrCat("/tmp/saker-sdk-marker-cpp-", getpid(), "-"); }

// One alert of the fixture's marker rule for /tmp/saker-sdk-marker-cpp-PID-NAME.
void Trigger(const std::string& name) {
  std::string suffix = absl::StrCat("cpp-", getpid(), "-", name);
  ASSERT_EQ(std::system(absl::StrCat(Env("SAKER_TRIGGER"), " ", suffix).c_str()), 0);
}

std::unique_ptr<Client> UnixClient(ReconnectPolicy reconnect = {}) {
  ClientOptions o;
  o.address = Env("SAKER_UNIX_ADDR");
  o.reconnect = reconnect;
  auto c = Client::Create(o);
  EXPECT_TRUE(c.ok()) << c.status();
  return *std::move(c);
}

std::unique_ptr<Client> TlsClient(const std::string& cert, const std::string& key) {
  ClientOptions o;
  o.address = Env("SAKER_TCP_ADDR");
  o.tls = TlsOptions{Env("SAKER_CA"), cert, key};
  o.reconnect.max_attempts = 2;
  auto c = Client::Create(o);
  EXPECT_TRUE(c.ok()) << c.status();
  return *std::move(c);
}

// The sequence after the newest alert: subscribing there sees everything
// raised from now on, with no race against the server registering us.
StartAt AfterNewestAlert(const Client& c) {
  auto s = c.GetStatus();
  EXPECT_TRUE(s.ok()) << s.status();
  StartAt at;
  at.from_sequence = s.ok() ? s->alerts.newest_sequence + 1 : 1;
  return at;
}

AlertSubscribeOptions MarkerAlerts(const Client& c) {
  AlertSubscribeOptions o;
  o.filter.condition = absl::StrCat("fd.name startswith ", Prefix());
  o.start = AfterNewestAlert(c);
  return o;
}

// Reads until an alert for marker `name`; fails on End or after `timeout`.
std::optional<Alert> WaitFor(AlertSubscription& sub, const std::string& name,
                             absl::Duration timeout = absl::Seconds(20)) {
  const std::string path = Prefix() + name;
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    auto item = sub.Next(deadline - absl::Now());
    if (!item) {
      break;
    }
    if (auto* end = std::get_if<End>(&*item)) {
      ADD_FAILURE() << "stream ended: " << end->status;
      return std::nullopt;
    }
    if (auto* a = std::get_if<Alert>(&*item); a && absl::StrContains(a->output, path)) {
      return *a;
    }
  }
  ADD_FAILURE() << "no alert for " << path;
  return std::nullopt;
}

TEST(ClientTest, VersionStatusRulesReload) {
  auto c = UnixClient();
  auto v = c->GetVersion();
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_FALSE(v->version.empty());
  auto s = c->GetStatus();
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->probe_loaded);
  EXPECT_EQ(s->alerts.capacity, 64u);
  auto rules = c->ListRules();
  ASSERT_TRUE(rules.ok()) << rules.status();
  bool found = false;
  for (const Rule& r : *rules) {
    if (r.name == Env("SAKER_RULE")) {
      found = true;
      EXPECT_EQ(r.priority, Priority::kWarning);
      EXPECT_EQ(r.tags, std::vector<std::string>{"sdk_test"});
    }
  }
  EXPECT_TRUE(found);
  auto reload = c->ReloadRules();
  ASSERT_TRUE(reload.ok()) << reload.status();
  EXPECT_GE(reload->rule_count, 1u);
}

TEST(ClientTest, FalcoApiStubs) {
  auto c = UnixClient();
  grpc::ClientContext ctx;
  falco::version::response resp;
  ASSERT_TRUE(falco::version::service::NewStub(c->channel())->version(&ctx, {}, &resp).ok());
  EXPECT_FALSE(resp.version().empty());
}

TEST(ClientTest, AlertWithEveryFilter) {
  auto c = UnixClient();
  AlertSubscribeOptions o;
  o.filter.min_priority = Priority::kWarning;
  o.filter.rules = {Env("SAKER_RULE")};
  o.filter.tags = {"sdk_test"};
  o.filter.sources = {"syscall"};
  o.filter.condition = absl::StrCat("fd.name = ", Prefix(), "wanted");
  o.output_fields = {"fd.name"};
  o.max_batch = 8;
  o.start = AfterNewestAlert(*c);
  auto sub = c->SubscribeAlerts(o);
  Trigger("unwanted");
  Trigger("wanted");
  auto item = sub->Next(absl::Seconds(20));
  ASSERT_TRUE(item.has_value());
  ASSERT_TRUE(std::holds_alternative<Alert>(*item));
  const Alert& a = std::get<Alert>(*item);
  EXPECT_EQ(a.rule, Env("SAKER_RULE"));
  EXPECT_EQ(a.priority, Priority::kWarning);
  EXPECT_EQ(a.source, "syscall");
  EXPECT_EQ(a.output_fields, (std::map<std::string, std::string>{{"fd.name", Prefix() + "wanted"}}));
  EXPECT_LT(absl::AbsDuration(absl::Now() - a.time), absl::Seconds(30));
  EXPECT_GE(a.publish_time, a.time);
  EXPECT_EQ(sub->last_sequence(), a.sequence);
}

TEST(ClientTest, MinPriorityFiltersOut) {
  auto c = UnixClient();
  AlertSubscribeOptions o = MarkerAlerts(*c);
  o.filter.min_priority = Priority::kError;  // the marker rule is WARNING
  auto sub = c->SubscribeAlerts(o);
  Trigger("low");
  EXPECT_FALSE(sub->Next(absl::Seconds(2)).has_value());
}

TEST(ClientTest, CallbackAndCancelFromIt) {
  auto c = UnixClient();
  std::vector<AlertItem> got;
  absl::Notification ended;
  std::unique_ptr<AlertSubscription> sub;
  sub = c->SubscribeAlerts(MarkerAlerts(*c), [&](AlertItem item) {
    got.push_back(item);
    if (std::holds_alternative<End>(item)) {
      ended.Notify();
    } else {
      sub->Cancel();
    }
  });
  Trigger("callback");
  ASSERT_TRUE(ended.WaitForNotificationWithTimeout(absl::Seconds(20)));
  ASSERT_EQ(got.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<Alert>(got[0]));
  EXPECT_EQ(std::get<End>(got[1]).status.code(), absl::StatusCode::kCancelled);
}

TEST(ClientTest, BadConditionEndsTheStream) {
  auto c = UnixClient();
  AlertSubscribeOptions o;
  o.filter.condition = "this is not ( a condition";
  auto sub = c->SubscribeAlerts(o);
  auto item = sub->Next(absl::Seconds(10));
  ASSERT_TRUE(item.has_value());
  ASSERT_TRUE(std::holds_alternative<End>(*item));
  EXPECT_EQ(std::get<End>(*item).status.code(), absl::StatusCode::kInvalidArgument);
}

TEST(ClientTest, CancelAndDestructor) {
  auto c = UnixClient();
  auto sub = c->SubscribeAlerts({});
  sub->Cancel();
  auto item = sub->Next(absl::Seconds(5));
  ASSERT_TRUE(item.has_value());
  EXPECT_EQ(std::get<End>(*item).status.code(), absl::StatusCode::kCancelled);
  auto other = c->SubscribeAlerts({});  // destroyed while blocked in Read
}

// Events are many (every syscall of the host): the exec is repeated until
// one is seen, in case a burst laps the server's event history.
TEST(ClientTest, ExecEventsWithCondition) {
  auto c = UnixClient();
  EventSubscribeOptions o;
  o.condition = "evt.type = execve and proc.name = true";
  auto sub = c->SubscribeEvents(o);
  const std::string marker = absl::StrCat("saker-sdk-cpp-exec-", getpid());
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  bool found = false;
  while (!found && absl::Now() < deadline) {
    ASSERT_EQ(std::system(absl::StrCat("/bin/true ", marker).c_str()), 0);
    while (auto item = sub->Next(absl::Milliseconds(500))) {
      ASSERT_FALSE(std::holds_alternative<End>(*item)) << std::get<End>(*item).status;
      if (auto* e = std::get_if<Event>(&*item)) {
        EXPECT_EQ(e->type, "execve");
        EXPECT_EQ(e->proc_name, "true");
        const std::string* args = e->Arg("args");
        found = found || (args != nullptr && absl::StrContains(*args, marker));
      }
    }
  }
  EXPECT_TRUE(found) << "no execve event for " << marker;
}

TEST(ClientTest, MutualTlsWithPathsAndPem) {
  auto c = TlsClient(Env("SAKER_CLIENT_CERT"), Env("SAKER_CLIENT_KEY"));
  ASSERT_TRUE(c->GetVersion().ok());
  auto sub = c->SubscribeAlerts(MarkerAlerts(*c));
  Trigger("tls");
  EXPECT_TRUE(WaitFor(*sub, "tls").has_value());

  auto read = [](const std::string& p) {
    std::string out;
    FILE* f = std::fopen(p.c_str(), "r");
    char buf[4096];
    for (size_t n; f != nullptr && (n = std::fread(buf, 1, sizeof buf, f)) > 0;) {
      out.append(buf, n);
    }
    if (f != nullptr) {
      std::fclose(f);
    }
    return out;
  };
  ClientOptions o;
  o.address = Env("SAKER_TCP_ADDR");
  o.tls = TlsOptions{};
  o.tls->ca_pem = read(Env("SAKER_CA"));
  o.tls->cert_pem = read(Env("SAKER_CLIENT_CERT"));
  o.tls->key_pem = read(Env("SAKER_CLIENT_KEY"));
  auto pem = Client::Create(o);
  ASSERT_TRUE(pem.ok()) << pem.status();
  EXPECT_TRUE((*pem)->GetVersion().ok());
}

TEST(ClientTest, TcpWithoutTlsIsRejected) {
  ClientOptions o;
  o.address = Env("SAKER_TCP_ADDR");
  EXPECT_EQ(Client::Create(o).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ClientTest, BadCertificateIsRefused) {
  auto c = TlsClient(Env("SAKER_BAD_CERT"), Env("SAKER_BAD_KEY"));
  auto v = c->GetVersion();
  EXPECT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), absl::StatusCode::kUnavailable) << v.status();
  EXPECT_FALSE(c->WaitForConnected(absl::Seconds(2)).ok());
  auto sub = c->SubscribeAlerts({});  // max_attempts = 2
  auto item = sub->Next(absl::Seconds(30));
  ASSERT_TRUE(item.has_value());
  ASSERT_TRUE(std::holds_alternative<End>(*item));
  EXPECT_EQ(std::get<End>(*item).status.code(), absl::StatusCode::kUnavailable);
}

// The stream breaks, the alerts raised while it is down come from the new
// server's history when it resumes, and nothing is reported twice.
TEST(ClientTest, ReconnectAndResumeAcrossRestart) {
  ReconnectPolicy slow;
  slow.initial_backoff = slow.max_backoff = absl::Seconds(3);
  auto c = UnixClient(slow);
  auto sub = c->SubscribeAlerts(MarkerAlerts(*c));
  Trigger("before");
  ASSERT_TRUE(WaitFor(*sub, "before").has_value());
  ASSERT_EQ(std::system(Env("SAKER_RESTART").c_str()), 0);
  Trigger("down-1");
  Trigger("down-2");
  auto first = WaitFor(*sub, "down-1", absl::Seconds(30));
  ASSERT_TRUE(first.has_value());
  auto second = sub->Next(absl::Seconds(10));
  ASSERT_TRUE(second.has_value());
  ASSERT_TRUE(std::holds_alternative<Alert>(*second));
  EXPECT_TRUE(absl::StrContains(std::get<Alert>(*second).output, "down-2"));
  EXPECT_GT(std::get<Alert>(*second).sequence, first->sequence);
  EXPECT_GE(sub->reconnects(), 1u);
  Trigger("after");
  EXPECT_TRUE(WaitFor(*sub, "after").has_value());
}

// A consumer that does not read is lapped by the server's 64-alert history:
// it gets a gap notice, in order, then the alerts after it.
TEST(ClientTest, SlowConsumerGetsGapNotices) {
  auto c = UnixClient();
  AlertSubscribeOptions o = MarkerAlerts(*c);
  o.buffer = 4;
  auto sub = c->SubscribeAlerts(o);
  Trigger("first");  // once the stream has delivered, a later loss is an overflow
  ASSERT_TRUE(WaitFor(*sub, "first").has_value());
  const std::string path = Prefix() + "flood";
  for (int i = 0; i < 40000; ++i) {
    int fd = ::open(path.c_str(), O_RDONLY);
    if (fd >= 0) {
      ::close(fd);
    }
  }
  absl::SleepFor(absl::Seconds(2));
  uint64_t prev = 0, alerts = 0;
  std::vector<Gap> gaps;
  while (auto item = sub->Next(absl::Seconds(3))) {
    ASSERT_FALSE(std::holds_alternative<End>(*item)) << std::get<End>(*item).status;
    if (auto* g = std::get_if<Gap>(&*item)) {
      EXPECT_GT(g->from_sequence, prev);
      EXPECT_EQ(g->count, g->to_sequence - g->from_sequence + 1);
      prev = g->to_sequence;
      gaps.push_back(*g);
    } else {
      const Alert& a = std::get<Alert>(*item);
      EXPECT_GT(a.sequence, prev);
      prev = a.sequence;
      ++alerts;
    }
  }
  ASSERT_FALSE(gaps.empty()) << alerts << " alerts and no gap";
  EXPECT_EQ(gaps[0].reason, GapReason::kSubscriberOverflow);
  EXPECT_GT(alerts, 0u);
}

}  // namespace
}  // namespace saker::client
