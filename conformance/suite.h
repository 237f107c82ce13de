#pragma once

// The conformance suite's framework: options, the per-case context (channels,
// deadline, the --trigger command), outcomes, and a stream reader that
// collects messages on its own thread. Cases live in *_cases.cc; runner.cc
// runs them and prints the report.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace saker::conformance {

struct Options {
  std::string address;  // unix:///PATH or HOST:PORT
  std::string cert, key, ca;  // the allowed client (TCP)
  std::string server_name;    // TLS name to verify; default: the address's host
  std::string expired_cert, expired_key;
  std::string other_ca_cert, other_ca_key;
  std::string trigger;  // shell command provoking an alert
  std::string junit;    // JUnit XML output file
  std::vector<std::string> only;
  absl::Duration timeout = absl::Seconds(10);
  bool verbose = false;
  bool list = false;
};

enum class Verdict { kPass, kFail, kSkip };

struct Outcome {
  Verdict verdict = Verdict::kPass;
  std::string reason;  // FAIL/SKIP: one line
};

inline Outcome Pass() { return {Verdict::kPass, ""}; }
inline Outcome Fail(std::string why) { return {Verdict::kFail, std::move(why)}; }
inline Outcome Skip(std::string why) { return {Verdict::kSkip, std::move(why)}; }

// Runs the --trigger command now and then every `every` until destroyed; a run
// still going when the Provoker dies is killed (its whole process group).
class Provoker {
 public:
  Provoker(std::string command, absl::Duration every);
  ~Provoker();
  Provoker(const Provoker&) = delete;
  Provoker& operator=(const Provoker&) = delete;

 private:
  void Loop();
  std::string command_;
  absl::Duration every_;
  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

// What one case sees: the server's address and credentials, its deadline,
// and a place for details (shown with --verbose and in the JUnit output).
class Context {
 public:
  Context(const Options& options, absl::Time deadline) : options_(options), deadline_(deadline) {}

  const Options& options() const { return options_; }
  bool is_unix() const { return options_.address.rfind("unix:", 0) == 0; }
  absl::Time deadline() const { return deadline_; }
  bool expired() const { return absl::Now() >= deadline_; }
  // Sets the call's deadline to the case's (plus a little, so that stream
  // reads end even if nobody cancels them).
  void Bound(grpc::ClientContext* ctx) const;

  // A new connection with the configured credentials.
  std::shared_ptr<grpc::Channel> Channel() const;
  // A new TLS connection presenting `cert`/`key` ("" for none), verifying the
  // server with --ca.
  std::shared_ptr<grpc::Channel> TlsChannel(const std::string& cert, const std::string& key) const;
  // A new plaintext connection (refused by a TCP server).
  std::shared_ptr<grpc::Channel> PlaintextChannel() const;

  // Starts provoking alerts with --trigger (nothing without one).
  std::unique_ptr<Provoker> Provoke() const;
  bool has_trigger() const { return !options_.trigger.empty(); }
  // The outcome when no alert (or event) came in time: SKIP without
  // --trigger (the server may simply have nothing to report), FAIL with one.
  Outcome NoAlerts(const std::string& what = "alert") const;

  void Note(const std::string& line);
  std::string details() const;

 private:
  const Options& options_;
  absl::Time deadline_;
  mutable absl::Mutex mu_;
  std::string details_ ABSL_GUARDED_BY(mu_);
};

struct Case {
  std::string name;         // dotted, e.g. "falco.version"
  std::string description;  // one line, for --list
  std::function<Outcome(Context&)> run;
};

void AddFalcoCases(std::vector<Case>* cases);
void AddV1Cases(std::vector<Case>* cases);
void AddServiceCases(std::vector<Case>* cases);

std::string StatusText(const grpc::Status& st);

// A server-streaming call read on its own thread: every message with its
// receipt time. Construct with the call's context and reader, Start() to
// begin reading (a stalled reader simply starts late), Stop() to cancel.
template <typename Resp, typename Reader>
class Stream {
 public:
  struct Item {
    absl::Time at;
    Resp msg;
  };

  // `keep` holds what the call needs alive (its stub and channel).
  Stream(std::shared_ptr<void> keep, std::unique_ptr<grpc::ClientContext> ctx,
         std::unique_ptr<Reader> reader)
      : keep_(std::move(keep)), ctx_(std::move(ctx)), reader_(std::move(reader)) {}
  ~Stream() { Stop(); }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  Reader* reader() { return reader_.get(); }

  void Start() {
    started_ = true;
    thread_ = std::thread([this] {
      Resp r;
      while (reader_->Read(&r)) {
        absl::MutexLock l(&mu_);
        items_.push_back({absl::Now(), r});
      }
      grpc::Status st = reader_->Finish();
      absl::MutexLock l(&mu_);
      status_ = st;
      ended_ = true;
      ended_by_server_ = !cancelled_;
    });
  }

  // Polls `pred` over the items until it holds, the stream ends or deadline.
  bool WaitFor(const std::function<bool(const std::vector<Item>&)>& pred, absl::Time deadline) {
    while (true) {
      {
        absl::MutexLock l(&mu_);
        if (pred(items_)) {
          return true;
        }
        if (ended_) {
          return false;
        }
      }
      if (absl::Now() >= deadline) {
        return false;
      }
      absl::SleepFor(absl::Milliseconds(5));
    }
  }
  bool WaitForCount(size_t n, absl::Time deadline) {
    return WaitFor([n](const std::vector<Item>& v) { return v.size() >= n; }, deadline);
  }

  std::vector<Item> Items() {
    absl::MutexLock l(&mu_);
    return items_;
  }
  size_t size() {
    absl::MutexLock l(&mu_);
    return items_.size();
  }
  // True when the server ended the call (rather than our Stop()).
  bool ended_by_server() {
    absl::MutexLock l(&mu_);
    return ended_ && ended_by_server_;
  }
  grpc::Status status() {
    absl::MutexLock l(&mu_);
    return status_;
  }

  // Cancels the call (if still open) and joins the reader.
  void Stop() {
    {
      absl::MutexLock l(&mu_);
      if (!ended_) {
        cancelled_ = true;
      }
    }
    ctx_->TryCancel();
    if (started_) {
      if (thread_.joinable()) {
        thread_.join();
      }
    } else if (!finished_unstarted_) {
      finished_unstarted_ = true;
      Resp r;
      while (reader_->Read(&r)) {
      }
      reader_->Finish();
    }
  }

 private:
  std::shared_ptr<void> keep_;
  std::unique_ptr<grpc::ClientContext> ctx_;
  std::unique_ptr<Reader> reader_;
  std::thread thread_;
  bool started_ = false;
  bool finished_unstarted_ = false;
  absl::Mutex mu_;
  std::vector<Item> items_ ABSL_GUARDED_BY(mu_);
  grpc::Status status_ ABSL_GUARDED_BY(mu_);
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  bool ended_by_server_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
};

// A sequence-numbered v1 message (alert or event) or gap notice, for the
// checks both streams share.
struct Sequenced {
  bool gap = false;
  uint64_t sequence = 0;  // alerts/events
  uint64_t from = 0, to = 0, count = 0;  // gaps
  int reason = 0;
};

// Checks a v1 stream: sequences strictly increase, gap notices are well
// formed (count == to - from + 1) and lie between their neighbours. With
// `contiguous` (an unfiltered stream) each item must follow the previous one
// exactly (+1, or right after a gap). Returns an error, or nullopt.
std::optional<std::string> CheckSequences(const std::vector<Sequenced>& items, bool contiguous);

}  // namespace saker::conformance
