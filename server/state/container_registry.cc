#include "server/state/container_registry.h"

namespace saker::state {

ContainerRegistry::ContainerRegistry(std::unique_ptr<ContainerMetadataSource> source,
                                     ContainerRegistryOptions options)
    : source_(std::move(source)), options_(options) {
  if (source_ != nullptr && !options_.synchronous) {
    worker_ = std::thread([this] { WorkerLoop(); });
  }
}

ContainerRegistry::~ContainerRegistry() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) {
    worker_.join();
  }
}

std::shared_ptr<const ContainerInfo> ContainerRegistry::Find(absl::string_view id,
                                                             ContainerRuntime runtime) {
  if (source_ == nullptr || id.empty()) {
    return nullptr;
  }
  std::string key;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(id);
    if (it == entries_.end()) {
      it = entries_.emplace(std::string(id), Entry()).first;
      it->second.runtime = runtime;
    }
    Entry& e = it->second;
    if (e.info != nullptr || e.queued) {
      return e.info;
    }
    absl::Time now = absl::Now();
    if (now - e.last_attempt < options_.retry_interval) {
      return nullptr;
    }
    e.last_attempt = now;
    e.queued = true;
    key = it->first;
    if (!options_.synchronous) {
      queue_.push_back(key);
      cv_.notify_one();
      return nullptr;
    }
  }
  Resolve(key);
  std::lock_guard<std::mutex> lock(mu_);
  return entries_[key].info;
}

void ContainerRegistry::Resolve(const std::string& id) {
  ContainerRuntime runtime;
  {
    std::lock_guard<std::mutex> lock(mu_);
    runtime = entries_[id].runtime;
  }
  absl::StatusOr<ContainerInfo> info = source_->Lookup(runtime, id);
  std::shared_ptr<const ContainerInfo> shared;
  if (info.ok()) {
    shared = std::make_shared<const ContainerInfo>(*std::move(info));
  }
  std::lock_guard<std::mutex> lock(mu_);
  Entry& e = entries_[id];
  e.queued = false;
  e.info = std::move(shared);
}

void ContainerRegistry::WorkerLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (stop_) {
      return;
    }
    std::string id = std::move(queue_.front());
    queue_.pop_front();
    ++busy_;
    lock.unlock();
    Resolve(id);
    lock.lock();
    --busy_;
    cv_.notify_all();
  }
}

void ContainerRegistry::WaitIdle() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return stop_ || (queue_.empty() && busy_ == 0); });
}

}  // namespace saker::state
