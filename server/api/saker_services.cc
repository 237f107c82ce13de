#include "server/api/saker_services.h"

#include <exception>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/api/alert_subscribe_reactor.h"
#include "server/api/event_subscribe_reactor.h"
#include "server/api/refused_reactor.h"
#include "server/api/v1_filters.h"

namespace saker::api {
namespace {

grpc::Status ToGrpc(const absl::Status& s) {
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

void FillRule(const RuleInfo& in, saker::rules::v1::Rule* out) {
  out->set_name(in.name);
  out->set_priority(ToV1Priority(in.priority));
  for (const auto& t : in.tags) {
    out->add_tags(t);
  }
  for (const auto& t : in.event_types) {
    out->add_event_types(t);
  }
  out->set_source(in.source);
  out->set_enabled(in.enabled);
  out->set_match_count(in.match_count);
}

template <class R>
void FillHub(const Ring<R>& ring, saker::status::v1::HubStatus* out) {
  out->set_published(ring.published());
  out->set_capacity(ring.capacity());
  if (ring.published() > 0) {
    out->set_oldest_sequence(ring.oldest());
    out->set_newest_sequence(ring.next() - 1);
  }
}

// The reload's result; an exception that escapes it (RulesControl
// implementations should not throw) is INTERNAL with its text, not gRPC's
// empty UNIMPLEMENTED.
absl::StatusOr<ReloadResult> ReloadCatching(RulesControl* rules) {
  try {
    return rules->Reload();
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("rules reload failed: ", e.what()));
  } catch (...) {
    return absl::InternalError("rules reload failed: unexpected exception");
  }
}

void SetTime(int64_t ns, google::protobuf::Timestamp* t) {
  t->set_seconds(ns / 1000000000);
  t->set_nanos(static_cast<int32_t>(ns % 1000000000));
}

}  // namespace

grpc::ServerWriteReactor<saker::alerts::v1::SubscribeResponse>* AlertServiceImpl::Subscribe(
    grpc::CallbackServerContext* ctx, const saker::alerts::v1::SubscribeRequest* request) {
  using Refused = RefusedWriteReactor<saker::alerts::v1::SubscribeResponse>;
  if (auto st = api_->access.Check(ctx, saker::alerts::v1::AlertService::service_full_name(),
                                   "Subscribe");
      !st.ok()) {
    return new Refused(st);
  }
  auto compiled = CompiledAlertRequest::Compile(*request, api_->alert_filter_compiler);
  if (!compiled.ok()) {
    return new Refused(ToGrpc(compiled.status()));
  }
  return new AlertSubscribeReactor(api_, ctx, std::move(*compiled));
}

grpc::ServerWriteReactor<saker::events::v1::SubscribeResponse>* EventServiceImpl::Subscribe(
    grpc::CallbackServerContext* ctx, const saker::events::v1::SubscribeRequest* request) {
  using Refused = RefusedWriteReactor<saker::events::v1::SubscribeResponse>;
  if (auto st = api_->access.Check(ctx, saker::events::v1::EventService::service_full_name(),
                                   "Subscribe");
      !st.ok()) {
    return new Refused(st);
  }
  auto compiled = CompiledEventRequest::Compile(*request, api_->event_filter_compiler);
  if (!compiled.ok()) {
    return new Refused(ToGrpc(compiled.status()));
  }
  return new EventSubscribeReactor(api_, ctx, std::move(*compiled));
}

grpc::ServerUnaryReactor* StatusServiceImpl::GetStatus(
    grpc::CallbackServerContext* ctx, const saker::status::v1::GetStatusRequest*,
    saker::status::v1::GetStatusResponse* response) {
  auto* reactor = ctx->DefaultReactor();
  if (auto st = api_->access.Check(ctx, saker::status::v1::StatusService::service_full_name(),
                                   "GetStatus");
      !st.ok()) {
    reactor->Finish(st);
    return reactor;
  }
  int64_t now = absl::GetCurrentTimeNanos();
  SetTime(api_->start_time_ns, response->mutable_start_time());
  int64_t up = now - api_->start_time_ns;
  response->mutable_uptime()->set_seconds(up / 1000000000);
  response->mutable_uptime()->set_nanos(static_cast<int32_t>(up % 1000000000));
  if (api_->driver != nullptr) {
    DriverInfo d = api_->driver->GetDriverStatus();
    auto* out = response->mutable_driver();
    out->set_probe_loaded(d.probe_loaded);
    out->set_events_captured(d.events_captured);
    for (const auto& [category, n] : d.kernel_drops) {
      (*out->mutable_kernel_drops())[category] = n;
    }
  }
  if (api_->rules != nullptr) {
    for (const RuleInfo& r : api_->rules->ListRules()) {
      FillRule(r, response->add_rules());
    }
  }
  FillHub(*api_->alerts, response->mutable_alerts());
  FillHub(*api_->events, response->mutable_events());
  for (const SubscriberSnapshot& s : api_->registry.List()) {
    auto* out = response->add_subscribers();
    out->set_id(s.id);
    out->set_peer(s.peer);
    out->set_identity(s.identity);
    out->set_kind(static_cast<saker::status::v1::StreamKind>(s.kind));
    out->set_queue_depth(s.queue_depth);
    out->set_delivered(s.delivered);
    out->set_dropped(s.dropped);
    SetTime(s.since_ns, out->mutable_since());
  }
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* RuleServiceImpl::ListRules(
    grpc::CallbackServerContext* ctx, const saker::rules::v1::ListRulesRequest*,
    saker::rules::v1::ListRulesResponse* response) {
  auto* reactor = ctx->DefaultReactor();
  grpc::Status st =
      api_->access.Check(ctx, saker::rules::v1::RuleService::service_full_name(), "ListRules");
  if (st.ok() && api_->rules == nullptr) {
    st = grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "no rules engine is wired to this server");
  }
  if (st.ok()) {
    for (const RuleInfo& r : api_->rules->ListRules()) {
      FillRule(r, response->add_rules());
    }
  }
  reactor->Finish(st);
  return reactor;
}

grpc::ServerUnaryReactor* RuleServiceImpl::ReloadRules(
    grpc::CallbackServerContext* ctx, const saker::rules::v1::ReloadRulesRequest*,
    saker::rules::v1::ReloadRulesResponse* response) {
  auto* reactor = ctx->DefaultReactor();
  grpc::Status st =
      api_->access.Check(ctx, saker::rules::v1::RuleService::service_full_name(), "ReloadRules");
  if (st.ok() && api_->rules == nullptr) {
    st = grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "no rules engine is wired to this server");
  }
  if (st.ok()) {
    // Reloading reads and compiles files; the running rules stay on error.
    auto result = ReloadCatching(api_->rules);
    if (result.ok()) {
      response->set_rule_count(static_cast<uint32_t>(result->rule_count));
      for (const auto& w : result->warnings) {
        response->add_warnings(w);
      }
    } else {
      st = ToGrpc(result.status());
    }
  }
  reactor->Finish(st);
  return reactor;
}

}  // namespace saker::api
