#pragma once

// Saker v1 subscribe requests, compiled once per call: the filters and the
// field selection applied to each record before it is serialised.

#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "saker/v1/alerts.pb.h"
#include "saker/v1/events.pb.h"
#include "server/api/interfaces.h"
#include "server/api/records.h"
#include "server/api/ring.h"

namespace saker::api {

saker::alerts::v1::Priority ToV1Priority(Priority p);
// PRIORITY_UNSPECIFIED maps to kDebug (no minimum).
Priority FromV1Priority(saker::alerts::v1::Priority p);

StartAt StartFromOneof(bool has_sequence, uint64_t sequence, bool from_oldest);

class CompiledAlertRequest {
 public:
  // INVALID_ARGUMENT for a bad mask path or condition; UNIMPLEMENTED for a
  // condition when no compiler is wired.
  static absl::StatusOr<std::unique_ptr<CompiledAlertRequest>> Compile(
      const saker::alerts::v1::SubscribeRequest& request, AlertFilterCompiler* compiler);

  bool Matches(const AlertRecord& r) const;
  void Fill(const AlertRecord& r, const std::string& hostname,
            saker::alerts::v1::Alert* out) const;
  StartAt start() const { return start_; }
  // Alerts per stream message (SubscribeRequest.max_batch, capped; 1 = the
  // single-alert form).
  size_t batch_items() const { return batch_items_; }

 private:
  enum FieldBit : uint32_t {
    kTime = 1, kPriority = 2, kRule = 4, kOutput = 8, kOutputFields = 16,
    kHostname = 32, kTags = 64, kSource = 128, kPublishTime = 256, kAll = 511,
  };
  Priority min_priority_ = Priority::kDebug;
  absl::flat_hash_set<std::string> rules_, tags_, sources_, output_fields_;
  std::unique_ptr<AlertPredicate> condition_;
  uint32_t mask_ = kAll;
  StartAt start_;
  size_t batch_items_ = 1;
};

class CompiledEventRequest {
 public:
  static absl::StatusOr<std::unique_ptr<CompiledEventRequest>> Compile(
      const saker::events::v1::SubscribeRequest& request, EventFilterCompiler* compiler);

  bool Matches(const EventRecord& r) const;
  static void Fill(const EventRecord& r, saker::events::v1::Event* out);
  StartAt start() const { return start_; }
  size_t batch_items() const { return batch_items_; }

 private:
  absl::flat_hash_set<std::string> types_;
  std::unique_ptr<EventPredicate> condition_;
  StartAt start_;
  size_t batch_items_ = 1;
};

}  // namespace saker::api
