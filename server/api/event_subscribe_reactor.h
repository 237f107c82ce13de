#pragma once

#include <array>
#include <memory>

#include <grpcpp/grpcpp.h>

#include "saker/v1/events.pb.h"
#include "server/api/api_context.h"
#include "server/api/message_reuse.h"
#include "server/api/stream_pump.h"
#include "server/api/v1_filters.h"

namespace saker::api {

// saker.events.v1.EventService/Subscribe: raw events, filtered before they
// are serialised, with the alert stream's sequence, resume, gap and batch
// semantics.
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
  void BeginMessage(int slot) override;
  Take Accept(const EventRecord& r, int slot, size_t index) override;
  void AcceptGap(const Gap& gap, int slot) override;
  void StartNextWrite(int slot, bool more) override {
    StartWrite(&responses_[slot], CoalescedWrite(more));
  }
  void FinishStream(const grpc::Status& status) override { Finish(status); }

  std::unique_ptr<CompiledEventRequest> request_;
  const bool batched_;
  std::array<saker::events::v1::SubscribeResponse, 2> responses_;
  std::array<size_t, 2> bytes_ = {0, 0};
  RecycledElements<saker::events::v1::Event> spare_events_;
};

}  // namespace saker::api
