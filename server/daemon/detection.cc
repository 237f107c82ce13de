#include "server/daemon/detection.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "server/daemon/default_rules.h"

namespace saker::daemon {

void AlertPrinter::OnAlert(const AlertView& a) {
  ++alerts_;
  const std::string line =
      json_ ? a.engine->FormatJsonAlert(*a.rule, a.evt_type, a.time_ns, a.extractor)
            : a.engine->FormatTextAlert(*a.rule, a.evt_type, a.time_ns, a.extractor);
  fwrite(line.data(), 1, line.size(), out_);
  fputc('\n', out_);
  // An alert is worth a write of its own: whoever reads the pipe sees it now,
  // not when a buffer fills.
  fflush(out_);
}

Detector::Detector(RulesHandle* rules, state::StateExtractor* extractor,
                   std::vector<AlertSink*> sinks, int64_t boot_time_ns)
    : rules_(rules),
      extractor_(extractor),
      sinks_(std::move(sinks)),
      boot_time_ns_(boot_time_ns),
      // Every engine has the same event-type table, so codes survive reloads.
      codes_(rules::EventTypeTable()) {}

namespace {

int64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

}  // namespace

void Detector::OnStatefulEvent(const state::EventContext& ctx) {
  const uint16_t code = codes_.Of(*ctx.event);
  if (code == rules::EventTypeTable::kUnknown) {
    return;
  }
  extractor_->SetEvent(ctx);
  const bool timed = eval_time_ != nullptr && (evaluated_++ % kEvalSampleEvery) == 0;
  rules_->With([&](rules::Engine& engine) {
    const int64_t start = timed ? MonotonicNs() : 0;
    const size_t n = engine.Evaluate(code, extractor_, &matches_);
    if (timed) {
      eval_time_->OnEvalTime(static_cast<uint64_t>(MonotonicNs() - start));
    }
    if (n == 0) {
      return;
    }
    const int64_t t = boot_time_ns_ + static_cast<int64_t>(ctx.event->hdr().ts_ns);
    for (const rules::CompiledRule* rule : matches_) {
      const AlertView alert{rule, code, t, &engine, extractor_};
      for (AlertSink* sink : sinks_) {
        sink->OnAlert(alert);
      }
    }
  });
}

namespace {

std::unique_ptr<state::ContainerRegistry> MakeContainers(bool live) {
  if (!live) {
    return std::make_unique<state::ContainerRegistry>(nullptr);
  }
  std::vector<std::unique_ptr<state::ContainerMetadataSource>> sources;
  sources.push_back(std::make_unique<state::PodmanStorageSource>());
  sources.push_back(std::make_unique<state::DockerStorageSource>());
  return std::make_unique<state::ContainerRegistry>(
      std::make_unique<state::ChainedSource>(std::move(sources)));
}

state::ExtractorOptions ExtractorOptionsFor(const PipelineOptions& o) {
  state::ExtractorOptions e;
  e.hostname = o.hostname;
  e.boot_time_ns = o.boot_time_ns;
  return e;
}

}  // namespace

Pipeline::Pipeline(RulesHandle* rules, const capture::ProcSnapshot& snapshot,
                   std::vector<AlertSink*> sinks, const PipelineOptions& options)
    : containers_(MakeContainers(options.live)),
      proc_source_(options.live ? std::make_unique<state::ProcFsProcessSource>() : nullptr),
      updater_(&table_, &detector_, proc_source_.get()),
      extractor_(&updater_, &users_, containers_.get(), ExtractorOptionsFor(options)),
      detector_(rules, &extractor_, std::move(sinks), options.boot_time_ns) {
  table_.Seed(snapshot);
}

std::string AlertHostname() {
  if (const char* h = std::getenv("FALCO_HOSTNAME"); h != nullptr && *h != '\0') {
    return h;
  }
  char buf[256] = {};
  gethostname(buf, sizeof(buf) - 1);
  return buf;
}

std::vector<std::string> ExpandRulesPaths(const std::vector<std::string>& paths) {
  // As Falco does: a directory stands for its regular files, by name.
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (!std::filesystem::is_directory(p, ec)) {
      out.push_back(p);
      continue;
    }
    std::vector<std::string> in_dir;
    for (const auto& entry : std::filesystem::directory_iterator(p, ec)) {
      if (entry.is_regular_file(ec)) {
        in_dir.push_back(entry.path().string());
      }
    }
    std::sort(in_dir.begin(), in_dir.end());
    out.insert(out.end(), in_dir.begin(), in_dir.end());
  }
  return out;
}

absl::Status LoadRules(rules::Engine* engine, const std::vector<std::string>& files) {
  if (!files.empty()) {
    return engine->LoadFiles(ExpandRulesPaths(files));
  }
  return engine->LoadContents({{"<built-in saker_rules.yaml>", std::string(kDefaultRules)}});
}

}  // namespace saker::daemon
