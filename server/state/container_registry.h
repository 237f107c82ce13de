// A cache of container metadata by short id, filled off the event path: a
// miss schedules a lookup on a worker thread and answers "not yet" at once,
// so the event path never blocks on a container runtime. In synchronous
// mode (tests, deterministic replays) a miss looks up in place.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/state/container_metadata.h"

namespace saker::state {

struct ContainerRegistryOptions {
  bool synchronous = false;
  // A failed lookup is retried after this long (on a later miss).
  absl::Duration retry_interval = absl::Seconds(5);
};

class ContainerRegistry {
 public:
  // `source` may be null: no metadata, ever (ids only).
  explicit ContainerRegistry(std::unique_ptr<ContainerMetadataSource> source,
                             ContainerRegistryOptions options = {});
  ~ContainerRegistry();
  ContainerRegistry(const ContainerRegistry&) = delete;
  ContainerRegistry& operator=(const ContainerRegistry&) = delete;

  // The metadata of container `id` (12 hex digits), or null while unknown
  // (the lookup is then scheduled, or retried after retry_interval).
  std::shared_ptr<const ContainerInfo> Find(absl::string_view id, ContainerRuntime runtime);

  // Blocks until no lookup is queued or running (tests).
  void WaitIdle();

 private:
  struct Entry {
    std::shared_ptr<const ContainerInfo> info;
    ContainerRuntime runtime = ContainerRuntime::kNone;
    bool queued = false;
    absl::Time last_attempt = absl::InfinitePast();
  };

  void Resolve(const std::string& id);
  void WorkerLoop();

  std::unique_ptr<ContainerMetadataSource> source_;
  ContainerRegistryOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  absl::flat_hash_map<std::string, Entry> entries_;  // guarded by mu_
  std::deque<std::string> queue_;                    // guarded by mu_
  int busy_ = 0;                                     // guarded by mu_
  bool stop_ = false;                                // guarded by mu_
  std::thread worker_;
};

}  // namespace saker::state
