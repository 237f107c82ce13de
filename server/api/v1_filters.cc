#include "server/api/v1_filters.h"

#include "absl/strings/str_cat.h"
#include "server/api/message_reuse.h"

namespace saker::api {
namespace v1 = saker::alerts::v1;
namespace {

void SetTimestamp(int64_t ns, google::protobuf::Timestamp* t) {
  t->set_seconds(ns / 1000000000);
  t->set_nanos(static_cast<int32_t>(ns % 1000000000));
}

void SetOrClear(bool set, const std::string& value, std::string* out) {
  if (set) {
    out->assign(value);
  } else {
    out->clear();
  }
}

}  // namespace

v1::Priority ToV1Priority(Priority p) {
  return static_cast<v1::Priority>(8 - static_cast<int>(p));
}

Priority FromV1Priority(v1::Priority p) {
  if (p <= v1::PRIORITY_UNSPECIFIED || p > v1::PRIORITY_EMERGENCY) {
    return Priority::kDebug;
  }
  return static_cast<Priority>(8 - static_cast<int>(p));
}

StartAt StartFromOneof(bool has_sequence, uint64_t sequence, bool from_oldest) {
  if (has_sequence) {
    return StartAt{StartAt::Kind::kSequence, sequence};
  }
  if (from_oldest) {
    return StartAt{StartAt::Kind::kOldest, 0};
  }
  return StartAt{};
}

absl::StatusOr<std::unique_ptr<CompiledAlertRequest>> CompiledAlertRequest::Compile(
    const v1::SubscribeRequest& request, AlertFilterCompiler* compiler) {
  auto c = std::make_unique<CompiledAlertRequest>();
  const v1::AlertFilter& f = request.filter();
  c->min_priority_ = FromV1Priority(f.min_priority());
  c->rules_.insert(f.rules().begin(), f.rules().end());
  c->tags_.insert(f.tags().begin(), f.tags().end());
  c->sources_.insert(f.sources().begin(), f.sources().end());
  if (!f.condition().empty()) {
    if (compiler == nullptr) {
      return absl::UnimplementedError(
          "condition filters need the rules engine, which this server does not have wired");
    }
    auto compiled = compiler->Compile(f.condition());
    if (!compiled.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("condition: ", compiled.status().message()));
    }
    c->condition_ = std::move(*compiled);
  }
  const auto& sel = request.fields();
  c->output_fields_.insert(sel.output_fields().begin(), sel.output_fields().end());
  if (sel.has_alert_fields() && sel.alert_fields().paths_size() > 0) {
    static const std::pair<const char*, uint32_t> kPaths[] = {
        {"sequence", 0},       {"time", kTime},       {"priority", kPriority},
        {"rule", kRule},       {"output", kOutput},   {"output_fields", kOutputFields},
        {"hostname", kHostname}, {"tags", kTags},     {"source", kSource},
        {"publish_time", kPublishTime},
    };
    c->mask_ = 0;
    for (const std::string& path : sel.alert_fields().paths()) {
      bool known = false;
      for (const auto& [name, bit] : kPaths) {
        if (path == name) {
          c->mask_ |= bit;
          known = true;
        }
      }
      if (!known) {
        return absl::InvalidArgumentError(absl::StrCat("unknown Alert field in mask: ", path));
      }
    }
  }
  c->start_ = StartFromOneof(request.start_case() == v1::SubscribeRequest::kFromSequence,
                             request.from_sequence(), request.from_oldest());
  c->batch_items_ = BatchItems(request.max_batch());
  return c;
}

bool CompiledAlertRequest::Matches(const AlertRecord& r) const {
  if (static_cast<int>(r.priority) > static_cast<int>(min_priority_)) {
    return false;
  }
  if (!rules_.empty() && !rules_.contains(r.rule)) {
    return false;
  }
  if (!sources_.empty() && !sources_.contains(r.source)) {
    return false;
  }
  if (!tags_.empty()) {
    bool any = false;
    for (const std::string& t : r.tags) {
      if (tags_.contains(t)) {
        any = true;
        break;
      }
    }
    if (!any) {
      return false;
    }
  }
  return condition_ == nullptr || condition_->Matches(r);
}

