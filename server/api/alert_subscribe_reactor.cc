#include "server/api/alert_subscribe_reactor.h"

namespace saker::api {

AlertSubscribeReactor::AlertSubscribeReactor(ApiContext* api, grpc::CallbackServerContext* ctx,
                                             std::unique_ptr<CompiledAlertRequest> request)
    : StreamPump<AlertRecord>(Config{
          .ring = api->alerts,
          .registry = &api->registry,
          .start = request->start(),
          .finish_when_caught_up = false,
          .max_items = request->batch_items(),
          .gap_notices = true,
          .kind = StreamKind::kAlerts,
          .peer = ctx->peer(),
          .identity = Access::IdentityOf(ctx),
          .stop_status = grpc::Status(grpc::StatusCode::UNAVAILABLE, "server shutting down"),
      }),
      api_(api),
      request_(std::move(request)),
      batched_(request_->batch_items() > 1) {
  Begin();
}

void AlertSubscribeReactor::OnDone() {
  Done();
  delete this;
}

void AlertSubscribeReactor::BeginMessage(int slot) {
  bytes_[slot] = 0;
  if (batched_ && responses_[slot].has_batch()) {
    spare_alerts_.Reset(responses_[slot].mutable_batch()->mutable_alerts());
  }
}

StreamPump<AlertRecord>::Take AlertSubscribeReactor::Accept(const AlertRecord& r, int slot,
                                                            size_t /*index*/) {
  if (!request_->Matches(r)) {
    return Take::kSkip;
  }
  auto& response = responses_[slot];
  if (!batched_) {
    request_->Fill(r, api_->hostname, response.mutable_alert());
    return Take::kAdded;
  }
  auto* alerts = response.mutable_batch()->mutable_alerts();
  request_->Fill(r, api_->hostname, spare_alerts_.Add(alerts));
  bytes_[slot] += EstimatedSize(r) + api_->hostname.size();
  return bytes_[slot] >= kMaxBatchBytes ? Take::kFull : Take::kAdded;
}

void AlertSubscribeReactor::AcceptGap(const Gap& gap, int slot) {
  auto* g = responses_[slot].mutable_gap();
  g->set_from_sequence(gap.from);
  g->set_to_sequence(gap.to);
  g->set_count(gap.count);
  g->set_reason(gap.reason == Gap::Reason::kExpired
                    ? saker::alerts::v1::GAP_REASON_HISTORY_EXPIRED
                    : saker::alerts::v1::GAP_REASON_SUBSCRIBER_OVERFLOW);
}

void AlertSubscribeReactor::StartNextWrite(int slot, bool more) {
  StartWrite(&responses_[slot], CoalescedWrite(more));
}

}  // namespace saker::api
