#pragma once

#include <array>

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
  void BeginMessage(int) override {}
  Take Accept(const AlertRecord& r, int slot, size_t index) override;
  void AcceptGap(const Gap&, int) override {}  // Falco has no gap message
  void StartNextWrite(int slot, bool more) override {
    StartWrite(&responses_[slot], CoalescedWrite(more));
  }
  void FinishStream(const grpc::Status& status) override { Finish(status); }

  ApiContext* api_;
  std::array<falco::outputs::response, 2> responses_;  // reused; see stream_pump.h
};

}  // namespace saker::api
