#pragma once

// The embedded HTTP/1.1 server behind Falco's `webserver` keys: health and
// readiness probes, Prometheus metrics, versions. Plain sockets or TLS
// (OpenSSL), event-driven: `threadiness` epoll loops share the listening
// socket and serve every connection without blocking, so idle or slow clients
// never hold up a probe; one request per connection (Connection: close).
//
//   GET /metrics         the Registry's text (prometheus_metrics_enabled)
//   GET /healthz         200 {"status":"ok"} while liveness() is OK, else 503
//   GET /readyz          200 {"status":"ready"} once readiness() is OK, else 503
//   GET /versions        200, the versions as one JSON object
//   other paths 404; methods other than GET and HEAD 405; a request head
//   over max_request_bytes 431; one not complete within header_timeout, or
//   silent for idle_timeout, 408. At max_connections a new connection sheds
//   the oldest open one.
//
// Wiring (server/daemon):
//   observe::WebServer web(options, {.metrics = &registry,
//                                    .readiness = [&] { return ready_status(); },
//                                    .versions = {{"version", "0.1.0"}}});
//   if (auto st = web.Start(); !st.ok()) { log st; exit 1; }
//   ... web.Stop();

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/observe/event_loop.h"
#include "server/observe/http.h"
#include "server/observe/metrics.h"

typedef struct ssl_ctx_st SSL_CTX;

namespace saker::observe {

// Falco's `webserver` keys and their defaults, plus the request limits.
struct WebServerOptions {
  bool enabled = true;
  // An IPv4 or IPv6 address or a host name.
  std::string listen_address = "0.0.0.0";
  int listen_port = 8765;  // 0: the kernel picks one (see WebServer::port())
  // Event loops (threads), each serving any number of connections; 0: 2.
  int threadiness = 0;
  bool ssl_enabled = false;
  // ONE PEM file holding the private key and the certificate chain.
  std::string ssl_certificate = "/etc/falco/falco.pem";
  std::string k8s_healthz_endpoint = "/healthz";
  std::string readiness_endpoint = "/readyz";
  std::string versions_endpoint = "/versions";
  bool prometheus_metrics_enabled = false;
  std::string metrics_endpoint = "/metrics";
  size_t max_request_bytes = 8192;  // the request head
  // From accept to the end of the request head, TLS handshake included; the
  // response then gets as long again.
  absl::Duration header_timeout = absl::Seconds(5);
  // The longest silence (no byte either way) before the response is sent;
  // over TLS the handshake, counted from accept, must finish within it too.
  absl::Duration idle_timeout = absl::Seconds(2);
  // Open connections, all loops together; at the bound a new connection
  // closes the oldest one.
  size_t max_connections = 256;
};

// What the daemon provides. Callbacks run on the event loops, concurrently;
// they must be quick (they hold up the other connections of their loop).
struct WebServerHooks {
  const metrics::Registry* metrics = nullptr;   // null: /metrics is 404
  std::function<absl::Status()> liveness;       // null: always live
  std::function<absl::Status()> readiness;      // null: always ready
  std::map<std::string, std::string> versions;  // /versions, e.g. {"version": "0.1.0"}
};

inline constexpr char kMetricsContentType[] = "text/plain; version=0.0.4; charset=utf-8";

class WebServer {
 public:
  WebServer(WebServerOptions options, WebServerHooks hooks);
  ~WebServer();  // Stop()
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // Loads the certificate (TLS), binds and starts serving. Errors name the
  // cause: "address in use", the certificate file and what is wrong with it.
  // Call once. With `enabled` false it does nothing (port() stays 0).
  absl::Status Start();
  // Prompt: in-flight requests are abandoned; idempotent.
  void Stop();
  // The bound port (after Start).
  int port() const { return port_; }
  // Connection counts; Write() them from a metrics collector.
  const ConnectionStats& stats() const { return stats_; }

 private:
  absl::Status Listen();
  absl::Status StartLoops();
  std::string Handle(const http::Request& req);

  const WebServerOptions options_;
  const WebServerHooks hooks_;
  SSL_CTX* tls_ = nullptr;
  int listen_fd_ = -1;
  int stop_fd_ = -1;  // an eventfd, readable once stopping
  int port_ = 0;
  std::mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  ConnectionStats stats_;
  std::vector<std::unique_ptr<EventLoop>> loops_;
  std::vector<std::thread> threads_;
};

// Loads Falco's ssl_certificate: one PEM file with the private key and the
// certificate chain. Errors name the file.
absl::Status LoadServerPem(SSL_CTX* ctx, const std::string& path);

}  // namespace saker::observe
