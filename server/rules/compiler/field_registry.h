// The fields a condition or an output may reference (libsinsp filterchecks
// plus the container plugin), with types and flags from the spec's
// sinsp_fields_all.tsv. The engine only needs names, types and flags; how
// a field is extracted is the FieldExtractor's business (extractor.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace saker::rules {

// libsinsp PT_* types (plugin string/bool/abstime/reltime map onto these).
enum class FieldType : uint8_t {
  kCHARBUF,
  kBYTEBUF,
  kBOOL,
  kINT16,
  kINT32,
  kINT64,
  kUINT32,
  kUINT64,
  kRELTIME,
  kABSTIME,
  kDOUBLE,
  kIPADDR,
  kIPNET,
  kPORT,
  kDYN,
};

absl::string_view FieldTypeName(FieldType t);
bool IsNumericType(FieldType t);  // INT*, UINT*, RELTIME, ABSTIME, DOUBLE, PORT
bool IsSignedType(FieldType t);   // INT16/32/64
bool IsStringType(FieldType t);   // CHARBUF (FSPATH/FSRELPATH render as CHARBUF)

namespace FieldFlag {
constexpr uint32_t kArgRequired = 1u << 0;   // EPF_ARG_REQUIRED
constexpr uint32_t kArgAllowed = 1u << 1;    // EPF_ARG_ALLOWED
constexpr uint32_t kNoRhs = 1u << 2;         // EPF_NO_RHS
constexpr uint32_t kNoTransformer = 1u << 3; // EPF_NO_TRANSFORMER
constexpr uint32_t kFilterOnly = 1u << 4;    // EPF_FILTER_ONLY
constexpr uint32_t kIsList = 1u << 5;        // EPF_IS_LIST
constexpr uint32_t kPrintOnly = 1u << 6;     // EPF_PRINT_ONLY
constexpr uint32_t kTableOnly = 1u << 7;     // EPF_TABLE_ONLY
constexpr uint32_t kDeprecated = 1u << 8;    // EPF_DEPRECATED
constexpr uint32_t kPlugin = 1u << 9;        // provided by the container plugin
constexpr uint32_t kArgIndex = 1u << 10;     // the argument may be a number
constexpr uint32_t kArgKey = 1u << 11;       // the argument may be a key
constexpr uint32_t kDotArg = 1u << 12;       // `name.arg` form accepted (evt.arg.flags)
constexpr uint32_t kAnyAncestor = 1u << 13;  // proc.a*: without index, any ancestor matches
constexpr uint32_t kEitherEndpoint = 1u << 14;  // fd.ip/net/port/proto: client or server
}  // namespace FieldFlag

struct FieldInfo {
  const char* name;
  FieldType type;
  uint32_t flags;
  const char* provider;  // libsinsp filtercheck table or "container_plugin"

  bool Has(uint32_t f) const { return (flags & f) != 0; }
};

// The builtin table (field_table.cc).
const std::vector<FieldInfo>& BuiltinFieldTable();

// A resolved field reference: the field and the argument text, whether it
// was written `name[arg]` or (for kDotArg fields) `name.arg`.
struct ResolvedField {
  const FieldInfo* info = nullptr;
  int id = -1;  // index in the registry
  bool has_arg = false;
  std::string arg;
};

class FieldRegistry {
 public:
  // A registry over BuiltinFieldTable().
  FieldRegistry();
  explicit FieldRegistry(std::vector<FieldInfo> fields);

  // Exact lookup of a field name; nullptr if unknown.
  const FieldInfo* Find(absl::string_view name) const;
  int IdOf(const FieldInfo* info) const;
  const FieldInfo& at(int id) const { return fields_[static_cast<size_t>(id)]; }
  size_t size() const { return fields_.size(); }

  // Resolves `name` (and the bracket argument, if any) with libsinsp's
  // longest-prefix rule: "evt.arg.flags" -> evt.arg with arg "flags".
  // Returns false if no field matches.
  bool Resolve(absl::string_view name, bool has_bracket_arg, absl::string_view bracket_arg,
               ResolvedField* out) const;

 private:
  std::vector<FieldInfo> fields_;
  absl::flat_hash_map<std::string, int> by_name_;
};

}  // namespace saker::rules
