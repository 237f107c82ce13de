#include "server/api/falco_subscribe_reactor.h"

#include "server/api/convert_falco.h"

namespace saker::api {

FalcoSubscribeReactor::FalcoSubscribeReactor(ApiContext* api, grpc::CallbackServerContext* ctx,
                                             bool keepalive)
    : StreamPump<AlertRecord>(Config{
          .ring = api->alerts,
          .registry = &api->registry,
          .start = keepalive ? StartAt{} : StartAt{StartAt::Kind::kOldest, 0},
          .finish_when_caught_up = !keepalive,
          .gap_notices = false,
          .kind = StreamKind::kFalco,
          .peer = ctx->peer(),
          .identity = Access::IdentityOf(ctx),
          .stop_status = grpc::Status::OK,
      }),
      api_(api) {
  Begin();
}

void FalcoSubscribeReactor::OnDone() {
  Done();
  delete this;
}

StreamPump<AlertRecord>::Take FalcoSubscribeReactor::Accept(const AlertRecord& r, int slot,
                                                     size_t /*index*/) {
  FillFalcoLegacyResponse(r, api_->hostname, &responses_[slot]);
  return Take::kAdded;
}

}  // namespace saker::api
