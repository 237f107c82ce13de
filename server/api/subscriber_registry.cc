#include "server/api/subscriber_registry.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace saker::api {
namespace {

void Release(std::unordered_map<std::string, size_t>* counts, const std::string& key) {
  if (key.empty()) {
    return;
  }
  auto it = counts->find(key);
  if (it != counts->end() && --it->second == 0) {
    counts->erase(it);
  }
}

size_t CountOf(const std::unordered_map<std::string, size_t>& counts, const std::string& key) {
  auto it = counts.find(key);
  return it == counts.end() ? 0 : it->second;
}

}  // namespace

const char* RejectionName(Rejection r) {
  switch (r) {
    case Rejection::kSubscribers:
      return "subscribers";
    case Rejection::kIdentity:
      return "identity";
    case Rejection::kConnection:
      return "connection";
  }
  return "unknown";
}

void SubscriberRegistry::SetLimits(const SubscriberLimits& limits) {
  std::lock_guard<std::mutex> l(mu_);
  limits_ = limits;
}

absl::StatusOr<uint64_t> SubscriberRegistry::Refuse(Rejection r, size_t limit, const char* what) {
  rejected_[static_cast<int>(r)].fetch_add(1, std::memory_order_relaxed);
  return absl::ResourceExhaustedError(
      absl::StrCat("too many streams: ", what, " (", limit, ") are open"));
}

absl::StatusOr<uint64_t> SubscriberRegistry::Add(Subscription* s, const std::string& peer,
                                                 const std::string& identity) {
  std::lock_guard<std::mutex> l(mu_);
  if (stopping_) {
    return absl::UnavailableError("the server is shutting down");
  }
  Entry e;
  e.connection = absl::StartsWith(peer, "unix:") ? "" : peer;
  e.identity = identity;
  if (subs_.size() >= limits_.max_subscribers) {
    return Refuse(Rejection::kSubscribers, limits_.max_subscribers,
                  "saker.api.max_subscribers streams of all clients");
  }
  if (!e.identity.empty() && CountOf(per_identity_, e.identity) >= limits_.max_per_identity) {
    return Refuse(Rejection::kIdentity, limits_.max_per_identity,
                  "saker.api.max_subscribers_per_identity streams of this client identity");
  }
  if (!e.connection.empty() &&
      CountOf(per_connection_, e.connection) >= limits_.max_per_connection) {
    return Refuse(Rejection::kConnection, limits_.max_per_connection,
                  "saker.api.max_streams_per_connection streams on this connection");
  }
  e.id = next_id_++;
  if (!e.connection.empty()) {
    per_connection_[e.connection]++;
  }
  if (!e.identity.empty()) {
    per_identity_[e.identity]++;
  }
  const uint64_t id = e.id;
  subs_.emplace(s, std::move(e));
  count_.store(subs_.size(), std::memory_order_relaxed);
  return id;
}

void SubscriberRegistry::Remove(Subscription* s) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = subs_.find(s);
  if (it != subs_.end()) {
    Release(&per_connection_, it->second.connection);
    Release(&per_identity_, it->second.identity);
    subs_.erase(it);
  }
  count_.store(subs_.size(), std::memory_order_relaxed);
  if (subs_.empty()) {
    empty_cv_.notify_all();
  }
}

bool SubscriberRegistry::WaitEmpty(std::chrono::system_clock::time_point deadline) {
  std::unique_lock<std::mutex> l(mu_);
  return empty_cv_.wait_until(l, deadline, [this] { return subs_.empty(); });
}

std::vector<SubscriberSnapshot> SubscriberRegistry::List() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<SubscriberSnapshot> out;
  out.reserve(subs_.size());
  for (const auto& [s, e] : subs_) {
    out.push_back(s->Snapshot());
    out.back().id = e.id;
  }
  return out;
}

void SubscriberRegistry::StopAll() {
  // Stop() only flags and pokes; streams finish on the hubs' dispatcher
  // threads or in their next OnWriteDone, then Remove() themselves in OnDone.
  std::lock_guard<std::mutex> l(mu_);
  stopping_ = true;
  for (const auto& [s, e] : subs_) {
    s->Stop();
  }
}

size_t SubscriberRegistry::size() const { return count_.load(std::memory_order_relaxed); }

}  // namespace saker::api