void CompiledAlertRequest::Fill(const AlertRecord& r, const std::string& hostname,
                                v1::Alert* out) const {
  // Field by field rather than Clear(): `out` is reused for every alert, and
  // clearing would free its strings' and map's storage.
  out->set_sequence(r.sequence);
  if (mask_ & kTime) {
    SetTimestamp(r.time_ns, out->mutable_time());
  } else {
    out->clear_time();
  }
  if (mask_ & kPublishTime) {
    SetTimestamp(r.publish_ns, out->mutable_publish_time());
  } else {
    out->clear_publish_time();
  }
  out->set_priority((mask_ & kPriority) ? ToV1Priority(r.priority) : v1::PRIORITY_UNSPECIFIED);
  SetOrClear(mask_ & kRule, r.rule, out->mutable_rule());
  SetOrClear(mask_ & kOutput, r.output, out->mutable_output());
  if (mask_ & kOutputFields) {
    AssignFieldMap(r.output_fields, &output_fields_, out->mutable_output_fields());
  } else {
    out->mutable_output_fields()->clear();
  }
  SetOrClear(mask_ & kHostname, hostname, out->mutable_hostname());
  auto* tags = out->mutable_tags();
  tags->Clear();  // keeps the strings for reuse
  if (mask_ & kTags) {
    for (const std::string& t : r.tags) {
      tags->Add()->assign(t);
    }
  }
  SetOrClear(mask_ & kSource, r.source, out->mutable_source());
}

absl::StatusOr<std::unique_ptr<CompiledEventRequest>> CompiledEventRequest::Compile(
    const saker::events::v1::SubscribeRequest& request, EventFilterCompiler* compiler) {
  auto c = std::make_unique<CompiledEventRequest>();
  c->types_.insert(request.filter().types().begin(), request.filter().types().end());
  const std::string& cond = request.filter().condition();
  if (!cond.empty()) {
    if (compiler == nullptr) {
      return absl::UnimplementedError(
          "condition filters need the rules engine, which this server does not have wired");
    }
    auto compiled = compiler->Compile(cond);
    if (!compiled.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("condition: ", compiled.status().message()));
    }
    c->condition_ = std::move(*compiled);
  }
  c->start_ = StartFromOneof(
      request.start_case() == saker::events::v1::SubscribeRequest::kFromSequence,
      request.from_sequence(), request.from_oldest());
  c->batch_items_ = BatchItems(request.max_batch());
  return c;
}

bool CompiledEventRequest::Matches(const EventRecord& r) const {
  if (!types_.empty() && !types_.contains(r.type)) {
    return false;
  }
  return condition_ == nullptr || condition_->Matches(r);
}

void CompiledEventRequest::Fill(const EventRecord& r, saker::events::v1::Event* out) {
  out->set_sequence(r.sequence);
  SetTimestamp(r.time_ns, out->mutable_time());
  out->set_cpu(r.cpu);
  out->set_type(r.type);
  out->set_res(r.res);
  out->set_pid(r.pid);
  out->set_tid(r.tid);
  out->set_ppid(r.ppid);
  out->set_proc_name(r.proc_name);
  out->set_uid(r.uid);
  out->set_gid(r.gid);
  out->set_cgroup_id(r.cgroup_id);
  auto* args = out->mutable_args();
  // Reuse the Argument messages already allocated.
  while (args->size() > static_cast<int>(r.args.size())) {
    args->RemoveLast();
  }
  for (size_t i = 0; i < r.args.size(); ++i) {
    auto* a = static_cast<int>(i) < args->size() ? args->Mutable(static_cast<int>(i)) : args->Add();
    a->set_name(r.args.name(i));
    a->set_value(r.args.value(i));
  }
}

}  // namespace saker::api
