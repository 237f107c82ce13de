#pragma once

#include <array>

#include <grpcpp/grpcpp.h>

#include "outputs.pb.h"
#include "server/api/api_context.h"
#include "server/api/stream_pump.h"

namespace saker::api {

// /falco.outputs.service/sub: every subscriber gets every alert, pushed as
// soon as it exists. Client messages (Falco's clients poll with empty
// requests) are read and ignored; a client that stops sending still gets
// alerts. Ends only on cancel (CANCELLED) or server shutdown (OK). Falco's
// protocol has no gap message: a subscriber's losses are counted in status.
class FalcoSubReactor final
    : public grpc::ServerBidiReactor<falco::outputs::request, falco::outputs::response>,
      private StreamPump<AlertRecord> {
 public:
  FalcoSubReactor(ApiContext* api, grpc::CallbackServerContext* ctx);

  void OnReadDone(bool ok) override;
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
  falco::outputs::request request_;
  std::array<falco::outputs::response, 2> responses_;  // reused; see stream_pump.h
};

}  // namespace saker::api
