// A map-backed FieldExtractor for tests and benchmarks: an event is a map
// from field text ("proc.name", "proc.aname[2]", "evt.arg[flags]") to its
// values as strings, converted to each field's type on extraction.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "server/rules/compiler/extractor.h"

namespace saker::rules {

struct TestEvent {
  std::string type = "openat";  // evt.type name
  uint64_t ts_ns = 0;
  // Keys: the field name, with the argument in brackets if any
  // ("proc.aname[2]", "evt.arg[flags]", "container.mount.dest[/proc*]").
  // proc.a* without index: put the ancestor list (parent first) under
  // "proc.aname" etc.; fd.ip/fd.net/fd.port/fd.proto: both endpoints.
  std::map<std::string, std::vector<std::string>> fields;

  TestEvent& Set(const std::string& key, std::string value) {
    fields[key] = {std::move(value)};
    return *this;
  }
  TestEvent& SetList(const std::string& key, std::vector<std::string> values) {
    fields[key] = std::move(values);
    return *this;
  }
};

// Converts the strings of `values` to `ref`'s representation (numbers,
// booleans, IPs) and appends them to `out`. False if a value cannot be
// converted.
bool AppendTestValues(const FieldRef& ref, const std::vector<std::string>& values,
                      FieldValues* out);

// Looks every field up in the current event's map (slow, simple).
class MapExtractor : public FieldExtractor {
 public:
  void SetEvent(const TestEvent* ev) { ev_ = ev; }
  bool Extract(const FieldRef& ref, FieldValues* out) override;

 private:
  const TestEvent* ev_ = nullptr;
};

// An event pre-resolved against a compiled rule set's FieldRefs (by slot),
// with values already converted: extraction is an array lookup. Used by the
// benchmark to measure the engine rather than map lookups.
class BoundEvent {
 public:
  BoundEvent(const TestEvent& ev, const std::vector<const FieldRef*>& refs);
  bool Extract(const FieldRef& ref, FieldValues* out) const;

 private:
  std::vector<std::vector<FieldValue>> by_slot_;
  std::vector<bool> present_;
  std::vector<std::unique_ptr<std::string>> storage_;
};

class BoundExtractor : public FieldExtractor {
 public:
  void SetEvent(const BoundEvent* ev) { ev_ = ev; }
  bool Extract(const FieldRef& ref, FieldValues* out) override {
    return ev_ != nullptr && ev_->Extract(ref, out);
  }

 private:
  const BoundEvent* ev_ = nullptr;
};

}  // namespace saker::rules
