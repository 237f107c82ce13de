#pragma once

#include <memory>

#include <grpcpp/grpcpp.h>

#include "saker/v1/events.pb.h"
#include "server/api/api_context.h"
#include "server/api/stream_pump.h"
#include "server/api/v1_filters.h"

namespace saker::api {

// saker.events.v1.EventService/Subscribe: raw events, filtered before they
// are serialised, with the alert stream's sequence, resume and gap semantics.
class EventSubscribeReactor final
    : public grpc::ServerWriteReactor<saker::events::v1::SubscribeResponse>,
      private StreamPump<EventRecord> {
 public:
  EventSubscribeReactor(ApiContext* api, grpc::CallbackServerContext* ctx,
                        std::unique_ptr<CompiledEventRequest> request);

  void OnWriteDone(bool ok) override { WriteDone(ok); }
  void OnCancel() override { Cancelled(); }
  void OnDone() override;

 private:
  bool Accept(const EventRecord& r) override;
  bool AcceptGap(const Gap& gap) override;
  void StartNextWrite() override { StartWrite(&response_); }
  void FinishStream(const grpc::Status& status) override { Finish(status); }

  std::unique_ptr<CompiledEventRequest> request_;
  saker::events::v1::SubscribeResponse response_;
};

}  // namespace saker::api
