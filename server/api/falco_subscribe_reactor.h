#pragma once

#include <array>

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
  void BeginMessage(int) override {}
  Take Accept(const AlertRecord& r, int slot, size_t index) override;
  void AcceptGap(const Gap&, int) override {}  // Falco has no gap message
  void StartNextWrite(int slot, bool more) override {
    StartWrite(&responses_[slot], CoalescedWrite(more));
  }
  void FinishStream(const grpc::Status& status) override { Finish(status); }

  ApiContext* api_;
  std::array<falco::output::response, 2> responses_;  // reused; see stream_pump.h
};

}  // namespace saker::api
