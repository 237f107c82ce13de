// saker::client::Client: the Saker v1 API (alerts, events, status, rules)
// and Falco's API (version, outputs) over one channel.
//
//   auto client = saker::client::Client::Create({});  // $SAKER_ADDRESS or the default socket
//   if (!client.ok()) { ... }
//   saker::client::AlertSubscribeOptions opts;
//   opts.filter.min_priority = saker::client::Priority::kWarning;
//   auto sub = (*client)->SubscribeAlerts(opts);
//   for (;;) {
//     auto item = sub->Next();
//     if (auto* a = std::get_if<saker::client::Alert>(&item)) { ... }
//     else if (auto* g = std::get_if<saker::client::Gap>(&item)) { ... lost g->count }
//     else break;  // End
//   }
#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/cpp/options.h"
#include "clients/cpp/subscription.h"
#include "clients/cpp/types.h"
#include "grpcpp/channel.h"

namespace saker::client {

class Client {
 public:
  // Builds the channel (connection is lazy: the first call connects). Fails
  // on a bad address or unreadable certificate files.
  static absl::StatusOr<std::unique_ptr<Client>> Create(ClientOptions options);

  // The address connected to, after defaults.
  const std::string& address() const { return options_.address; }
  // The channel, for the generated stubs, e.g. Falco's API on an old Falco:
  //   #include "outputs.grpc.pb.h"
  //   auto stub = falco::outputs::service::NewStub(client->channel());
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }

  // Waits until the channel is connected (e.g. to fail fast on a refused
  // certificate); UNAVAILABLE or DEADLINE_EXCEEDED otherwise.
  absl::Status WaitForConnected(absl::Duration timeout) const;

  absl::StatusOr<Version> GetVersion() const;  // falco.version.service
  absl::StatusOr<Status> GetStatus() const;
  absl::StatusOr<std::vector<Rule>> ListRules() const;
  // Reloads the server's rule files; a bad file fails with its errors and
  // the running rules stay.
  absl::StatusOr<ReloadResult> ReloadRules() const;

  // Alert streams: pull with Next(), or pushed to `callback` on the
  // subscription's thread (a slow callback makes the server report gaps).
  std::unique_ptr<AlertSubscription> SubscribeAlerts(const AlertSubscribeOptions& options) const;
  std::unique_ptr<AlertSubscription> SubscribeAlerts(const AlertSubscribeOptions& options,
                                                     AlertSubscription::Callback callback) const;
  std::unique_ptr<EventSubscription> SubscribeEvents(const EventSubscribeOptions& options) const;
  std::unique_ptr<EventSubscription> SubscribeEvents(const EventSubscribeOptions& options,
                                                     EventSubscription::Callback callback) const;

 private:
  Client(ClientOptions options, std::shared_ptr<grpc::Channel> channel);
  std::unique_ptr<AlertSubscription> Alerts(const AlertSubscribeOptions& options,
                                            AlertSubscription::Callback callback) const;
  std::unique_ptr<EventSubscription> Events(const EventSubscribeOptions& options,
                                            EventSubscription::Callback callback) const;

  ClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace saker::client
