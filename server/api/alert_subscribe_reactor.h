#pragma once

#include <memory>

#include <grpcpp/grpcpp.h>

#include "saker/v1/alerts.pb.h"
#include "server/api/api_context.h"
#include "server/api/stream_pump.h"
#include "server/api/v1_filters.h"

namespace saker::api {

// saker.alerts.v1.AlertService/Subscribe: filtered alerts from the requested
// start, then live; in-band Gap notices for what this subscriber lost; ends
// with UNAVAILABLE on server shutdown, CANCELLED when the client goes away.
class AlertSubscribeReactor final
    : public grpc::ServerWriteReactor<saker::alerts::v1::SubscribeResponse>,
      private StreamPump<AlertRecord> {
 public:
  AlertSubscribeReactor(ApiContext* api, grpc::CallbackServerContext* ctx,
                        std::unique_ptr<CompiledAlertRequest> request);

  void OnWriteDone(bool ok) override { WriteDone(ok); }
  void OnCancel() override { Cancelled(); }
  void OnDone() override;

 private:
  bool Accept(const AlertRecord& r) override;
  bool AcceptGap(const Gap& gap) override;
  void StartNextWrite() override { StartWrite(&response_); }
  void FinishStream(const grpc::Status& status) override { Finish(status); }

  ApiContext* api_;
  std::unique_ptr<CompiledAlertRequest> request_;
  saker::alerts::v1::SubscribeResponse response_;
};

}  // namespace saker::api
