#pragma once

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
  bool Accept(const AlertRecord& r) override;
  bool AcceptGap(const Gap&) override { return false; }
  void StartNextWrite() override { StartWrite(&response_); }
  void FinishStream(const grpc::Status& status) override { Finish(status); }

  ApiContext* api_;
  falco::outputs::request request_;
  falco::outputs::response response_;
};

}  // namespace saker::api
