#include "server/state/extract/field_codes.h"

#include <string>

#include "absl/container/flat_hash_map.h"

namespace saker::state {
namespace {

struct Entry {
  Field code;
  const char* name;
};

constexpr Entry kFields[] = {
#define SAKER_X(code, name) {Field::code, name},
    SAKER_STATE_FIELDS(SAKER_X)
#undef SAKER_X
};

}  // namespace

Field FieldCodeOf(absl::string_view name) {
  static const auto* const kByName = [] {
    auto* m = new absl::flat_hash_map<std::string, Field>();
    for (const Entry& e : kFields) {
      (*m)[e.name] = e.code;
    }
    return m;
  }();
  auto it = kByName->find(name);
  return it == kByName->end() ? Field::kUnknown : it->second;
}

absl::string_view FieldCodeName(Field f) {
  for (const Entry& e : kFields) {
    if (e.code == f) {
      return e.name;
    }
  }
  return "";
}

}  // namespace saker::state
