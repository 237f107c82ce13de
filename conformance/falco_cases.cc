// Falco's wire API: version, get, sub (push without polling, fan-out), the two
// source fields, and the legacy falco.output.service/subscribe.

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "conformance/suite.h"
#include "output.grpc.pb.h"
#include "outputs.grpc.pb.h"
#include "version.grpc.pb.h"

namespace saker::conformance {
namespace {

namespace fo = falco::outputs;
using FalcoSub = Stream<fo::response, grpc::ClientReaderWriter<fo::request, fo::response>>;
using FalcoGet = Stream<fo::response, grpc::ClientReader<fo::response>>;
using LegacySub = Stream<falco::output::response, grpc::ClientReader<falco::output::response>>;

// ---- Shared checks ----

struct Semver {
  uint32_t major = 0, minor = 0, patch = 0;
  std::string prerelease, build;
};

// MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]
std::optional<Semver> ParseSemver(const std::string& s) {
  Semver v;
  std::string core = s;
  if (size_t plus = core.find('+'); plus != std::string::npos) {
    v.build = core.substr(plus + 1);
    core = core.substr(0, plus);
  }
  if (size_t dash = core.find('-'); dash != std::string::npos) {
    v.prerelease = core.substr(dash + 1);
    core = core.substr(0, dash);
  }
  std::vector<std::string> parts = absl::StrSplit(core, '.');
  if (parts.size() != 3) {
    return std::nullopt;
  }
  for (const std::string& p : parts) {
    if (p.empty() || !std::all_of(p.begin(), p.end(), absl::ascii_isdigit)) {
      return std::nullopt;
    }
  }
  if (!absl::SimpleAtoi(parts[0], &v.major) || !absl::SimpleAtoi(parts[1], &v.minor) ||
      !absl::SimpleAtoi(parts[2], &v.patch)) {
    return std::nullopt;
  }
  return v;
}

// Fields 1, 2, 4, 5, 6, 7, common to outputs.response and legacy output.response.
template <typename R>
std::optional<std::string> CheckCommonFields(const R& r) {
  std::string who = absl::StrCat("alert of rule '", r.rule(), "': ");
  if (!r.has_time() || r.time().seconds() <= 0) {
    return who + "time (field 1) is unset";
  }
  if (r.time().nanos() < 0 || r.time().nanos() > 999999999) {
    return who + "time (field 1) has nanos out of range";
  }
  if (!falco::schema::priority_IsValid(r.priority())) {
    return absl::StrCat(who, "priority (field 2) ", r.priority(),
                        " is not a falco.schema.priority");
  }
  if (r.rule().empty()) {
    return std::string("an alert has an empty rule (field 4)");
  }
  if (r.output().empty()) {
    return who + "output (field 5) is empty";
  }
  for (const auto& [k, v] : r.output_fields()) {
    if (k.empty()) {
      return who + "output_fields (field 6) has an empty key";
    }
  }
  if (r.hostname().empty()) {
    return who + "hostname (field 7) is empty";
  }
  return std::nullopt;
}

std::optional<std::string> CheckAlert(const fo::response& r) {
  if (auto err = CheckCommonFields(r)) {
    return err;
  }
  std::vector<std::string> tags(r.tags().begin(), r.tags().end());
  std::vector<std::string> sorted = tags;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  if (tags != sorted) {
    return absl::StrCat("alert of rule '", r.rule(), "': tags (field 8) [",
                        absl::StrJoin(tags, ","), "] are not sorted and unique");
  }
  return std::nullopt;
}

// Identifies an alert across two subscribers.
std::string Key(const fo::response& r) {
  std::map<std::string, std::string> fields(r.output_fields().begin(), r.output_fields().end());
  return absl::StrCat(r.time().seconds(), ".", r.time().nanos(), "|", r.rule(), "|", r.output(),
                      "|", absl::StrJoin(fields, ",", absl::PairFormatter("=")));
}

std::unique_ptr<FalcoSub> OpenSub(Context& c) {
  auto stub = fo::service::NewStub(c.Channel());
  auto ctx = std::make_unique<grpc::ClientContext>();
  c.Bound(ctx.get());
  auto reader = stub->sub(ctx.get());
  auto s = std::make_unique<FalcoSub>(std::shared_ptr<void>(std::move(stub)), std::move(ctx),
                                      std::move(reader));
  s->reader()->Write(fo::request());  // what client-py and client-go send first
  s->Start();
  return s;
}

std::string EndedEarly(FalcoSub& s) {
  return absl::StrCat("the server ended sub with ", StatusText(s.status()),
                      " (it must stay open until the client leaves)");
}

// ---- Cases ----

Outcome Version(Context& c) {
  auto stub = falco::version::service::NewStub(c.Channel());
  grpc::ClientContext ctx;
  c.Bound(&ctx);
  falco::version::response v;
  grpc::Status st = stub->version(&ctx, {}, &v);
  if (!st.ok()) {
    return Fail(absl::StrCat("version: ", StatusText(st)));
  }
  c.Note(absl::StrCat("version ", v.version(), ", engine ", v.engine_version(), ", checksum ",
                      v.engine_fields_checksum()));
  auto sv = ParseSemver(v.version());
  if (!sv) {
    return Fail(absl::StrCat("version (field 1) '", v.version(), "' is not a semver"));
  }
  if (sv->major != v.major() || sv->minor != v.minor() || sv->patch != v.patch()) {
    return Fail(absl::StrCat("version '", v.version(), "' but major/minor/patch (2-4) are ",
                             v.major(), ".", v.minor(), ".", v.patch()));
  }
  if (sv->prerelease != v.prerelease() || sv->build != v.build()) {
    return Fail(absl::StrCat("version '", v.version(), "' but prerelease/build (5, 6) are '",
                             v.prerelease(), "', '", v.build(), "'"));
  }
  auto ev = ParseSemver(v.engine_version());
  if (!ev) {
    return Fail(absl::StrCat("engine_version (field 11) '", v.engine_version(),
                             "' is not a semver"));
  }
  if (ev->major != v.engine_major() || ev->minor != v.engine_minor() ||
      ev->patch != v.engine_patch()) {
    return Fail(absl::StrCat("engine_version '", v.engine_version(),
                             "' but engine major/minor/patch (9, 7, 10) are ", v.engine_major(),
                             ".", v.engine_minor(), ".", v.engine_patch()));
  }
  if (v.engine_fields_checksum().empty()) {
    return Fail("engine_fields_checksum (field 8) is empty");
  }
  if (!std::all_of(v.engine_fields_checksum().begin(), v.engine_fields_checksum().end(),
                   absl::ascii_isxdigit)) {
    c.Note("warning: engine_fields_checksum is not a hex digest");
  }
  return Pass();
}

Outcome Get(Context& c) {
  auto stub = fo::service::NewStub(c.Channel());
  auto ctx = std::make_unique<grpc::ClientContext>();
  c.Bound(ctx.get());
  auto reader = stub->get(ctx.get(), fo::request());
  FalcoGet get(std::shared_ptr<void>(std::move(stub)), std::move(ctx), std::move(reader));
  get.Start();
  get.WaitFor([](const auto&) { return false; }, c.deadline());
  if (!get.ended_by_server()) {
    return Fail(absl::StrCat("get did not end within the timeout (", get.size(),
                             " alerts read); it must send the held alerts and end with OK"));
  }
  if (!get.status().ok()) {
    return Fail(absl::StrCat("get ended with ", StatusText(get.status()), " (expected OK)"));
  }
  auto items = get.Items();
  for (const auto& it : items) {
    if (auto err = CheckAlert(it.msg)) {
      return Fail(*err);
    }
  }
  c.Note(absl::StrCat("get returned ", items.size(), " alerts, then OK"));
  return Pass();
}

Outcome SubPush(Context& c) {
  constexpr absl::Duration kSettle = absl::Milliseconds(500);
  auto sub = OpenSub(c);
  absl::Time sent = absl::Now();
  // Whatever a polling server drains on that first request arrives at once;
  // only alerts received later prove the server pushes.
  absl::SleepFor(kSettle);
  auto provoke = c.Provoke();
  auto late = [&](const std::vector<FalcoSub::Item>& v) {
    return !v.empty() && v.back().at >= sent + kSettle;
  };
  bool pushed = sub->WaitFor(late, c.deadline());
  provoke.reset();
  if (sub->ended_by_server()) {
    return Fail(EndedEarly(*sub));
  }
  if (!pushed) {
    // A polling server (Falco's sub) holds alerts until the next request.
    absl::Time polled = absl::Now();
    if (sub->reader()->Write(fo::request()) &&
        sub->WaitFor([&](const auto& v) { return !v.empty() && v.back().at >= polled; },
                     absl::Now() + absl::Seconds(1))) {
      return Fail("alerts came only after a second request: the server waits for polls "
                  "instead of pushing");
    }
    return c.NoAlerts("alert after the first request");
  }
  // A polling client's next request must not disturb the stream.
  if (!sub->reader()->Write(fo::request())) {
    return Fail("a second (polling) request on sub was refused");
  }
  absl::SleepFor(absl::Milliseconds(100));
  if (sub->ended_by_server()) {
    return Fail(EndedEarly(*sub));
  }
  auto items = sub->Items();
  for (const auto& it : items) {
    if (auto err = CheckAlert(it.msg)) {
      return Fail(*err);
    }
  }
  const auto& last = items.back();
  absl::Time event = absl::FromUnixSeconds(last.msg.time().seconds()) +
                     absl::Nanoseconds(last.msg.time().nanos());
  c.Note(absl::StrCat(items.size(), " alerts pushed after one request; last one ",
                      absl::FormatDuration(last.at - event),
                      " from event time to receipt (comparable only on one host)"));
  return Pass();
}

Outcome SubFanout(Context& c) {
  auto a = OpenSub(c);
  auto b = OpenSub(c);
  auto provoke = c.Provoke();
  auto common = [&] {
    std::set<std::string> in_a;
    for (const auto& it : a->Items()) {
      in_a.insert(Key(it.msg));
    }
    size_t n = 0;
    for (const auto& it : b->Items()) {
      n += in_a.count(Key(it.msg));
    }
    return n;
  };
  // Polls both (a stream's own wait sees only itself).
  while (common() < 3 && !c.expired() && !a->ended_by_server() && !b->ended_by_server()) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  provoke.reset();
  a->Stop();
  b->Stop();
  for (FalcoSub* s : {a.get(), b.get()}) {
    if (s->ended_by_server()) {
      return Fail(EndedEarly(*s));
    }
  }
  std::vector<std::string> ka, kb;
  for (const auto& it : a->Items()) {
    ka.push_back(Key(it.msg));
  }
  for (const auto& it : b->Items()) {
    kb.push_back(Key(it.msg));
  }
  std::set<std::string> sa(ka.begin(), ka.end()), sb(kb.begin(), kb.end());
  std::vector<std::string> both;
  for (const std::string& k : ka) {
    if (sb.count(k)) {
      both.push_back(k);
    }
  }
  if (ka.empty() && kb.empty()) {
    return c.NoAlerts();
  }
  if (both.empty()) {
    return Fail(absl::StrCat("subscriber A got ", ka.size(), " alerts and B ", kb.size(),
                             ", none the same: each alert went to one client (competing "
                             "consumers, not fan-out)"));
  }
  // Between the first and last alert both saw, each saw every alert.
  auto window = [&](const std::vector<std::string>& k, const std::set<std::string>& other,
                    const char* who) -> std::optional<std::string> {
    auto first = std::find(k.begin(), k.end(), both.front());
    auto last = std::find(k.begin(), k.end(), both.back());
    for (auto it = first; it != k.end() && it <= last; ++it) {
      if (!other.count(*it)) {
        return absl::StrCat("an alert reached only subscriber ", who, " (", *it, ")");
      }
    }
    return std::nullopt;
  };
  if (auto err = window(ka, sb, "A")) {
    return Fail(*err);
  }
  if (auto err = window(kb, sa, "B")) {
    return Fail(*err);
  }
  c.Note(absl::StrCat(both.size(), " alerts reached both subscribers"));
  return Pass();
}

falco::schema::source ExpectedSourceEnum(const std::string& source) {
  if (source == "syscall") {
    return falco::schema::SYSCALL;
  }
  if (source == "k8s_audit") {
    return falco::schema::K8S_AUDIT;
  }
  if (source == "internal") {
    return falco::schema::INTERNAL;
  }
  return falco::schema::PLUGIN;
}

// Alerts from the history (get) or, if it holds none, live from sub; an
// error when get fails.
std::optional<std::string> SomeAlerts(Context& c, std::vector<fo::response>* out) {
  {
    auto stub = fo::service::NewStub(c.Channel());
    grpc::ClientContext ctx;
    c.Bound(&ctx);
    auto reader = stub->get(&ctx, fo::request());
    fo::response r;
    while (out->size() < 1000 && reader->Read(&r)) {
      out->push_back(r);
    }
    bool enough = out->size() >= 1000;
    if (enough) {
      ctx.TryCancel();  // (before the trailers: the status is then CANCELLED)
      while (reader->Read(&r)) {
      }
    }
    grpc::Status st = reader->Finish();
    if (!enough && !st.ok()) {
      return absl::StrCat("get: ", StatusText(st));
    }
  }
  if (out->empty()) {
    auto sub = OpenSub(c);
    auto provoke = c.Provoke();
    sub->WaitForCount(4, c.deadline());
    for (const auto& it : sub->Items()) {
      out->push_back(it.msg);
    }
  }
  return std::nullopt;
}

Outcome SourceFields(Context& c) {
  std::vector<fo::response> alerts;
  if (auto err = SomeAlerts(c, &alerts)) {
    return Fail(*err);
  }
  if (alerts.empty()) {
    return c.NoAlerts();
  }
  std::map<std::string, int> seen;
  for (const fo::response& r : alerts) {
    if (r.source().empty()) {
      return Fail(absl::StrCat("alert of rule '", r.rule(), "': source (field 9) is empty"));
    }
    auto want = ExpectedSourceEnum(r.source());
    // Field 3 is deprecated in Falco's proto, but Falco still fills it and
    // its older clients read it: the suite checks that a server does too.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    const falco::schema::source got = r.source_deprecated();
#pragma GCC diagnostic pop
    if (got != want) {
      return Fail(absl::StrCat("alert of rule '", r.rule(), "': source '", r.source(),
                               "' (field 9) but enum field 3 is ", got, ", expected ", want));
    }
    seen[r.source()]++;
  }
  c.Note(absl::StrCat("sources: ", absl::StrJoin(seen, ", ", absl::PairFormatter(": "))));
  return Pass();
}

Outcome LegacySubscribe(Context& c) {
  auto stub = falco::output::service::NewStub(c.Channel());
  {  // keepalive = false: the history, then OK.
    grpc::ClientContext ctx;
    c.Bound(&ctx);
    falco::output::request req;
    req.set_keepalive(false);
    auto reader = stub->subscribe(&ctx, req);
    falco::output::response r;
    size_t n = 0;
    std::optional<std::string> bad;
    while (reader->Read(&r)) {
      n++;
      if (!bad) {
        bad = CheckCommonFields(r);
        if (!bad && !falco::schema::source_IsValid(r.source())) {
          bad = absl::StrCat("source (field 3) ", r.source(), " is not a falco.schema.source");
        }
      }
    }
    grpc::Status st = reader->Finish();
    if (st.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
      return Skip("the server does not serve falco.output.service (Falco >= 0.24 dropped it)");
    }
    if (!st.ok()) {
      return Fail(absl::StrCat("subscribe(keepalive=false) ended with ", StatusText(st),
                               " (expected OK after the held alerts)"));
    }
    if (bad) {
      return Fail(*bad);
    }
    c.Note(absl::StrCat("keepalive=false: ", n, " alerts, then OK"));
  }
  // keepalive = true: stays open, alerts keep coming.
  auto ctx = std::make_unique<grpc::ClientContext>();
  c.Bound(ctx.get());
  falco::output::request req;
  req.set_keepalive(true);
  auto reader = stub->subscribe(ctx.get(), req);
  LegacySub live(nullptr, std::move(ctx), std::move(reader));
  live.Start();
  auto provoke = c.Provoke();
  bool got = live.WaitForCount(1, c.deadline());
  provoke.reset();
  if (live.ended_by_server()) {
    return Fail(absl::StrCat("subscribe(keepalive=true) ended with ", StatusText(live.status())));
  }
  if (!got) {
    return c.NoAlerts("alert on subscribe(keepalive=true)");
  }
  if (auto err = CheckCommonFields(live.Items().front().msg)) {
    return Fail(*err);
  }
  return Pass();
}

}  // namespace

void AddFalcoCases(std::vector<Case>* cases) {
  cases->push_back({"falco.version", "version: semver consistent with fields 2-6, engine 7-11",
                    Version});
  cases->push_back({"falco.get", "get: well-formed held alerts, then OK", Get});
  cases->push_back({"falco.sub.push", "sub: alerts pushed without a second request", SubPush});
  cases->push_back({"falco.sub.fanout", "sub: two clients both get every alert", SubFanout});
  cases->push_back({"falco.source", "enum field 3 agrees with string field 9", SourceFields});
  cases->push_back({"falco.legacy.subscribe", "legacy falco.output.service/subscribe",
                    LegacySubscribe});
}

}  // namespace saker::conformance
