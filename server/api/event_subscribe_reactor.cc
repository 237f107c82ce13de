#include "server/api/event_subscribe_reactor.h"

namespace saker::api {

EventSubscribeReactor::EventSubscribeReactor(ApiContext* api, grpc::CallbackServerContext* ctx,
                                             std::unique_ptr<CompiledEventRequest> request)
    : StreamPump<EventRecord>(Config{
          .ring = api->events,
          .registry = &api->registry,
          .start = request->start(),
          .finish_when_caught_up = false,
          .max_items = request->batch_items(),
          .gap_notices = true,
          .kind = StreamKind::kEvents,
          .peer = ctx->peer(),
          .identity = Access::IdentityOf(ctx),
          .stop_status = grpc::Status(grpc::StatusCode::UNAVAILABLE, "server shutting down"),
      }),
      request_(std::move(request)),
      batched_(request_->batch_items() > 1) {
  Begin();
}

void EventSubscribeReactor::OnDone() {
  Done();
  delete this;
}

void EventSubscribeReactor::BeginMessage(int slot) {
  bytes_[slot] = 0;
  if (batched_ && responses_[slot].has_batch()) {
    spare_events_.Reset(responses_[slot].mutable_batch()->mutable_events());
  }
}

StreamPump<EventRecord>::Take EventSubscribeReactor::Accept(const EventRecord& r, int slot,
                                                            size_t /*index*/) {
  if (!request_->Matches(r)) {
    return Take::kSkip;
  }
  auto& response = responses_[slot];
  if (!batched_) {
    CompiledEventRequest::Fill(r, response.mutable_event());
    return Take::kAdded;
  }
  CompiledEventRequest::Fill(r, spare_events_.Add(response.mutable_batch()->mutable_events()));
  bytes_[slot] += EstimatedSize(r);
  return bytes_[slot] >= kMaxBatchBytes ? Take::kFull : Take::kAdded;
}

void EventSubscribeReactor::AcceptGap(const Gap& gap, int slot) {
  auto* g = responses_[slot].mutable_gap();
  g->set_from_sequence(gap.from);
  g->set_to_sequence(gap.to);
  g->set_count(gap.count);
  g->set_reason(gap.reason == Gap::Reason::kExpired
                    ? saker::events::v1::GAP_REASON_HISTORY_EXPIRED
                    : saker::events::v1::GAP_REASON_SUBSCRIBER_OVERFLOW);
}

}  // namespace saker::api
