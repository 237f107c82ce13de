// Rules-language filters over the API's alerts and raw events: each
// condition is compiled by a private rules engine as a one-rule file, and
// evaluated against the record's fields.
//
//   alerts: every output field by name (proc.name, fd.name, ...; evt.type
//           when the rule's output carries it);
//   events: evt.type, evt.cpu, evt.res, evt.rawres, evt.failed, proc.pid,
//           thread.tid, proc.ppid, proc.name, user.uid, group.gid and the
//           arguments as evt.arg.NAME.
// Other fields cannot be extracted: comparisons on them are false, as in
// the rules.
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "server/daemon/api_bridge.h"
#include "server/driver/syscalls/syscall_table.h"

namespace saker::daemon {
namespace {

std::string QuoteYaml(std::string_view s) {
  return absl::StrCat("\"",
                      absl::StrReplaceAll(absl::string_view(s.data(), s.size()),
                                          {{"\\", "\\\\"}, {"\"", "\\\""}, {"\n", " "}}),
                      "\"");
}

absl::StatusOr<std::unique_ptr<rules::Engine>> CompileFilter(std::string_view condition) {
  rules::EngineOptions o;
  o.suggested_output = false;
  auto engine = std::make_unique<rules::Engine>(o);
  const std::string yaml = absl::StrCat(
      "- rule: filter\n  desc: API subscription filter\n  condition: ", QuoteYaml(condition),
      "\n  output: filter\n  priority: DEBUG\n");
  if (absl::Status st = engine->LoadContents({{"<filter>", yaml}}); !st.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("filter: ", st.message()));
  }
  return engine;
}

// Looks a field up in a list of (name, text) pairs.
template <typename Lookup>
bool ExtractText(const rules::FieldRef& ref, rules::FieldValues* out, Lookup lookup) {
  const std::string* v = lookup(ref.display);
  if (v == nullptr) {
    v = lookup(ref.key);
  }
  if (v == nullptr || *v == "<NA>") {
    return false;
  }
  out->AddString(*v);  // the engine parses numbers and addresses from text
  return true;
}

class AlertExtractor : public rules::FieldExtractor {
 public:
  void Set(const api::AlertRecord* a) { alert_ = a; }
  const std::string* Find(std::string_view name) const {
    for (size_t i = 0; i < alert_->output_fields.size(); ++i) {
      if (alert_->output_fields.name(i) == name) {
        return &alert_->output_fields.value(i);
      }
    }
    return nullptr;
  }
  bool Extract(const rules::FieldRef& ref, rules::FieldValues* out) override {
    return ExtractText(ref, out, [this](std::string_view n) { return Find(n); });
  }

 private:
  const api::AlertRecord* alert_ = nullptr;
};

class AlertPredicate : public api::AlertPredicate {
 public:
  explicit AlertPredicate(std::unique_ptr<rules::Engine> engine) : engine_(std::move(engine)) {}
  bool Matches(const api::AlertRecord& a) const override {
    std::lock_guard<std::mutex> lock(mu_);
    extractor_.Set(&a);
    const std::string* type = extractor_.Find("evt.type");
    rules::EventTypeCode code = type != nullptr ? engine_->event_types().Code(*type)
                                                : rules::EventTypeTable::kUnknown;
    if (code == rules::EventTypeTable::kUnknown) {
      code = engine_->event_types().async_code();  // every rule is indexed for it
    }
    return engine_->Evaluate(code, &extractor_, &matches_) > 0;
  }

 private:
  mutable std::mutex mu_;
  std::unique_ptr<rules::Engine> engine_;
  mutable AlertExtractor extractor_;
  mutable std::vector<const rules::CompiledRule*> matches_;
};

class EventExtractor : public rules::FieldExtractor {
 public:
  void Set(const api::EventRecord* e) { event_ = e; }
  bool Extract(const rules::FieldRef& ref, rules::FieldValues* out) override {
    const absl::string_view name = ref.name();
    const api::EventRecord& e = *event_;
    if (name == "evt.cpu") {
      out->AddUint(e.cpu);
    } else if (name == "evt.rawres") {
      out->AddInt(e.res);
    } else if (name == "evt.res") {
      out->AddString(ResultName(e.res));
    } else if (name == "evt.failed") {
      out->AddBool(e.res < 0);
    } else if (name == "proc.pid") {
      out->AddInt(e.pid);
    } else if (name == "thread.tid") {
      out->AddInt(e.tid);
    } else if (name == "proc.ppid") {
      out->AddInt(e.ppid);
    } else if (name == "proc.name") {
      out->AddString(e.proc_name);
    } else if (name == "user.uid") {
      out->AddUint(e.uid);
    } else if (name == "group.gid") {
      out->AddUint(e.gid);
    } else if (name == "evt.arg" && ref.has_arg) {
      for (size_t i = 0; i < e.args.size(); ++i) {
        if (e.args.name(i) == ref.arg) {
          out->AddString(e.args.value(i));
          return true;
        }
      }
      return false;
    } else {
      return false;
    }
    return true;
  }

 private:
  const api::EventRecord* event_ = nullptr;
};

class EventPredicate : public api::EventPredicate {
 public:
  explicit EventPredicate(std::unique_ptr<rules::Engine> engine) : engine_(std::move(engine)) {}
  bool Matches(const api::EventRecord& e) const override {
    std::lock_guard<std::mutex> lock(mu_);
    extractor_.Set(&e);
    const rules::EventTypeCode code = engine_->event_types().Code(e.type);
    if (code == rules::EventTypeTable::kUnknown) {
      return false;
    }
    return engine_->Evaluate(code, &extractor_, &matches_) > 0;
  }

 private:
  mutable std::mutex mu_;
  std::unique_ptr<rules::Engine> engine_;
  mutable EventExtractor extractor_;
  mutable std::vector<const rules::CompiledRule*> matches_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<api::AlertPredicate>> ApiAlertFilterCompiler::Compile(
    std::string_view condition) {
  auto engine = CompileFilter(condition);
  if (!engine.ok()) {
    return engine.status();
  }
  return std::make_unique<AlertPredicate>(*std::move(engine));
}

absl::StatusOr<std::unique_ptr<api::EventPredicate>> ApiEventFilterCompiler::Compile(
    std::string_view condition) {
  auto engine = CompileFilter(condition);
  if (!engine.ok()) {
    return engine.status();
  }
  return std::make_unique<EventPredicate>(*std::move(engine));
}

}  // namespace saker::daemon
