#pragma once

#include <grpcpp/grpcpp.h>

#include "output.pb.h"
#include "server/api/api_context.h"
#include "server/api/stream_pump.h"

namespace saker::api {

// Legacy /falco.output.service/subscribe (client-rs): keepalive = true
// streams live alerts until cancel or shutdown; false sends the history,
// then OK.
class FalcoSubscribeReactor final : public grpc::ServerWriteReactor<falco::output::response>,
                                    private StreamPump<AlertRecord> {
 public:
  FalcoSubscribeReactor(ApiContext* api, grpc::CallbackServerContext* ctx, bool keepalive);

  void OnWriteDone(bool ok) override { WriteDone(ok); }
  void OnCancel() override { Cancelled(); }
  void OnDone() override;

 private:
  bool Accept(const AlertRecord& r) override;
  bool AcceptGap(const Gap&) override { return false; }
  void StartNextWrite() override { StartWrite(&response_); }
  void FinishStream(const grpc::Status& status) override { Finish(status); }

  ApiContext* api_;
  falco::output::response response_;
};

}  // namespace saker::api
