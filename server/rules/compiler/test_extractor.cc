#include "server/rules/compiler/test_extractor.h"

#include "server/rules/compiler/values.h"

namespace saker::rules {
namespace {

const std::vector<std::string>* Lookup(const TestEvent& ev, const FieldRef& ref) {
  auto it = ev.fields.find(ref.key);
  if (it != ev.fields.end()) {
    return &it->second;
  }
  if (ref.display != ref.key) {
    it = ev.fields.find(ref.display);
    if (it != ev.fields.end()) {
      return &it->second;
    }
  }
  return nullptr;
}

bool Convert(const FieldRef& ref, const std::string& s, FieldValue* v) {
  FieldType t = ref.field->type;
  v->kind = ValueKind::kString;
  v->str = s;
  if (t == FieldType::kBOOL) {
    v->kind = ValueKind::kBool;
    if (s != "true" && s != "false") {
      return false;
    }
    v->u = s == "true" ? 1 : 0;
  } else if (IsSignedType(t)) {
    auto i = ParseInt64(s);
    v->kind = ValueKind::kInt;
    v->i = i.value_or(0);
    return i.has_value();
  } else if (t == FieldType::kDOUBLE) {
    auto d = ParseDouble(s);
    v->kind = ValueKind::kDouble;
    v->d = d.value_or(0);
    return d.has_value();
  } else if (IsNumericType(t)) {
    auto u = ParseUint64(s);
    v->kind = ValueKind::kUint;
    v->u = u.value_or(0);
    return u.has_value();
  } else if (t == FieldType::kIPADDR || t == FieldType::kIPNET) {
    auto ip = ParseIp(s);
    v->kind = ValueKind::kIp;
    if (ip) {
      v->ip = *ip;
    }
    return ip.has_value();
  }
  return true;
}

}  // namespace

bool AppendTestValues(const FieldRef& ref, const std::vector<std::string>& values,
                      FieldValues* out) {
  for (const std::string& s : values) {
    FieldValue v;
    if (!Convert(ref, s, &v)) {
      return false;
    }
    out->Add(v);
  }
  return true;
}

bool MapExtractor::Extract(const FieldRef& ref, FieldValues* out) {
  if (ev_ == nullptr) {
    return false;
  }
  const std::vector<std::string>* vals = Lookup(*ev_, ref);
  if (vals == nullptr) {
    return false;
  }
  return AppendTestValues(ref, *vals, out);
}

BoundEvent::BoundEvent(const TestEvent& ev, const std::vector<const FieldRef*>& refs) {
  int max_slot = -1;
  for (const FieldRef* r : refs) {
    max_slot = std::max(max_slot, r->slot);
  }
  by_slot_.resize(static_cast<size_t>(max_slot + 1));
  present_.assign(static_cast<size_t>(max_slot + 1), false);
  for (const FieldRef* r : refs) {
    const std::vector<std::string>* vals = Lookup(ev, *r);
    if (vals == nullptr) {
      continue;
    }
    std::vector<FieldValue> converted;
    bool ok = true;
    for (const std::string& s : *vals) {
      storage_.push_back(std::make_unique<std::string>(s));
      FieldValue v;
      ok = ok && Convert(*r, *storage_.back(), &v);
      converted.push_back(v);
    }
    if (ok) {
      by_slot_[static_cast<size_t>(r->slot)] = std::move(converted);
      present_[static_cast<size_t>(r->slot)] = true;
    }
  }
}

bool BoundEvent::Extract(const FieldRef& ref, FieldValues* out) const {
  size_t slot = static_cast<size_t>(ref.slot);
  if (ref.slot < 0 || slot >= present_.size() || !present_[slot]) {
    return false;
  }
  for (const FieldValue& v : by_slot_[slot]) {
    out->Add(v);
  }
  return true;
}

}  // namespace saker::rules
