#include "server/api/falco_sub_reactor.h"

#include "server/api/convert_falco.h"

namespace saker::api {

FalcoSubReactor::FalcoSubReactor(ApiContext* api, grpc::CallbackServerContext* ctx)
    : StreamPump<AlertRecord>(Config{
          .ring = api->alerts,
          .registry = &api->registry,
          .start = StartAt{},
          .finish_when_caught_up = false,
          .gap_notices = false,
          .kind = StreamKind::kFalco,
          .peer = ctx->peer(),
          .identity = Access::IdentityOf(ctx),
          .stop_status = grpc::Status::OK,
      }),
      api_(api) {
  StartRead(&request_);
  Begin();
}

void FalcoSubReactor::OnReadDone(bool ok) {
  if (ok) {
    StartRead(&request_);
  }
  // !ok: the client closed its side (or the call ended); keep pushing until
  // it cancels.
}

void FalcoSubReactor::OnDone() {
  Done();
  delete this;
}

StreamPump<AlertRecord>::Take FalcoSubReactor::Accept(const AlertRecord& r, int slot,
                                                     size_t /*index*/) {
  FillFalcoResponse(r, api_->hostname, &responses_[slot]);
  return Take::kAdded;
}

}  // namespace saker::api
