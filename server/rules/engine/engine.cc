#include "server/rules/engine/engine.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/common/json.h"
#include <fstream>
#include <optional>
#include <sstream>
#include "server/rules/engine/builder.h"
#include "server/rules/reader/reader.h"

namespace saker::rules {
namespace {

std::optional<std::string> ReadFileToString(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

const CompiledRule* RuleSet::Find(const std::string& name) const {
  for (const auto& r : rules_) {
    if (r->name() == name) {
      return r.get();
    }
  }
  return nullptr;
}

std::vector<const FieldRef*> RuleSet::field_refs() const {
  std::vector<const FieldRef*> out;
  for (const auto& r : refs_.refs()) {
    out.push_back(r.get());
  }
  return out;
}

Engine::Engine(EngineOptions options) : options_(std::move(options)) {}

const LoadSummary& Engine::summary() const {
  return active_ != nullptr ? active_->summary() : empty_summary_;
}

absl::StatusOr<std::unique_ptr<RuleSet>> Engine::Compile(
    const std::vector<RuleFileContent>& files, Diagnostic* error) const {
  Collector collector(options_.collector);
  std::vector<Diagnostic> reader_warnings;
  for (const RuleFileContent& f : files) {
    auto parsed = ReadRulesFile(f.content, f.name, error);
    if (!parsed.ok()) {
      return parsed.status();
    }
    reader_warnings.insert(reader_warnings.end(), parsed->warnings.begin(),
                           parsed->warnings.end());
    absl::Status st = collector.Collect(*parsed, error);
    if (!st.ok()) {
      return st;
    }
  }
  RuleSetBuilder builder(&options_, &registry_, &types_);
  auto set = builder.Build(collector, error);
  if (set.ok()) {
    auto& w = (*set)->summary_.warnings;
    w.insert(w.begin(), reader_warnings.begin(), reader_warnings.end());
  }
  return set;
}

absl::Status Engine::LoadContents(const std::vector<RuleFileContent>& files, Diagnostic* error) {
  auto set = Compile(files, error);
  if (!set.ok()) {
    return set.status();
  }
  active_ = std::move(*set);
  return absl::OkStatus();
}

absl::Status Engine::LoadFiles(const std::vector<std::string>& paths, Diagnostic* error) {
  std::vector<RuleFileContent> files;
  for (const std::string& p : paths) {
    auto content = ReadFileToString(p);
    if (!content) {
      Diagnostic d;
      d.code = "LOAD_ERR_FILE_READ";
      d.pos.file = p;
      d.message = "Could not read rules file";
      if (error != nullptr) {
        *error = d;
      }
      return absl::NotFoundError(d.ToString());
    }
    files.push_back({p, std::move(*content)});
  }
  return LoadContents(files, error);
}

size_t Engine::Evaluate(EventTypeCode evt_type, FieldExtractor* extractor,
                        std::vector<const CompiledRule*>* matches) {
  matches->clear();
  if (active_ == nullptr) {
    return 0;
  }
  active_->cache_.NextEvent();
  EvalContext ctx{evt_type, extractor, &types_, &active_->cache_};
  bool first = options_.rule_matching == RuleMatching::kFirst;
  if (evt_type < active_->by_type_.size()) {
    for (CompiledRule* r : active_->by_type_[evt_type]) {
      if (r->filter_->Eval(ctx)) {
        ++r->matches_;
        matches->push_back(r);
        if (first) {
          return 1;
        }
      }
    }
  }
  if (!matches->empty()) {
    return matches->size();
  }
  for (CompiledRule* r : active_->all_types_) {
    if (r->filter_->Eval(ctx)) {
      ++r->matches_;
      matches->push_back(r);
      if (first) {
        break;
      }
    }
  }
  return matches->size();
}

std::string Engine::FormatOutput(const CompiledRule& rule, EventTypeCode evt_type,
                                 uint64_t ts_ns, FieldExtractor* extractor) {
  EvalContext ctx{evt_type, extractor, &types_};
  OutputEvent ev{&ctx, ts_ns};
  std::string out;
  rule.output_.Render(ev, options_.alerts.time_zone, &out);
  return out;
}

void Engine::FormatOutputFields(const CompiledRule& rule, EventTypeCode evt_type,
                                uint64_t ts_ns, FieldExtractor* extractor,
                                std::vector<std::pair<std::string, std::string>>* out) {
  EvalContext ctx{evt_type, extractor, &types_};
  OutputEvent ev{&ctx, ts_ns};
  rule.output_.RenderFields(ev, options_.alerts.time_zone, out);
}

std::string Engine::FormatTextAlert(const CompiledRule& rule, EventTypeCode evt_type,
                                    uint64_t ts_ns, FieldExtractor* extractor) {
  std::string line;
  if (options_.alerts.time_format_iso_8601) {
    AppendIso8601(ts_ns, &line);
  } else {
    AppendTimeOfDay(ts_ns, options_.alerts.time_zone, &line);
  }
  absl::StrAppend(&line, ": ", PriorityName(rule.priority()), " ",
                  FormatOutput(rule, evt_type, ts_ns, extractor));
  return line;
}

std::string Engine::FormatJsonAlert(const CompiledRule& rule, EventTypeCode evt_type,
                                    uint64_t ts_ns, FieldExtractor* extractor) {
  const AlertOptions& o = options_.alerts;
  EvalContext ctx{evt_type, extractor, &types_};
  OutputEvent ev{&ctx, ts_ns};
  std::string out = "{";
  AppendJsonKey(&out, "hostname");
  AppendJsonString(&out, o.hostname);
  if (o.json_include_message_property) {
    out.push_back(',');
    AppendJsonKey(&out, "message");
    AppendJsonString(&out, FormatOutput(rule, evt_type, ts_ns, extractor));
  }
  if (o.json_include_output_property) {
    out.push_back(',');
    AppendJsonKey(&out, "output");
    AppendJsonString(&out, FormatTextAlert(rule, evt_type, ts_ns, extractor));
  }
  if (o.json_include_output_fields_property) {
    out.push_back(',');
    AppendJsonKey(&out, "output_fields");
    // The prefix field (evt.time or evt.time.iso8601) joins the rule's fields.
    std::string value;
    const char* time_key = "evt.time";
    if (o.time_format_iso_8601) {
      time_key = "evt.time.iso8601";
      std::string iso;
      AppendIso8601(ts_ns, &iso);
      AppendJsonString(&value, iso);
    } else {
      AppendJsonUint(&value, ts_ns);
    }
    rule.output_.AppendJsonFields(ev, o.time_zone, {{time_key, value}}, &out);
  }
  out.push_back(',');
  AppendJsonKey(&out, "priority");
  AppendJsonString(&out, PriorityName(rule.priority()));
  out.push_back(',');
  AppendJsonKey(&out, "rule");
  AppendJsonString(&out, rule.name());
  out.push_back(',');
  AppendJsonKey(&out, "source");
  AppendJsonString(&out, rule.source());
  if (o.json_include_tags_property) {
    out.push_back(',');
    AppendJsonKey(&out, "tags");
    out.push_back('[');
    bool first = true;
    for (const std::string& t : rule.tags()) {
      if (!first) {
        out.push_back(',');
      }
      first = false;
      AppendJsonString(&out, t);
    }
    out.push_back(']');
  }
  out.push_back(',');
  AppendJsonKey(&out, "time");
  std::string iso;
  AppendIso8601(ts_ns, &iso);
  AppendJsonString(&out, iso);
  out.push_back('}');
  return out;
}

}  // namespace saker::rules
