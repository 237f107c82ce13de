#include "server/api/falco_get_reactor.h"

#include "server/api/convert_falco.h"

namespace saker::api {

FalcoGetReactor::FalcoGetReactor(ApiContext* api, grpc::CallbackServerContext* ctx)
    : StreamPump<AlertRecord>(Config{
          .ring = api->alerts,
          .registry = &api->registry,
          .start = StartAt{StartAt::Kind::kOldest, 0},
          .finish_when_caught_up = true,
          .gap_notices = false,
          .kind = StreamKind::kFalco,
          .peer = ctx->peer(),
          .identity = Access::IdentityOf(ctx),
          .stop_status = grpc::Status::OK,
      }),
      api_(api) {
  Begin();
}

void FalcoGetReactor::OnDone() {
  Done();
  delete this;
}

StreamPump<AlertRecord>::Take FalcoGetReactor::Accept(const AlertRecord& r, int slot,
                                                     size_t /*index*/) {
  FillFalcoResponse(r, api_->hostname, &responses_[slot]);
  return Take::kAdded;
}

}  // namespace saker::api
