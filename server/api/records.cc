#include "server/api/records.h"

#include <algorithm>

namespace saker::api {

void StringList::Assign(absl::Span<const std::string_view> items) {
  if (items_.size() < items.size()) {
    items_.resize(items.size());
  }
  for (size_t i = 0; i < items.size(); ++i) {
    items_[i].assign(items[i].data(), items[i].size());
  }
  size_ = items.size();
}

void StringList::AssignSortedUnique(absl::Span<const std::string_view> items) {
  Assign(items);
  auto first = items_.begin();
  auto last = first + size_;
  std::sort(first, last);
  size_ = std::unique(first, last) - first;
}

void FieldList::Assign(absl::Span<const FieldView> fields) {
  if (items_.size() < fields.size()) {
    items_.resize(fields.size());
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    items_[i].first.assign(fields[i].first.data(), fields[i].first.size());
    items_[i].second.assign(fields[i].second.data(), fields[i].second.size());
  }
  size_ = fields.size();
}

void AlertRecord::Assign(const AlertInput& in) {
  time_ns = in.time_ns;
  priority = in.priority;
  rule.assign(in.rule.data(), in.rule.size());
  output.assign(in.output.data(), in.output.size());
  source.assign(in.source.data(), in.source.size());
  output_fields.Assign(in.output_fields);
  tags.AssignSortedUnique(in.tags);
}

void EventRecord::Assign(const EventInput& in) {
  time_ns = in.time_ns;
  cpu = in.cpu;
  type.assign(in.type.data(), in.type.size());
  res = in.res;
  pid = in.pid;
  tid = in.tid;
  ppid = in.ppid;
  proc_name.assign(in.proc_name.data(), in.proc_name.size());
  uid = in.uid;
  gid = in.gid;
  cgroup_id = in.cgroup_id;
  args.Assign(in.args);
}

}  // namespace saker::api
