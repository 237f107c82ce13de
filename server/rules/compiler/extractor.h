// THE SEAM between the rules engine and the event/process state.
//
// The engine never looks inside an event. For every field a compiled rule
// or output references it asks a FieldExtractor for the value(s) of a
// FieldRef on the *current* event; the caller (server/state) implements
// FieldExtractor over its syscall events and thread/fd tables. The current
// event's type is passed separately as an EventTypeCode (event_types.h),
// so `evt.type` checks and rule dispatch never call the extractor.
//
// Threading: one engine evaluation runs on one thread; the extractor is
// called synchronously from Engine::Evaluate / output formatting and only
// for the event being evaluated.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "server/rules/compiler/field_registry.h"

namespace saker::rules {

// An IPv4 (stored as v4-mapped) or IPv6 address.
struct IpAddr {
  uint8_t bytes[16] = {};
  bool v6 = false;

  static IpAddr V4(uint32_t host_order);
  bool operator==(const IpAddr& o) const;
};

// How a value is represented. The extractor should use the representation
// matching the field's FieldType (see FieldValues::Add*); the engine also
// accepts numbers given as decimal text and IPs given as text.
enum class ValueKind : uint8_t { kString, kInt, kUint, kBool, kDouble, kIp };

struct FieldValue {
  ValueKind kind = ValueKind::kString;
  absl::string_view str;  // kString (CHARBUF, BYTEBUF: raw bytes)
  int64_t i = 0;          // kInt   (INT16/32/64)
  uint64_t u = 0;         // kUint  (UINT*, RELTIME, ABSTIME, PORT), kBool (0/1)
  double d = 0;           // kDouble
  IpAddr ip;              // kIp    (IPADDR, IPNET)
};

// A reusable list of values. Clear() keeps capacity, so a steady-state
// extraction allocates nothing. String views added with AddString must stay
// valid until the end of the current event's evaluation (the engine caches
// each field's values for the whole event); use AddCopiedString for
// temporaries (copied into storage owned by this object, reused).
class FieldValues {
 public:
  void Clear() {
    size_ = 0;
    copies_used_ = 0;
  }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const FieldValue& operator[](size_t i) const { return values_[i]; }

  void AddString(absl::string_view s) { Next(ValueKind::kString).str = s; }
  void AddCopiedString(absl::string_view s);
  void AddInt(int64_t v) { Next(ValueKind::kInt).i = v; }
  void AddUint(uint64_t v) { Next(ValueKind::kUint).u = v; }
  void AddBool(bool v) { Next(ValueKind::kBool).u = v ? 1 : 0; }
  void AddDouble(double v) { Next(ValueKind::kDouble).d = v; }
  void AddIp(const IpAddr& ip) { Next(ValueKind::kIp).ip = ip; }
  void Add(const FieldValue& v) { Next(v.kind) = v; }

  // Scratch string owned by this object (reused between events).
  std::string* Scratch();

 private:
  FieldValue& Next(ValueKind kind);

  std::vector<FieldValue> values_;
  size_t size_ = 0;
  std::vector<std::unique_ptr<std::string>> copies_;
  size_t copies_used_ = 0;
};

// A compiled reference to one field with its argument, as written in a rule
// (`proc.aname[2]`, `evt.arg.flags`, `fd.name`). Created by the compiler;
// stable for the lifetime of the compiled rule set.
struct FieldRef {
  const FieldInfo* field = nullptr;  // name, type, flags
  int field_id = -1;                 // index in the FieldRegistry: switch on it
  bool has_arg = false;
  std::string arg;          // "2", "flags", "/proc*", "HOME" ...
  int64_t arg_index = -1;   // the argument as a non-negative integer, else -1
  // proc.aname / proc.aexe / proc.aexepath / proc.acmdline / proc.apid / proc.aenv
  // without an index: extract the value of EVERY ancestor, from the parent
  // upward (one value each). A condition matches if ANY ancestor matches; an
  // output renders them space-separated.
  bool all_ancestors = false;
  // fd.ip / fd.net / fd.port / fd.proto: extract both endpoints (client,
  // server). `=`/`in` match either; `!=` requires both to differ.
  bool both_endpoints = false;
  // Dense index, unique per distinct (field, arg) within one compiled rule
  // set: extractors may use it to cache per event or pre-resolve lookups.
  int slot = -1;
  std::string key;  // canonical text: "proc.aname[2]", "evt.arg.flags" -> "evt.arg[flags]"
  std::string display;  // as written: "evt.arg.flags" (output_fields key)

  absl::string_view name() const { return field->name; }
};

class FieldExtractor {
 public:
  virtual ~FieldExtractor() = default;

  // Appends the value(s) of `ref` for the current event to `out` (cleared by
  // the caller). Returns false if the field cannot be extracted (no thread
  // info, no fd, the event lacks that parameter...): every check on it is
  // then false, `exists` included, and outputs print <NA>.
  //
  // One value for ordinary fields; several for all_ancestors/both_endpoints
  // refs and for EPF_IS_LIST fields (fd.types). Must not allocate in steady
  // state (reuse `out` and internal buffers).
  virtual bool Extract(const FieldRef& ref, FieldValues* out) = 0;
};

}  // namespace saker::rules
