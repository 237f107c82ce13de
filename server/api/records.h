#pragma once

// The records the fan-out hubs hold: one pre-allocated record per history
// slot, overwritten in place so that publishing does not allocate once the
// strings have grown to their working size.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/types/span.h"

namespace saker::api {

// Falco's priority numbering: 0 is the most severe.
enum class Priority : uint8_t {
  kEmergency = 0,
  kAlert = 1,
  kCritical = 2,
  kError = 3,
  kWarning = 4,
  kNotice = 5,
  kInformational = 6,
  kDebug = 7,
};

using FieldView = std::pair<std::string_view, std::string_view>;

// A list of strings that keeps its elements (and their capacity) when
// reassigned, so reuse does not allocate.
class StringList {
 public:
  void Assign(absl::Span<const std::string_view> items);
  // Assign, then sort and drop duplicates.
  void AssignSortedUnique(absl::Span<const std::string_view> items);
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const std::string& operator[](size_t i) const { return items_[i]; }
  const std::string* begin() const { return items_.data(); }
  const std::string* end() const { return items_.data() + size_; }

 private:
  std::vector<std::string> items_;
  size_t size_ = 0;
};

// Name/value pairs with the same reuse property.
class FieldList {
 public:
  void Assign(absl::Span<const FieldView> fields);
  size_t size() const { return size_; }
  const std::string& name(size_t i) const { return items_[i].first; }
  const std::string& value(size_t i) const { return items_[i].second; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
  size_t size_ = 0;
};

// What the detection pipeline hands to AlertHub::Publish. Views only: the
// hub copies them into its slot before Publish returns.
struct AlertInput {
  int64_t time_ns = 0;
  Priority priority = Priority::kDebug;
  std::string_view rule;
  std::string_view output;
  // `syscall`, `k8s_audit`, `internal` or a plugin source name.
  std::string_view source = "syscall";
  absl::Span<const FieldView> output_fields;
  absl::Span<const std::string_view> tags;
};

// One alert held by the hub.
struct AlertRecord {
  uint64_t sequence = 0;
  int64_t time_ns = 0;
  int64_t publish_ns = 0;  // when the hub took it (wall clock)
  Priority priority = Priority::kDebug;
  std::string rule;
  std::string output;
  std::string source;
  FieldList output_fields;
  StringList tags;  // sorted, unique

  void Assign(const AlertInput& in);
};

// What the event source hands to EventHub::Publish (views only).
struct EventInput {
  int64_t time_ns = 0;
  uint32_t cpu = 0;
  std::string_view type;
  int64_t res = 0;
  int64_t pid = 0;
  int64_t tid = 0;
  int64_t ppid = 0;
  std::string_view proc_name;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint64_t cgroup_id = 0;
  absl::Span<const FieldView> args;
};

// One raw event held by the hub.
struct EventRecord {
  uint64_t sequence = 0;
  int64_t time_ns = 0;
  uint32_t cpu = 0;
  std::string type;
  int64_t res = 0;
  int64_t pid = 0;
  int64_t tid = 0;
  int64_t ppid = 0;
  std::string proc_name;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint64_t cgroup_id = 0;
  FieldList args;

  void Assign(const EventInput& in);
};

}  // namespace saker::api
