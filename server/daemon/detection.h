// The detection pipeline: events -> process state -> rules -> alerts.
//
//   EventSource (live Driver, or a capture file)
//     -> state::StateUpdater      (the process table, after each event)
//     -> Detector                 (rules indexed by evt.type)
//     -> AlertSink                (stdout today; gRPC and outputs later)
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/capture/proc_snapshot.h"
#include "server/daemon/rules_handle.h"
#include "server/rules/engine/engine.h"
#include "server/state/container_registry.h"
#include "server/state/extract/extractor.h"
#include "server/state/process_table.h"
#include "server/state/updater.h"
#include "server/state/users.h"

namespace saker::daemon {

// One alert, valid during the call only (the rules lock is held): sinks
// format what they need from the rule and the event's fields.
struct AlertView {
  const rules::CompiledRule* rule = nullptr;
  rules::EventTypeCode evt_type = 0;
  int64_t time_ns = 0;  // wall clock, ns
  rules::Engine* engine = nullptr;
  rules::FieldExtractor* extractor = nullptr;
};

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void OnAlert(const AlertView& alert) = 0;
};

// Writes each alert as one line: Falco's text line, or its JSON alert.
class AlertPrinter : public AlertSink {
 public:
  AlertPrinter(FILE* out, bool json) : out_(out), json_(json) {}
  void OnAlert(const AlertView& alert) override;
  uint64_t alerts() const { return alerts_; }

 private:
  FILE* out_;
  bool json_;
  uint64_t alerts_ = 0;
};

// Receives how long one event's rule evaluation took (for metrics).
class EvalTimeObserver {
 public:
  virtual ~EvalTimeObserver() = default;
  virtual void OnEvalTime(uint64_t ns) = 0;
};

// Evaluates the rules for each event, with the state the updater keeps.
class Detector : public state::StatefulEventSink {
 public:
  Detector(RulesHandle* rules, state::StateExtractor* extractor, std::vector<AlertSink*> sinks,
           int64_t boot_time_ns);
  void OnStatefulEvent(const state::EventContext& ctx) override;
  // Times one evaluated event in kEvalSampleEvery: two clock reads on every
  // event would cost more than many rule sets do.
  static constexpr uint64_t kEvalSampleEvery = 64;
  void SetEvalTimeObserver(EvalTimeObserver* observer) { eval_time_ = observer; }

 private:
  EvalTimeObserver* eval_time_ = nullptr;
  uint64_t evaluated_ = 0;
  RulesHandle* rules_;
  state::StateExtractor* extractor_;
  std::vector<AlertSink*> sinks_;
  int64_t boot_time_ns_;
  state::EventTypeCodes codes_;
  std::vector<const rules::CompiledRule*> matches_;
};

struct PipelineOptions {
  int64_t boot_time_ns = 0;
  // Live: look unknown processes up in /proc and container metadata up in
  // the runtimes' storage. Replays turn both off so that they depend on the
  // capture file alone.
  bool live = true;
  std::string hostname;
};

// Owns the state, the extractor and the detector, wired together; the
// updater is the EventSink to feed.
class Pipeline {
 public:
  Pipeline(RulesHandle* rules, const capture::ProcSnapshot& snapshot, std::vector<AlertSink*> sinks,
           const PipelineOptions& options);
  EventSink* sink() { return &updater_; }
  Detector* detector() { return &detector_; }

 private:
  state::ProcessTable table_;
  state::UserDb users_;
  std::unique_ptr<state::ContainerRegistry> containers_;
  std::unique_ptr<state::ProcFsProcessSource> proc_source_;
  state::StateUpdater updater_;
  state::StateExtractor extractor_;
  Detector detector_;
};

// The host name alerts carry: FALCO_HOSTNAME if set, else gethostname().
std::string AlertHostname();

// Rules paths with each directory replaced by its regular files, sorted.
std::vector<std::string> ExpandRulesPaths(const std::vector<std::string>& paths);

// Loads rule files (or directories), or Saker's built-in rules when `files`
// is empty. The error names file:line:column.
absl::Status LoadRules(rules::Engine* engine, const std::vector<std::string>& files);

}  // namespace saker::daemon
