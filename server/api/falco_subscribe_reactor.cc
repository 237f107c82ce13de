#include "server/api/falco_subscribe_reactor.h"

#include "server/api/convert_falco.h"
#include "server/api/falco_stream_config.h"

namespace saker::api {

FalcoSubscribeReactor::FalcoSubscribeReactor(ApiContext* api, grpc::CallbackServerContext* ctx,
                                             bool keepalive)
    : StreamPump<AlertRecord>(FalcoStreamConfig(
          api, ctx, keepalive ? StartAt{} : StartAt{StartAt::Kind::kOldest, 0}, !keepalive)),
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
