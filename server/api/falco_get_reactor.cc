#include "server/api/falco_get_reactor.h"

#include "server/api/convert_falco.h"
#include "server/api/falco_stream_config.h"

namespace saker::api {

FalcoGetReactor::FalcoGetReactor(ApiContext* api, grpc::CallbackServerContext* ctx)
    : StreamPump<AlertRecord>(
          FalcoStreamConfig(api, ctx, StartAt{StartAt::Kind::kOldest, 0}, true)),
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
