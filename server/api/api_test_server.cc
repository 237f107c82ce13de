// A standalone API server publishing synthetic alerts and events, to test
// clients and the conformance suite before detection is wired:
//   bazel run //server/api:api_test_server -- --grpc-bind unix:///tmp/s.sock
//       --rate 100 [--grpc-bind 127.0.0.1:5060 --tls-cert F --tls-key F --tls-ca F]
// (one command line).
// The --tls-* flags apply to every TCP --grpc-bind. Stops on SIGINT/SIGTERM.

#include <csignal>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "server/api/api_server.h"
#include "server/api/synthetic_alerts.h"

ABSL_FLAG(std::vector<std::string>, grpc_bind, {},
          "unix:///PATH or HOST:PORT (comma-separated or repeated)");
ABSL_FLAG(std::string, tls_cert, "", "server certificate (PEM) for TCP binds");
ABSL_FLAG(std::string, tls_key, "", "server key (PEM)");
ABSL_FLAG(std::string, tls_ca, "", "CA (PEM) client certificates must chain to");
ABSL_FLAG(double, rate, 10, "synthetic alerts per second (0: none)");
ABSL_FLAG(double, event_rate, 0, "synthetic events per second");
ABSL_FLAG(uint64_t, history, 65536, "alert and event history size");
ABSL_FLAG(bool, falco_socket, false, "also serve unix:///run/falco/falco.sock");

namespace {
volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }
}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  saker::api::ApiServer server(
      {.alert_history = absl::GetFlag(FLAGS_history), .event_history = absl::GetFlag(FLAGS_history)});
  saker::api::ApiServerOptions options;
  options.falco_socket = absl::GetFlag(FLAGS_falco_socket);
  options.version.engine_fields_checksum = "synthetic";
  for (const std::string& bind : absl::GetFlag(FLAGS_grpc_bind)) {
    bool is_unix = bind.rfind("unix:", 0) == 0;
    auto l = is_unix ? saker::api::ParseBind(bind)
                     : saker::api::ParseBind(bind, absl::GetFlag(FLAGS_tls_cert),
                                             absl::GetFlag(FLAGS_tls_key), absl::GetFlag(FLAGS_tls_ca));
    if (!l.ok()) {
      fprintf(stderr, "api_test_server: %s\n", std::string(l.status().message()).c_str());
      return 2;
    }
    options.listeners.push_back(*l);
  }
  if (auto st = server.Start(options); !st.ok()) {
    fprintf(stderr, "api_test_server: %s\n", std::string(st.message()).c_str());
    return 1;
  }
  for (size_t i = 0; i < server.ports().size(); ++i) {
    if (server.ports()[i] != 0) {
      fprintf(stderr, "api_test_server: TCP port %d\n", server.ports()[i]);
    }
  }
  fprintf(stderr, "api_test_server: serving\n");
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);

  const double rate = absl::GetFlag(FLAGS_rate);
  const double event_rate = absl::GetFlag(FLAGS_event_rate);
  const absl::Time start = absl::Now();
  uint64_t alerts = 0, events = 0;
  while (!g_stop) {
    double elapsed = absl::ToDoubleSeconds(absl::Now() - start);
    while (alerts < static_cast<uint64_t>(elapsed * rate)) {
      saker::api::PublishSyntheticAlert(server.alerts(), alerts++);
    }
    while (events < static_cast<uint64_t>(elapsed * event_rate)) {
      saker::api::PublishSyntheticEvent(server.events(), events++);
    }
    absl::SleepFor(absl::Milliseconds(1));
  }
  server.Shutdown();
  fprintf(stderr, "api_test_server: stopped after %llu alerts\n",
          static_cast<unsigned long long>(alerts));
  return 0;
}
