#include "server/rules/compiler/field_registry.h"

#include <utility>

namespace saker::rules {

absl::string_view FieldTypeName(FieldType t) {
  switch (t) {
    case FieldType::kCHARBUF: return "CHARBUF";
    case FieldType::kBYTEBUF: return "BYTEBUF";
    case FieldType::kBOOL: return "BOOL";
    case FieldType::kINT16: return "INT16";
    case FieldType::kINT32: return "INT32";
    case FieldType::kINT64: return "INT64";
    case FieldType::kUINT32: return "UINT32";
    case FieldType::kUINT64: return "UINT64";
    case FieldType::kRELTIME: return "RELTIME";
    case FieldType::kABSTIME: return "ABSTIME";
    case FieldType::kDOUBLE: return "DOUBLE";
    case FieldType::kIPADDR: return "IPADDR";
    case FieldType::kIPNET: return "IPNET";
    case FieldType::kPORT: return "PORT";
    case FieldType::kDYN: return "DYN";
  }
  return "?";
}

bool IsNumericType(FieldType t) {
  switch (t) {
    case FieldType::kINT16:
    case FieldType::kINT32:
    case FieldType::kINT64:
    case FieldType::kUINT32:
    case FieldType::kUINT64:
    case FieldType::kRELTIME:
    case FieldType::kABSTIME:
    case FieldType::kDOUBLE:
    case FieldType::kPORT:
      return true;
    default:
      return false;
  }
}

bool IsSignedType(FieldType t) {
  return t == FieldType::kINT16 || t == FieldType::kINT32 || t == FieldType::kINT64;
}

bool IsStringType(FieldType t) { return t == FieldType::kCHARBUF; }

FieldRegistry::FieldRegistry() : FieldRegistry(BuiltinFieldTable()) {}

FieldRegistry::FieldRegistry(std::vector<FieldInfo> fields) : fields_(std::move(fields)) {
  for (size_t i = 0; i < fields_.size(); ++i) {
    by_name_.emplace(fields_[i].name, static_cast<int>(i));
  }
}

const FieldInfo* FieldRegistry::Find(absl::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &fields_[static_cast<size_t>(it->second)];
}

int FieldRegistry::IdOf(const FieldInfo* info) const {
  return info == nullptr ? -1 : static_cast<int>(info - fields_.data());
}

bool FieldRegistry::Resolve(absl::string_view name, bool has_bracket_arg,
                            absl::string_view bracket_arg, ResolvedField* out) const {
  *out = ResolvedField();
  if (const FieldInfo* f = Find(name)) {
    out->info = f;
    out->id = IdOf(f);
    out->has_arg = has_bracket_arg;
    out->arg = std::string(bracket_arg);
    return true;
  }
  // Longest prefix ending at a '.', for fields that take `name.arg`.
  for (size_t dot = name.rfind('.'); dot != absl::string_view::npos && dot > 0;
       dot = name.rfind('.', dot - 1)) {
    const FieldInfo* f = Find(name.substr(0, dot));
    if (f != nullptr && f->Has(FieldFlag::kDotArg)) {
      if (has_bracket_arg) {
        return false;  // both forms at once
      }
      out->info = f;
      out->id = IdOf(f);
      out->has_arg = true;
      out->arg = std::string(name.substr(dot + 1));
      return true;
    }
    if (dot == 0) {
      break;
    }
  }
  return false;
}

}  // namespace saker::rules
