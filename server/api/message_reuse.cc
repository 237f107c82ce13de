#include "server/api/message_reuse.h"

namespace saker::api {
namespace {

bool Keep(const absl::flat_hash_set<std::string>* keep, const std::string& name) {
  return keep == nullptr || keep->empty() || keep->contains(name);
}

size_t FieldsSize(const FieldList& f) {
  size_t n = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    n += f.name(i).size() + f.value(i).size() + 8;
  }
  return n;
}

}  // namespace

void AssignFieldMap(const FieldList& in, const absl::flat_hash_set<std::string>* keep,
                    google::protobuf::Map<std::string, std::string>* out) {
  size_t want = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    want += Keep(keep, in.name(i)) ? 1 : 0;
  }
  bool in_place = out->size() == want;
  for (size_t i = 0; in_place && i < in.size(); ++i) {
    if (!Keep(keep, in.name(i))) {
      continue;
    }
    auto it = out->find(in.name(i));
    if (it == out->end()) {
      in_place = false;
      break;
    }
    it->second.assign(in.value(i));
  }
  if (in_place) {
    return;
  }
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (Keep(keep, in.name(i))) {
      (*out)[in.name(i)] = in.value(i);
    }
  }
}

size_t EstimatedSize(const AlertRecord& r) {
  size_t n = 64 + r.rule.size() + r.output.size() + r.source.size() + FieldsSize(r.output_fields);
  for (const std::string& t : r.tags) {
    n += t.size() + 2;
  }
  return n;
}

size_t EstimatedSize(const EventRecord& r) {
  return 96 + r.type.size() + r.proc_name.size() + FieldsSize(r.args);
}

}  // namespace saker::api
