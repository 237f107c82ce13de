// Saker v1 streams: alert filters (priority, rules, tags, sources, condition),
// resume from a sequence number, gap notices for a stalled reader, and the
// event stream's filters.
//
// The suite cannot choose what a server raises, so each filter case samples
// what the server holds (from the oldest alert), picks a filter that selects
// some of it, replays the same range with the filter and compares: every
// delivered alert matches, every matching one is delivered.

#include <algorithm>
#include <map>
#include <set>
#include <type_traits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "conformance/suite.h"
#include "saker/v1/alerts.grpc.pb.h"
#include "saker/v1/events.grpc.pb.h"
#include "saker/v1/status.grpc.pb.h"

namespace saker::conformance {
namespace {

namespace av1 = saker::alerts::v1;
namespace ev1 = saker::events::v1;
namespace sv1 = saker::status::v1;
using AlertSub = Stream<av1::SubscribeResponse, grpc::ClientReader<av1::SubscribeResponse>>;
using EventSub = Stream<ev1::SubscribeResponse, grpc::ClientReader<ev1::SubscribeResponse>>;

// ---- Alerts and events behind one interface ----

template <typename G>
Sequenced GapOf(const G& g) {
  return {true, 0, g.from_sequence(), g.to_sequence(), g.count(), static_cast<int>(g.reason())};
}
Sequenced Seq(const av1::SubscribeResponse& r) {
  return r.has_gap() ? GapOf(r.gap()) : Sequenced{false, r.alert().sequence()};
}
Sequenced Seq(const ev1::SubscribeResponse& r) {
  return r.has_gap() ? GapOf(r.gap()) : Sequenced{false, r.event().sequence()};
}
const av1::Alert* Payload(const av1::SubscribeResponse& r) {
  return r.has_alert() ? &r.alert() : nullptr;
}
const ev1::Event* Payload(const ev1::SubscribeResponse& r) {
  return r.has_event() ? &r.event() : nullptr;
}
std::string Describe(const av1::Alert& a) {
  return absl::StrCat("alert ", a.sequence(), " (rule '", a.rule(), "', ",
                      av1::Priority_Name(a.priority()), ", source '", a.source(), "', tags [",
                      absl::StrJoin(a.tags(), ","), "])");
}
std::string Describe(const ev1::Event& e) {
  return absl::StrCat("event ", e.sequence(), " (", e.type(), ", proc ", e.proc_name(), ")");
}

template <typename S>
std::vector<Sequenced> Seqs(const std::vector<typename S::Item>& items) {
  std::vector<Sequenced> out;
  for (const auto& it : items) {
    out.push_back(Seq(it.msg));
  }
  return out;
}

std::unique_ptr<AlertSub> OpenAlerts(Context& c, const av1::SubscribeRequest& req,
                                     bool start = true) {
  auto stub = av1::AlertService::NewStub(c.Channel());
  auto ctx = std::make_unique<grpc::ClientContext>();
  c.Bound(ctx.get());
  auto reader = stub->Subscribe(ctx.get(), req);
  auto s = std::make_unique<AlertSub>(std::shared_ptr<void>(std::move(stub)), std::move(ctx),
                                      std::move(reader));
  if (start) {
    s->Start();
  }
  return s;
}

std::unique_ptr<EventSub> OpenEvents(Context& c, const ev1::SubscribeRequest& req) {
  auto stub = ev1::EventService::NewStub(c.Channel());
  auto ctx = std::make_unique<grpc::ClientContext>();
  c.Bound(ctx.get());
  auto reader = stub->Subscribe(ctx.get(), req);
  auto s = std::make_unique<EventSub>(std::shared_ptr<void>(std::move(stub)), std::move(ctx),
                                      std::move(reader));
  s->Start();
  return s;
}

// What the server holds from its oldest item: up to 16 items, within half
// the case's time. Ends the case (outcome set) when there is nothing to use.
template <typename T>
struct Sample {
  std::vector<T> items;
  std::optional<Outcome> outcome;
};

// The alert or event type a stream carries.
template <typename S>
using PayloadOf = std::remove_const_t<
    std::remove_pointer_t<decltype(Payload(std::declval<typename S::Item>().msg))>>;

template <typename S>
Sample<PayloadOf<S>> TakeSample(Context& c, S& s, const std::string& what) {
  using T = PayloadOf<S>;
  Sample<T> out;
  absl::Time until = absl::Now() + (c.deadline() - absl::Now()) / 2;
  auto provoke = c.Provoke();
  s.WaitForCount(16, until);
  provoke.reset();
  s.Stop();
  if (s.ended_by_server()) {
    grpc::Status st = s.status();
    out.outcome = st.error_code() == grpc::StatusCode::UNIMPLEMENTED
                      ? Skip(absl::StrCat("the server does not implement this stream: ",
                                          StatusText(st)))
                      : Fail(absl::StrCat("an unfiltered subscribe ended with ", StatusText(st)));
    return out;
  }
  auto items = s.Items();
  if (auto err = CheckSequences(Seqs<S>(items), /*contiguous=*/true)) {
    out.outcome = Fail(absl::StrCat("unfiltered stream: ", *err));
    return out;
  }
  for (const auto& it : items) {
    if (const T* p = Payload(it.msg)) {
      out.items.push_back(*p);
    }
  }
  if (out.items.empty()) {
    out.outcome = c.NoAlerts(what);
  }
  return out;
}

// Reads a filtered stream that started at the sample's first sequence and
// compares it with the sample.
template <typename S, typename T>
Outcome CompareFiltered(Context& c, S& s, const std::vector<T>& sample,
                        const std::function<bool(const T&)>& matches, const std::string& filter) {
  std::set<uint64_t> expected;
  for (const T& t : sample) {
    if (matches(t)) {
      expected.insert(t.sequence());
    }
  }
  const uint64_t last = sample.back().sequence();
  absl::Time complete_at = absl::InfiniteFuture();
  auto done = [&](const std::vector<typename S::Item>& items) {
    size_t have = 0;
    for (const auto& it : items) {
      Sequenced q = Seq(it.msg);
      if (!q.gap && q.sequence > last) {
        return true;  // ordered: the whole sampled range has been delivered
      }
      for (uint64_t e : expected) {
        have += q.gap ? (e >= q.from && e <= q.to) : e == q.sequence;
      }
    }
    if (have >= expected.size() && complete_at == absl::InfiniteFuture()) {
      complete_at = absl::Now();
    }
    return absl::Now() >= complete_at + absl::Milliseconds(300);
  };
  s.WaitFor(done, c.deadline());
  s.Stop();
  if (s.ended_by_server()) {
    return Fail(absl::StrCat("the filtered subscribe (", filter, ") ended with ",
                             StatusText(s.status())));
  }
  auto items = s.Items();
  if (auto err = CheckSequences(Seqs<S>(items), /*contiguous=*/false)) {
    return Fail(absl::StrCat("filtered stream: ", *err));
  }
  std::set<uint64_t> delivered;
  for (const auto& it : items) {
    Sequenced q = Seq(it.msg);
    if (q.gap) {
      for (auto e = expected.lower_bound(q.from); e != expected.end() && *e <= q.to;) {
        e = expected.erase(e);  // expired from the history meanwhile: not checkable
      }
      continue;
    }
    if (!matches(*Payload(it.msg))) {
      return Fail(absl::StrCat("with ", filter, " the server delivered ",
                               Describe(*Payload(it.msg))));
    }
    delivered.insert(q.sequence);
  }
  for (const T& t : sample) {
    if (expected.count(t.sequence()) && !delivered.count(t.sequence())) {
      return Fail(absl::StrCat("with ", filter, " the server did not deliver ", Describe(t)));
    }
  }
  c.Note(absl::StrCat(filter, ": ", expected.size(), " of ", sample.size(),
                      " sampled items match; ", delivered.size(), " delivered"));
  return Pass();
}

// One alert filter case: sample, choose (nullopt: SKIP with `why_not`), compare.
Outcome AlertFilterCase(
    Context& c,
    const std::function<std::optional<av1::AlertFilter>(const std::vector<av1::Alert>&)>& choose,
    const std::function<bool(const av1::Alert&, const av1::AlertFilter&)>& matches,
    const std::string& why_not = "") {
  av1::SubscribeRequest all;
  all.set_from_oldest(true);
  auto sampler = OpenAlerts(c, all);
  auto sample = TakeSample(c, *sampler, "alert");
  if (sample.outcome) {
    return *sample.outcome;
  }
  std::optional<av1::AlertFilter> filter = choose(sample.items);
  if (!filter) {
    return Skip(why_not);
  }
  av1::SubscribeRequest req;
  *req.mutable_filter() = *filter;
  req.set_from_sequence(sample.items.front().sequence());
  auto s = OpenAlerts(c, req);
  std::string text = absl::StrCat("filter {", filter->ShortDebugString(), "}");
  return CompareFiltered<AlertSub, av1::Alert>(
      c, *s, sample.items, [&](const av1::Alert& a) { return matches(a, *filter); }, text);
}

bool Contains(const google::protobuf::RepeatedPtrField<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// ---- Filter cases ----

Outcome MinPriority(Context& c) {
  return AlertFilterCase(
      c,
      [](const std::vector<av1::Alert>& sample) {
        av1::AlertFilter f;
        int most = 0;
        for (const auto& a : sample) {
          most = std::max<int>(most, a.priority());
        }
        f.set_min_priority(static_cast<av1::Priority>(most));
        return std::optional<av1::AlertFilter>(f);
      },
      [](const av1::Alert& a, const av1::AlertFilter& f) {
        return a.priority() >= f.min_priority();
      });
}

Outcome RuleNames(Context& c) {
  return AlertFilterCase(
      c,
      [](const std::vector<av1::Alert>& sample) {
        av1::AlertFilter f;
        f.add_rules(sample.front().rule());
        f.add_rules("conformance: no such rule");
        return std::optional<av1::AlertFilter>(f);
      },
      [](const av1::Alert& a, const av1::AlertFilter& f) { return Contains(f.rules(), a.rule()); });
}

Outcome Tags(Context& c) {
  return AlertFilterCase(
      c,
      [](const std::vector<av1::Alert>& sample) -> std::optional<av1::AlertFilter> {
        std::map<std::string, int> count;  // the rarest tag filters the most
        for (const auto& a : sample) {
          for (const std::string& t : a.tags()) {
            count[t]++;
          }
        }
        if (count.empty()) {
          return std::nullopt;
        }
        auto rarest = std::min_element(
            count.begin(), count.end(),
            [](const auto& x, const auto& y) { return x.second < y.second; });
        av1::AlertFilter f;
        f.add_tags(rarest->first);
        f.add_tags("conformance-no-such-tag");
        return f;
      },
      [](const av1::Alert& a, const av1::AlertFilter& f) {
        return std::any_of(a.tags().begin(), a.tags().end(),
                           [&](const std::string& t) { return Contains(f.tags(), t); });
      },
      "no sampled alert carries a tag");
}

Outcome Sources(Context& c) {
  return AlertFilterCase(
      c,
      [](const std::vector<av1::Alert>& sample) {
        av1::AlertFilter f;
        f.add_sources(sample.front().source());
        return std::optional<av1::AlertFilter>(f);
      },
      [](const av1::Alert& a, const av1::AlertFilter& f) {
        return Contains(f.sources(), a.source());
      });
}

bool PlainValue(const std::string& v) {
  return !v.empty() && std::all_of(v.begin(), v.end(), [](char ch) {
    return absl::ascii_isalnum(ch) || ch == '_' || ch == '.' || ch == '/' || ch == '-';
  });
}

Outcome Condition(Context& c) {
  {  // Is there a condition compiler at all? A malformed condition tells.
    av1::SubscribeRequest bad;
    bad.mutable_filter()->set_condition("((( conformance");
    auto s = OpenAlerts(c, bad);
    s->WaitFor([](const auto&) { return false; }, absl::Now() + absl::Seconds(2));
    s->Stop();
    grpc::Status st = s->status();
    if (s->ended_by_server() && st.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
      return Skip("the server has no condition compiler (UNIMPLEMENTED)");
    }
    if (!s->ended_by_server() || st.error_code() != grpc::StatusCode::INVALID_ARGUMENT) {
      return Fail(absl::StrCat("a malformed condition must fail with INVALID_ARGUMENT, got ",
                               s->ended_by_server() ? StatusText(st) : "an open stream"));
    }
    c.Note(absl::StrCat("malformed condition: ", StatusText(st)));
  }
  // `field = value` over an output field of the first sampled alert.
  return AlertFilterCase(
      c,
      [](const std::vector<av1::Alert>& sample) -> std::optional<av1::AlertFilter> {
        std::map<std::string, std::string> fields(sample.front().output_fields().begin(),
                                                  sample.front().output_fields().end());
        for (const auto& [k, v] : fields) {
          if (PlainValue(k) && PlainValue(v) && v != "<NA>") {
            av1::AlertFilter f;
            f.set_condition(absl::StrCat(k, " = ", v));
            return f;
          }
        }
        return std::nullopt;
      },
      [](const av1::Alert& a, const av1::AlertFilter& f) {
        const std::string& cond = f.condition();
        size_t eq = cond.find(" = ");
        auto it = a.output_fields().find(cond.substr(0, eq));
        return it != a.output_fields().end() && it->second == cond.substr(eq + 3);
      },
      "the first sampled alert has no output field to build a condition on");
}

// ---- Resume and gaps ----

Outcome Resume(Context& c) {
  av1::SubscribeRequest all;
  all.set_from_oldest(true);
  auto first = OpenAlerts(c, all);
  auto sample = TakeSample(c, *first, "alert");
  if (sample.outcome) {
    return *sample.outcome;
  }
  if (sample.items.size() < 2) {
    return c.NoAlerts("second alert");
  }
  const av1::Alert& from = sample.items[1];
  const uint64_t newest = sample.items.back().sequence();
  av1::SubscribeRequest req;
  req.set_from_sequence(from.sequence());
  auto s = OpenAlerts(c, req);
  auto provoke = c.Provoke();
  bool live = s->WaitFor(
      [&](const std::vector<AlertSub::Item>& v) {
        return !v.empty() && !v.back().msg.has_gap() && v.back().msg.alert().sequence() > newest;
      },
      c.deadline());
  provoke.reset();
  s->Stop();
  if (s->ended_by_server()) {
    return Fail(absl::StrCat("subscribe from_sequence ended with ", StatusText(s->status())));
  }
  auto items = s->Items();
  if (items.empty()) {
    return Fail(absl::StrCat("subscribe from_sequence ", from.sequence(), " delivered nothing"));
  }
  const av1::SubscribeResponse& head = items.front().msg;
  if (head.has_gap()) {
    if (head.gap().reason() != av1::GAP_REASON_HISTORY_EXPIRED ||
        head.gap().from_sequence() != from.sequence()) {
      return Fail(absl::StrCat("resume from ", from.sequence(), " began with gap {",
                               head.gap().ShortDebugString(), "}"));
    }
    c.Note("the history expired meanwhile: began with a HISTORY_EXPIRED gap");
  } else if (head.alert().sequence() != from.sequence()) {
    return Fail(absl::StrCat("resume from ", from.sequence(), " began with sequence ",
                             head.alert().sequence()));
  }
  if (auto err = CheckSequences(Seqs<AlertSub>(items), /*contiguous=*/true)) {
    return Fail(absl::StrCat("resumed stream: ", *err));
  }
  for (const auto& it : items) {  // the replay is the same alerts
    for (const av1::Alert& a : sample.items) {
      if (it.msg.has_alert() && a.sequence() == it.msg.alert().sequence() &&
          (a.rule() != it.msg.alert().rule() || a.output() != it.msg.alert().output())) {
        return Fail(absl::StrCat("replayed ", Describe(it.msg.alert()), " differs from ",
                                 Describe(a)));
      }
    }
  }
  if (!live) {
    return c.NoAlerts(absl::StrCat("live alert after the replayed history (newest was ", newest,
                                   ")"));
  }
  c.Note(absl::StrCat("resumed at ", from.sequence(), ", replayed up to ", newest,
                      ", then live to ", items.back().msg.alert().sequence()));
  return Pass();
}

std::optional<sv1::GetStatusResponse> GetStatus(Context& c) {
  auto stub = sv1::StatusService::NewStub(c.Channel());
  grpc::ClientContext ctx;
  c.Bound(&ctx);
  sv1::GetStatusResponse st;
  if (!stub->GetStatus(&ctx, {}, &st).ok()) {
    return std::nullopt;
  }
  return st;
}

// Our subscriber in a status snapshot: the one ALERTS stream not in `before`.
const sv1::Subscriber* Ours(const sv1::GetStatusResponse& now, const std::set<uint64_t>& before) {
  const sv1::Subscriber* found = nullptr;
  for (const auto& s : now.subscribers()) {
    if (s.kind() == sv1::STREAM_KIND_ALERTS && !before.count(s.id())) {
      if (found != nullptr) {
        return nullptr;  // ambiguous
      }
      found = &s;
    }
  }
  return found;
}

Outcome Gap(Context& c) {
  auto before = GetStatus(c);
  std::set<uint64_t> old_ids;
  if (before) {
    for (const auto& s : before->subscribers()) {
      old_ids.insert(s.id());
    }
  }
  auto s = OpenAlerts(c, av1::SubscribeRequest(), /*start=*/false);  // stalled: not reading
  absl::Time stall_until = absl::Now() + (c.deadline() - absl::Now()) / 2;
  auto provoke = c.Provoke();
  uint64_t capacity = before ? before->alerts().capacity() : 0;
  uint64_t published = 0, dropped = 0;
  bool known = false;
  while (absl::Now() < stall_until) {
    absl::SleepFor(absl::Milliseconds(100));
    auto now = before ? GetStatus(c) : std::nullopt;
    if (!now) {
      continue;
    }
    published = now->alerts().published() - before->alerts().published();
    if (const sv1::Subscriber* me = Ours(*now, old_ids)) {
      known = true;
      dropped = me->dropped();
      if (dropped > 0 || (capacity > 0 && me->queue_depth() > capacity)) {
        break;  // lapped: the notice comes when it reads again
      }
    }
  }
  provoke.reset();
  s->Start();
  s->WaitFor(
      [](const std::vector<AlertSub::Item>& v) {
        size_t after_gap = 0;
        bool gap = false;
        for (const auto& it : v) {
          gap = gap || it.msg.has_gap();
          after_gap += gap && it.msg.has_alert();
        }
        return after_gap >= 5;
      },
      c.deadline());
  auto items = s->Items();
  uint64_t lost = 0;
  for (const auto& it : items) {
    if (it.msg.has_gap()) {
      lost += it.msg.gap().count();
      if (it.msg.gap().reason() != av1::GAP_REASON_SUBSCRIBER_OVERFLOW) {
        return Fail(absl::StrCat("a live subscriber's gap {", it.msg.gap().ShortDebugString(),
                                 "} should say GAP_REASON_SUBSCRIBER_OVERFLOW"));
      }
    }
  }
  auto after = lost > 0 && known ? GetStatus(c) : std::nullopt;
  s->Stop();
  if (s->ended_by_server()) {
    return Fail(absl::StrCat("the stalled subscriber's stream ended with ", StatusText(s->status()),
                             " (it must get a gap notice and go on)"));
  }
  if (auto err = CheckSequences(Seqs<AlertSub>(items), /*contiguous=*/true)) {
    return Fail(absl::StrCat("after the stall: ", *err));
  }
  if (lost == 0) {
    if (known && dropped > 0) {
      return Fail(absl::StrCat("status counts ", dropped,
                               " alerts dropped for the stalled reader, but no gap notice came"));
    }
    return Skip(absl::StrCat(
        "no gap: the server raised ", before ? absl::StrCat(published) : std::string("?"),
        " alerts while the reader stalled, its history holds ",
        capacity ? absl::StrCat(capacity) : std::string("?"),
        " (needs a faster or smaller server, e.g. api_test_server --rate 5000 --history 256)"));
  }
  if (after) {
    if (const sv1::Subscriber* me = Ours(*after, old_ids); me && me->dropped() < lost) {
      return Fail(absl::StrCat("gap notices report ", lost, " lost alerts, status counts only ",
                               me->dropped(), " dropped"));
    }
  }
  c.Note(absl::StrCat(items.size(), " messages after the stall, ", lost, " alerts lost in gaps"));
  return Pass();
}

// ---- Events ----

Outcome EventsFilter(Context& c) {
  ev1::SubscribeRequest all;
  all.set_from_oldest(true);
  auto sampler = OpenEvents(c, all);
  auto sample = TakeSample(c, *sampler, "event");
  if (sample.outcome) {
    return *sample.outcome;
  }
  const std::string type = sample.items.front().type();
  ev1::SubscribeRequest req;
  req.mutable_filter()->add_types(type);
  req.set_from_sequence(sample.items.front().sequence());
  auto s = OpenEvents(c, req);
  Outcome by_type = CompareFiltered<EventSub, ev1::Event>(
      c, *s, sample.items, [&](const ev1::Event& e) { return e.type() == type; },
      absl::StrCat("types [", type, "]"));
  if (by_type.verdict != Verdict::kPass) {
    return by_type;
  }
  // The same in the rules language, where the server has a compiler.
  req.mutable_filter()->clear_types();
  req.mutable_filter()->set_condition(absl::StrCat("evt.type = ", type));
  auto cs = OpenEvents(c, req);
  cs->WaitFor([](const auto& v) { return !v.empty(); }, absl::Now() + absl::Milliseconds(500));
  if (cs->ended_by_server() && cs->status().error_code() == grpc::StatusCode::UNIMPLEMENTED) {
    c.Note("condition filters: UNIMPLEMENTED on this server (not checked)");
    return Pass();
  }
  return CompareFiltered<EventSub, ev1::Event>(
      c, *cs, sample.items, [&](const ev1::Event& e) { return e.type() == type; },
      req.filter().condition());
}

}  // namespace

void AddV1Cases(std::vector<Case>* cases) {
  cases->push_back({"v1.alerts.min_priority", "AlertService filter: minimum priority",
                    MinPriority});
  cases->push_back({"v1.alerts.rules", "AlertService filter: rule names", RuleNames});
  cases->push_back({"v1.alerts.tags", "AlertService filter: tags", Tags});
  cases->push_back({"v1.alerts.sources", "AlertService filter: sources", Sources});
  cases->push_back({"v1.alerts.condition", "AlertService filter: rules-language condition",
                    Condition});
  cases->push_back({"v1.alerts.resume", "from_sequence: history, then live, no duplicates",
                    Resume});
  cases->push_back({"v1.alerts.gap", "a stalled reader gets a consistent gap notice", Gap});
  cases->push_back({"v1.events.filter", "EventService filter: types (and condition)",
                    EventsFilter});
}

}  // namespace saker::conformance
