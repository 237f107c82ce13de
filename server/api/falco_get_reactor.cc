#include "server/api/falco_get_reactor.h"

#include "server/api/convert_falco.h"

namespace saker::api {

FalcoGetReactor::FalcoGetReactor(ApiContext* api, grpc::CallbackServerContext* ctx)
    : StreamPump<AlertRecord>(Config{
          .ring = api->alerts,
          .registry = &api->registry,
          .start = StartAt{StartAt::Kind::kOldest, 0},
          .finish_when_caught_up = true,
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

bool FalcoGetReactor::Accept(const AlertRecord& r) {
  FillFalcoResponse(r, api_->hostname, &response_);
  return true;
}

}  // namespace saker::api
