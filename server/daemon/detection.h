// The detection pipeline: events -> process state -> rules -> alerts.
//
//   EventSource (live Driver, or a capture file)
//     -> state::StateUpdater      (the process table, after each event)
//     -> Detector                 (rules indexed by evt.type)
//     -> AlertSink                (stdout today; gRPC and outputs later)
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/capture/proc_snapshot.h"
#include "server/rules/engine/engine.h"
#include "server/state/container_registry.h"
#include "server/state/extract/extractor.h"
#include "server/state/process_table.h"
#include "server/state/updater.h"
#include "server/state/users.h"

namespace saker::daemon {

// One alert, valid during the call only.
struct AlertView {
  const rules::CompiledRule* rule = nullptr;
  int64_t time_ns = 0;          // wall clock, ns
  absl::string_view formatted;  // the text line or Falco's JSON alert
};

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void OnAlert(const AlertView& alert) = 0;
};

// Writes each alert as one line.
class AlertPrinter : public AlertSink {
 public:
  explicit AlertPrinter(FILE* out) : out_(out) {}
  void OnAlert(const AlertView& alert) override;
  uint64_t alerts() const { return alerts_; }

 private:
  FILE* out_;
  uint64_t alerts_ = 0;
};

// Evaluates the rules for each event, with the state the updater keeps.
class Detector : public state::StatefulEventSink {
 public:
  Detector(rules::Engine* engine, state::StateExtractor* extractor, AlertSink* sink,
           int64_t boot_time_ns, bool json);
  void OnStatefulEvent(const state::EventContext& ctx) override;
  // Called before each event on the pipeline's thread (e.g. to reload the
  // rules when asked).
  void SetBeforeEvent(std::function<void()> hook) { before_event_ = std::move(hook); }

 private:
  std::function<void()> before_event_;
  rules::Engine* engine_;
  state::StateExtractor* extractor_;
  AlertSink* sink_;
  int64_t boot_time_ns_;
  bool json_;
  state::EventTypeCodes codes_;
  std::vector<const rules::CompiledRule*> matches_;
};

struct PipelineOptions {
  int64_t boot_time_ns = 0;
  bool json = false;
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
  Pipeline(rules::Engine* engine, const capture::ProcSnapshot& snapshot, AlertSink* sink,
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

// Loads rule files, or Saker's built-in rules when `files` is empty. The
// error names file:line:column.
absl::Status LoadRules(rules::Engine* engine, const std::vector<std::string>& files);

}  // namespace saker::daemon
