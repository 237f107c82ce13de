#include "server/api/event_subscribe_reactor.h"

namespace saker::api {

EventSubscribeReactor::EventSubscribeReactor(ApiContext* api, grpc::CallbackServerContext* ctx,
                                             std::unique_ptr<CompiledEventRequest> request)
    : StreamPump<EventRecord>(Config{
          .ring = api->events,
          .registry = &api->registry,
          .start = request->start(),
          .finish_when_caught_up = false,
          .kind = StreamKind::kEvents,
          .peer = ctx->peer(),
          .identity = Access::IdentityOf(ctx),
          .stop_status = grpc::Status(grpc::StatusCode::UNAVAILABLE, "server shutting down"),
      }),
      request_(std::move(request)) {
  Begin();
}

void EventSubscribeReactor::OnDone() {
  Done();
  delete this;
}

bool EventSubscribeReactor::Accept(const EventRecord& r) {
  if (!request_->Matches(r)) {
    return false;
  }
  CompiledEventRequest::Fill(r, response_.mutable_event());
  return true;
}

bool EventSubscribeReactor::AcceptGap(const Gap& gap) {
  auto* g = response_.mutable_gap();
  g->set_from_sequence(gap.from);
  g->set_to_sequence(gap.to);
  g->set_count(gap.count);
  g->set_reason(gap.reason == Gap::Reason::kExpired
                    ? saker::events::v1::GAP_REASON_HISTORY_EXPIRED
                    : saker::events::v1::GAP_REASON_SUBSCRIBER_OVERFLOW);
  return true;
}

}  // namespace saker::api
