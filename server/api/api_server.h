#pragma once

// The gRPC API server: Falco's API (outputs sub/get, version, legacy
// output.subscribe), Saker v1 (alerts, events, status, rules), the standard
// health service and server reflection, on unix sockets and mutual-TLS TCP.
//
// Wiring (server/daemon):
//   saker::api::ApiServer api({.alert_history = 65536});
//   ApiServerOptions opts;
//   for each --grpc-bind: opts.listeners.push_back(*ParseBind(bind, cert, key, ca));
//   opts.rules = &rules_control;  ... (the injected seams, all optional)
//   if (auto st = api.Start(opts); !st.ok()) { print st; exit 1; }
//   pipeline: api.alerts().Publish(AlertInput{...});   // never blocks
//   driver:   api.events().Publish(EventInput{...});
//   on SIGTERM: api.Shutdown();   // every open stream ends with a status

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/api/api_context.h"
#include "server/api/hub.h"
#include "server/api/interfaces.h"
#include "server/api/tls_stage.h"
#include "server/api/unix_socket.h"

namespace grpc {
class Server;
class Service;
}  // namespace grpc

namespace saker::api {

inline constexpr char kDefaultSocket[] = "unix:///run/saker/saker.sock";
inline constexpr char kFalcoSocket[] = "unix:///run/falco/falco.sock";

struct Listener {
  // "unix:///path" or "host:port" (port 0 picks one; see ApiServer::ports()).
  std::string address;
  // TCP only, all required: PEM files for mutual TLS.
  std::string tls_cert;
  std::string tls_key;
  std::string tls_ca;
  // unix only: the socket's mode and group (name; empty keeps the default).
  uint32_t unix_mode = 0660;
  std::string unix_group;

  bool is_unix() const { return address.rfind("unix:", 0) == 0; }
};

// One `--grpc-bind` value with the `--tls-*` flags: a unix:// address must not
// carry them, a TCP address needs all three.
absl::StatusOr<Listener> ParseBind(std::string_view bind, std::string_view tls_cert = "",
                                   std::string_view tls_key = "", std::string_view tls_ca = "");

struct Keepalive {
  int time_ms = 30000;                      // ping an idle connection this often
  int timeout_ms = 10000;                   // drop it when a ping goes unanswered
  int min_client_ping_interval_ms = 10000;  // refuse clients pinging faster
  bool permit_without_calls = true;
};

struct ApiServerOptions {
  // Empty: the default unix socket, kDefaultSocket.
  std::vector<Listener> listeners;
  // Also serve Falco's default socket, kFalcoSocket.
  bool falco_socket = false;
  // Per-service allow-lists of client identities (certificate CN or SAN),
  // keyed by full service name ("saker.rules.v1.RuleService",
  // "falco.outputs.service", ...; AccessControlledServices(), others are an
  // error). A service not listed admits every client whose certificate
  // verified; the unix socket is governed by its mode.
  AllowList allow;
  // Caps on open streams (RESOURCE_EXHAUSTED past them). HTTP/2's max
  // concurrent streams per connection is limits.max_per_connection plus
  // kUnaryHeadroom, so a client at its cap still gets its unary calls and
  // the refusal through.
  SubscriberLimits limits;
  Keepalive keepalive;
  // Each mTLS listener serves private copies of its certificate files
  // (TlsStage), made under tls_stage_dir (empty: $TMPDIR or /tmp) and
  // re-read this often; ReloadCertificates() replaces them.
  unsigned tls_refresh_seconds = 1;
  std::string tls_stage_dir;
  int max_request_bytes = 64 * 1024;  // larger requests: RESOURCE_EXHAUSTED
  absl::Duration shutdown_grace = absl::Seconds(2);
  VersionInfo version;
  std::string hostname;  // empty: $FALCO_HOSTNAME, else gethostname()
  // Falco's grpc_output.enabled (see ApiContext::falco_outputs).
  bool falco_outputs = true;
  // Injected seams (may be null: the calls needing them say so).
  AlertFilterCompiler* alert_filter_compiler = nullptr;
  EventFilterCompiler* event_filter_compiler = nullptr;
  RulesControl* rules = nullptr;
  DriverStatusSource* driver = nullptr;
};

// HTTP/2 streams a connection may open beyond its subscriptions cap.
inline constexpr int kUnaryHeadroom = 16;

class ApiServer {
 public:
  struct HubOptions {
    size_t alert_history = 65536;  // the bounded history = every queue's bound
    size_t event_history = 65536;
  };
  explicit ApiServer(HubOptions hubs);
  ApiServer() : ApiServer(HubOptions{}) {}
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Publish here; valid for the ApiServer's life (before Start and after
  // Shutdown too).
  AlertHub& alerts() { return alerts_; }
  EventHub& events() { return events_; }

  // Binds every listener and starts serving. Errors name the cause (bad
  // certificate, address in use, ...). A unix socket path where a server
  // listens is refused (FAILED_PRECONDITION naming it) and left alone; only a
  // stale socket is replaced (unix_socket.h). Call once.
  absl::Status Start(const ApiServerOptions& options);
  // Ends every open stream with a status (Falco streams OK, v1 UNAVAILABLE),
  // waits up to shutdown_grace for them, cancels the rest, removes its
  // sockets (only those still its own). Idempotent.
  void Shutdown();

  // Re-reads every mTLS listener's certificate, key and CA files. All are
  // validated before any is replaced: on error (named file and cause) the
  // running certificates stay. New handshakes use the new files within
  // tls_refresh_seconds; open streams keep their connections.
  absl::Status ReloadCertificates();
  // Replaces the allow-lists (validated first; on error the running lists
  // stay). New calls are checked against the new lists; open streams stay.
  absl::Status ReplaceAllowList(AllowList allow) {
    return context_.access.Replace(std::move(allow));
  }

  // The bound port of each listener, in order (0 for unix sockets).
  const std::vector<int>& ports() const { return ports_; }
  size_t subscribers() const { return context_.registry.size(); }
  // Every open stream now, for metrics: kind, peer, identity, queue depth
  // (records between its cursor and the hub's newest), delivered and dropped
  // so far. Takes the registry's lock briefly; not for the event path.
  std::vector<SubscriberSnapshot> subscriber_stats() const { return context_.registry.List(); }
  // Streams refused so far for passing a SubscriberLimits cap.
  uint64_t rejected(Rejection r) const { return context_.registry.rejected(r); }

 private:
  AlertHub alerts_;
  EventHub events_;
  ApiContext context_;
  absl::Duration grace_;
  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::vector<std::unique_ptr<TlsStage>> tls_stages_;
  std::unique_ptr<grpc::Server> server_;
  std::vector<int> ports_;
  std::vector<SocketFile> socket_files_;
};

}  // namespace saker::api
