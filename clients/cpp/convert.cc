#include "clients/cpp/convert.h"

#include "google/protobuf/util/time_util.h"

namespace saker::client::internal {
namespace {

namespace av1 = saker::alerts::v1;
namespace ev1 = saker::events::v1;
namespace sv1 = saker::status::v1;

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

template <typename P>
Gap GapOf(const P& g) {
  return Gap{g.from_sequence(), g.to_sequence(), g.count(), static_cast<GapReason>(g.reason())};
}

const char* KindName(sv1::StreamKind k) {
  switch (k) {
    case sv1::STREAM_KIND_ALERTS:
      return "alerts";
    case sv1::STREAM_KIND_EVENTS:
      return "events";
    case sv1::STREAM_KIND_FALCO:
      return "falco";
    default:
      return "unspecified";
  }
}

HubStatus HubOf(const sv1::HubStatus& h) {
  return HubStatus{h.published(), h.capacity(), h.oldest_sequence(), h.newest_sequence()};
}

template <typename R>
void SetStart(const StartAt& start, R* req) {
  if (start.from_sequence) {
    req->set_from_sequence(*start.from_sequence);
  } else if (start.from_oldest) {
    req->set_from_oldest(true);
  }
}

}  // namespace

Alert FromProto(const av1::Alert& a) {
  Alert out;
  out.sequence = a.sequence();
  out.time = TimeOf(a.time());
  out.priority = static_cast<Priority>(a.priority());
  out.rule = a.rule();
  out.output = a.output();
  out.output_fields.insert(a.output_fields().begin(), a.output_fields().end());
  out.hostname = a.hostname();
  out.tags.assign(a.tags().begin(), a.tags().end());
  out.source = a.source();
  out.publish_time = TimeOf(a.publish_time());
  return out;
}

Event FromProto(const ev1::Event& e) {
  Event out;
  out.sequence = e.sequence();
  out.time = TimeOf(e.time());
  out.cpu = e.cpu();
  out.type = e.type();
  out.res = e.res();
  out.pid = e.pid();
  out.tid = e.tid();
  out.ppid = e.ppid();
  out.proc_name = e.proc_name();
  out.uid = e.uid();
  out.gid = e.gid();
  out.cgroup_id = e.cgroup_id();
  for (const auto& arg : e.args()) {
    out.args.emplace_back(arg.name(), arg.value());
  }
  return out;
}

Gap FromProto(const av1::Gap& g) { return GapOf(g); }
Gap FromProto(const ev1::Gap& g) { return GapOf(g); }

Rule FromProto(const saker::rules::v1::Rule& r) {
  Rule out;
  out.name = r.name();
  out.priority = static_cast<Priority>(r.priority());
  out.tags.assign(r.tags().begin(), r.tags().end());
  out.event_types.assign(r.event_types().begin(), r.event_types().end());
  out.source = r.source();
  out.enabled = r.enabled();
  out.match_count = r.match_count();
  return out;
}

Status FromProto(const sv1::GetStatusResponse& s) {
  Status out;
  out.start_time = TimeOf(s.start_time());
  out.uptime = absl::Seconds(s.uptime().seconds()) + absl::Nanoseconds(s.uptime().nanos());
  out.probe_loaded = s.driver().probe_loaded();
  out.events_captured = s.driver().events_captured();
  out.kernel_drops.insert(s.driver().kernel_drops().begin(), s.driver().kernel_drops().end());
  for (const auto& r : s.rules()) {
    out.rules.push_back(FromProto(r));
  }
  out.alerts = HubOf(s.alerts());
  out.events = HubOf(s.events());
  for (const auto& sub : s.subscribers()) {
    out.subscribers.push_back(Subscriber{sub.id(), sub.peer(), sub.identity(), KindName(sub.kind()),
                                         sub.queue_depth(), sub.delivered(), sub.dropped()});
  }
  return out;
}

av1::SubscribeRequest ToProto(const AlertSubscribeOptions& o, const StartAt& start) {
  av1::SubscribeRequest req;
  auto* f = req.mutable_filter();
  f->set_min_priority(static_cast<av1::Priority>(o.filter.min_priority));
  for (const auto& r : o.filter.rules) {
    f->add_rules(r);
  }
  for (const auto& t : o.filter.tags) {
    f->add_tags(t);
  }
  for (const auto& s : o.filter.sources) {
    f->add_sources(s);
  }
  f->set_condition(o.filter.condition);
  for (const auto& p : o.alert_fields) {
    req.mutable_fields()->mutable_alert_fields()->add_paths(p);
  }
  for (const auto& k : o.output_fields) {
    req.mutable_fields()->add_output_fields(k);
  }
  SetStart(start, &req);
  req.set_max_batch(o.max_batch);
  return req;
}

ev1::SubscribeRequest ToProto(const EventSubscribeOptions& o, const StartAt& start) {
  ev1::SubscribeRequest req;
  for (const auto& t : o.types) {
    req.mutable_filter()->add_types(t);
  }
  req.mutable_filter()->set_condition(o.condition);
  SetStart(start, &req);
  req.set_max_batch(o.max_batch);
  return req;
}

}  // namespace saker::client::internal
