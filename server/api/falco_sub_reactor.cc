#include "server/api/falco_sub_reactor.h"

#include "server/api/convert_falco.h"
#include "server/api/falco_stream_config.h"

namespace saker::api {

FalcoSubReactor::FalcoSubReactor(ApiContext* api, grpc::CallbackServerContext* ctx)
    : StreamPump<AlertRecord>(FalcoStreamConfig(api, ctx, StartAt{}, false)),
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
