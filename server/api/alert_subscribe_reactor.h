#pragma once

#include <array>
#include <memory>

#include <grpcpp/grpcpp.h>

#include "saker/v1/alerts.pb.h"
#include "server/api/api_context.h"
#include "server/api/message_reuse.h"
#include "server/api/stream_pump.h"
#include "server/api/v1_filters.h"

namespace saker::api {

// saker.alerts.v1.AlertService/Subscribe: filtered alerts from the requested
// start, then live; in-band Gap notices for what this subscriber lost; ends
// with UNAVAILABLE on server shutdown, CANCELLED when the client goes away.
// With max_batch > 1 the alerts waiting are sent several per message
// (SubscribeResponse.batch).
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
  void BeginMessage(int slot) override;
  Take Accept(const AlertRecord& r, int slot, size_t index) override;
  void AcceptGap(const Gap& gap, int slot) override;
  void StartNextWrite(int slot, bool more) override;
  void FinishStream(const grpc::Status& status) override { Finish(status); }

  ApiContext* api_;
  std::unique_ptr<CompiledAlertRequest> request_;
  const bool batched_;
  std::array<saker::alerts::v1::SubscribeResponse, 2> responses_;
  std::array<size_t, 2> bytes_ = {0, 0};
  RecycledElements<saker::alerts::v1::Alert> spare_alerts_;
};

}  // namespace saker::api
