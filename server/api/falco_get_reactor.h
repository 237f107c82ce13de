#pragma once

#include <grpcpp/grpcpp.h>

#include "outputs.pb.h"
#include "server/api/api_context.h"
#include "server/api/stream_pump.h"

namespace saker::api {

// /falco.outputs.service/get: the alerts the history holds when the call
// starts, oldest first, then OK (zero messages then OK when it is empty).
class FalcoGetReactor final : public grpc::ServerWriteReactor<falco::outputs::response>,
                              private StreamPump<AlertRecord> {
 public:
  FalcoGetReactor(ApiContext* api, grpc::CallbackServerContext* ctx);

  void OnWriteDone(bool ok) override { WriteDone(ok); }
  void OnCancel() override { Cancelled(); }
  void OnDone() override;

 private:
  bool Accept(const AlertRecord& r) override;
  bool AcceptGap(const Gap&) override { return false; }
  void StartNextWrite() override { StartWrite(&response_); }
  void FinishStream(const grpc::Status& status) override { Finish(status); }

  ApiContext* api_;
  falco::outputs::response response_;
};

}  // namespace saker::api
