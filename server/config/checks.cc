// Checks that span keys: a sub-key an enabled feature needs, TLS for TCP
// binds, ordered bounds. Each cites where the deciding key was set.
#include "absl/strings/match.h"
#include "server/config/walk.h"

namespace saker::config::internal {
namespace {

void Require(const Config& c, bool needed, const std::string& value, std::string_view key,
             std::string_view because, Diagnostics* diag) {
  if (needed && value.empty() && !diag->HasError(key)) {
    diag->Error(c.Where(because), key, absl::StrCat("required when ", AV(because), " is true"));
  }
}

// The ping timeout fits in the ping interval. The error cites the timeout
// where it was set, else the interval (a default timeout over a short
// interval).
void CheckKeepalive(const Config& c, Diagnostics* diag) {
  const uint64_t time = c.saker.api.keepalive_time_ms;
  const uint64_t timeout = c.saker.api.keepalive_timeout_ms;
  constexpr std::string_view kTime = "saker.api.keepalive_time_ms";
  constexpr std::string_view kTimeout = "saker.api.keepalive_timeout_ms";
  if (timeout <= time || diag->HasError(kTime) || diag->HasError(kTimeout)) {
    return;
  }
  if (c.Where(kTimeout) != "default") {
    diag->Error(
        c.Where(kTimeout), kTimeout,
        absl::StrCat("expected at most ", AV(kTime), " (", time, "), got \"", timeout, "\""));
  } else {
    diag->Error(
        c.Where(kTime), kTime,
        absl::StrCat("expected at least ", AV(kTimeout), " (", timeout, "), got \"", time, "\""));
  }
}

void CheckApi(const Config& c, Diagnostics* diag) {
  const ApiTls& tls = c.saker.api.tls;
  const bool has_tls = !tls.cert.empty() && !tls.key.empty() && !tls.ca.empty();
  const bool partial_tls = !tls.cert.empty() || !tls.key.empty() || !tls.ca.empty();
  if (partial_tls && !has_tls) {
    std::string_view missing = tls.cert.empty()  ? "saker.api.tls.cert"
                               : tls.key.empty() ? "saker.api.tls.key"
                                                 : "saker.api.tls.ca";
    diag->Error(c.Where("saker.api.tls"), missing,
                "required: a TCP bind needs all of cert, key and ca (mutual TLS)");
  }
  auto check_bind = [&](const std::string& bind, const std::string& key) {
    if (!absl::StartsWith(bind, "unix://") && !has_tls && !partial_tls) {
      diag->Error(c.Where(key), key,
                  absl::StrCat("TCP address \"", bind,
                               "\" requires saker.api.tls.cert, key and ca (mutual TLS; "
                               "there is no plaintext TCP)"));
    }
  };
  if (c.saker.api.enabled) {
    for (size_t i = 0; i < c.saker.api.binds.size(); ++i) {
      check_bind(c.saker.api.binds[i], absl::StrCat("saker.api.binds[", i, "]"));
    }
  }
  if (c.grpc.enabled) {
    check_bind(c.grpc.bind_address, "grpc.bind_address");
  }
  CheckKeepalive(c, diag);
}

}  // namespace

void CheckConfig(const Config& c, Diagnostics* diag) {
  Require(c, c.file_output.enabled, c.file_output.filename, "file_output.filename",
          "file_output.enabled", diag);
  Require(c, c.http_output.enabled, c.http_output.url, "http_output.url", "http_output.enabled",
          diag);
  Require(c, c.http_output.enabled && c.http_output.mtls, c.http_output.client_cert,
          "http_output.client_cert", "http_output.mtls", diag);
  Require(c, c.http_output.enabled && c.http_output.mtls, c.http_output.client_key,
          "http_output.client_key", "http_output.mtls", diag);
  Require(c, c.webserver.enabled && c.webserver.ssl_enabled, c.webserver.ssl_certificate,
          "webserver.ssl_certificate", "webserver.ssl_enabled", diag);
  CheckApi(c, diag);
  const SakerHttpOutput& h = c.saker.http_output;
  if (h.retry_backoff_max_ms < h.retry_backoff_ms) {
    diag->Error(c.Where("saker.http_output.retry_backoff_max_ms"),
                "saker.http_output.retry_backoff_max_ms",
                absl::StrCat("expected at least saker.http_output.retry_backoff_ms (",
                             h.retry_backoff_ms, "), got \"", h.retry_backoff_max_ms, "\""));
  }
  if (c.webserver.enabled &&
      c.webserver.k8s_healthz_endpoint == c.saker.webserver.readyz_endpoint) {
    diag->Error(c.Where("saker.webserver.readyz_endpoint"), "saker.webserver.readyz_endpoint",
                "expected a path other than webserver.k8s_healthz_endpoint");
  }
}

}  // namespace saker::config::internal
