#include "server/daemon/detection.h"

#include <unistd.h>

#include <cstdlib>

#include "server/daemon/default_rules.h"

namespace saker::daemon {

void AlertPrinter::OnAlert(const AlertView& alert) {
  ++alerts_;
  fwrite(alert.formatted.data(), 1, alert.formatted.size(), out_);
  fputc('\n', out_);
  // An alert is worth a write of its own: whoever reads the pipe sees it now,
  // not when a buffer fills.
  fflush(out_);
}

Detector::Detector(rules::Engine* engine, state::StateExtractor* extractor, AlertSink* sink,
                   int64_t boot_time_ns, bool json)
    : engine_(engine),
      extractor_(extractor),
      sink_(sink),
      boot_time_ns_(boot_time_ns),
      json_(json),
      codes_(engine->event_types()) {}

void Detector::OnStatefulEvent(const state::EventContext& ctx) {
  if (before_event_) {
    before_event_();
  }
  const uint16_t code = codes_.Of(*ctx.event);
  if (code == rules::EventTypeTable::kUnknown) {
    return;
  }
  extractor_->SetEvent(ctx);
  if (engine_->Evaluate(code, extractor_, &matches_) == 0) {
    return;
  }
  const int64_t t = boot_time_ns_ + static_cast<int64_t>(ctx.event->hdr().ts_ns);
  for (const rules::CompiledRule* rule : matches_) {
    const std::string line = json_ ? engine_->FormatJsonAlert(*rule, code, t, extractor_)
                                   : engine_->FormatTextAlert(*rule, code, t, extractor_);
    sink_->OnAlert(AlertView{rule, t, line});
  }
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

Pipeline::Pipeline(rules::Engine* engine, const capture::ProcSnapshot& snapshot,
                   AlertSink* sink, const PipelineOptions& options)
    : containers_(MakeContainers(options.live)),
      proc_source_(options.live ? std::make_unique<state::ProcFsProcessSource>() : nullptr),
      updater_(&table_, &detector_, proc_source_.get()),
      extractor_(&updater_, &users_, containers_.get(), ExtractorOptionsFor(options)),
      detector_(engine, &extractor_, sink, options.boot_time_ns, options.json) {
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

absl::Status LoadRules(rules::Engine* engine, const std::vector<std::string>& files) {
  if (!files.empty()) {
    return engine->LoadFiles(files);
  }
  return engine->LoadContents({{"<built-in saker_rules.yaml>", std::string(kDefaultRules)}});
}

}  // namespace saker::daemon
