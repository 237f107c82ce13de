#pragma once

// Helpers that let a reactor refill the same protobuf messages for every
// write without allocating in steady state: clearing a message frees its map
// entries, so maps are updated in place, and the elements of a repeated field
// are recycled without being cleared.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <google/protobuf/map.h>
#include <google/protobuf/repeated_ptr_field.h>

#include "absl/container/flat_hash_set.h"
#include "server/api/records.h"

namespace saker::api {

// Makes `out` hold the fields of `in` whose names are in `keep` (all when
// `keep` is null or empty). When the names are those `out` already holds (the
// usual case: the same rule fires again), the values are assigned in place.
void AssignFieldMap(const FieldList& in, const absl::flat_hash_set<std::string>* keep,
                    google::protobuf::Map<std::string, std::string>* out);

// A free list for the elements of a repeated message field.
template <class T>
class RecycledElements {
 public:
  // Empties `field`, keeping its elements (uncleared) for Add().
  void Reset(google::protobuf::RepeatedPtrField<T>* field) {
    while (!field->empty()) {
      free_.emplace_back(field->ReleaseLast());
    }
  }
  // Appends an element to `field`: a recycled one (holding stale values the
  // caller overwrites) or, while the pool grows, a new one.
  T* Add(google::protobuf::RepeatedPtrField<T>* field) {
    T* item;
    if (free_.empty()) {
      item = new T;
    } else {
      item = free_.back().release();
      free_.pop_back();
    }
    field->AddAllocated(item);
    return item;
  }

 private:
  std::vector<std::unique_ptr<T>> free_;
};

// Per-message limits of a batched stream. A stream whose client stopped
// reading holds one message, its elements and its serialised copy: with
// 1024 items and 256 KiB that was ~2.6 MB per stalled stream (the objects of
// 1024 events weigh far more than their encoding); with these, ~0.4 MB.
inline constexpr size_t kMaxBatchItems = 128;
inline constexpr size_t kMaxBatchBytes = 64 << 10;

// The records per message a request asks for, capped.
inline size_t BatchItems(uint32_t max_batch) {
  return max_batch <= 1 ? 1 : (max_batch > kMaxBatchItems ? kMaxBatchItems : max_batch);
}

// A rough upper bound of a record's encoded size, for the byte budget.
size_t EstimatedSize(const AlertRecord& r);
size_t EstimatedSize(const EventRecord& r);

}  // namespace saker::api
