#include "server/api/alert_subscribe_reactor.h"

namespace saker::api {

AlertSubscribeReactor::AlertSubscribeReactor(ApiContext* api, grpc::CallbackServerContext* ctx,
                                             std::unique_ptr<CompiledAlertRequest> request)
    : StreamPump<AlertRecord>(Config{
          .ring = api->alerts,
          .registry = &api->registry,
          .start = request->start(),
          .finish_when_caught_up = false,
          .kind = StreamKind::kAlerts,
          .peer = ctx->peer(),
          .identity = Access::IdentityOf(ctx),
          .stop_status = grpc::Status(grpc::StatusCode::UNAVAILABLE, "server shutting down"),
      }),
      api_(api),
      request_(std::move(request)) {
  Begin();
}

void AlertSubscribeReactor::OnDone() {
  Done();
  delete this;
}

bool AlertSubscribeReactor::Accept(const AlertRecord& r) {
  if (!request_->Matches(r)) {
    return false;
  }
  request_->Fill(r, api_->hostname, response_.mutable_alert());
  return true;
}

bool AlertSubscribeReactor::AcceptGap(const Gap& gap) {
  auto* g = response_.mutable_gap();
  g->set_from_sequence(gap.from);
  g->set_to_sequence(gap.to);
  g->set_count(gap.count);
  g->set_reason(gap.reason == Gap::Reason::kExpired
                    ? saker::alerts::v1::GAP_REASON_HISTORY_EXPIRED
                    : saker::alerts::v1::GAP_REASON_SUBSCRIBER_OVERFLOW);
  return true;
}

}  // namespace saker::api
