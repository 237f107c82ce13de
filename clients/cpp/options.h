// How a Client connects: a unix socket, or TCP with mutual TLS.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "clients/cpp/types.h"

namespace saker::client {

// sakerd's default socket.
inline constexpr char kDefaultAddress[] = "unix:///run/saker/saker.sock";
// The environment variable that overrides the default address.
inline constexpr char kAddressEnv[] = "SAKER_ADDRESS";

// Mutual TLS. Each of CA, certificate and key comes from a file path or from
// PEM text (the PEM wins when both are set).
struct TlsOptions {
  std::string ca_path, cert_path, key_path;
  std::string ca_pem, cert_pem, key_pem;
  // The name to verify in the server certificate, when it is not the
  // address's host (e.g. "localhost").
  std::string server_name;
};

// Reconnection of subscriptions: exponential backoff with jitter.
struct ReconnectPolicy {
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
  double multiplier = 2.0;
  // Consecutive failed attempts before the subscription ends with the last
  // error; 0 retries forever. An attempt that received anything resets it.
  int max_attempts = 0;
};

struct ClientOptions {
  // "unix:///PATH" (plaintext, local) or "HOST:PORT" (requires tls). Empty:
  // $SAKER_ADDRESS, else kDefaultAddress.
  std::string address;
  std::optional<TlsOptions> tls;
  ReconnectPolicy reconnect;
  // Deadline of the unary calls (Version, GetStatus, ListRules, ReloadRules).
  absl::Duration call_timeout = absl::Seconds(10);
};

// Which alerts a subscription receives; every filter that is set must pass.
struct AlertFilter {
  Priority min_priority = Priority::kUnspecified;  // this or more severe
  std::vector<std::string> rules;                  // exact rule names
  std::vector<std::string> tags;                   // any of these tags
  std::vector<std::string> sources;                // e.g. "syscall"
  // A rules-language condition over the alert's fields, compiled on the
  // server: "proc.name = nginx and fd.sport = 443".
  std::string condition;
};

// Where a stream starts. The default is live items only.
struct StartAt {
  std::optional<uint64_t> from_sequence;  // this sequence number on
  bool from_oldest = false;               // the oldest item the history holds
};

struct AlertSubscribeOptions {
  AlertFilter filter;
  // Alert fields to fill ("rule", "output", "output_fields", ...); empty: all.
  std::vector<std::string> alert_fields;
  // Keys of output_fields to keep; empty: all.
  std::vector<std::string> output_fields;
  StartAt start;
  // Alerts per stream message when behind (0 or 1: one by one).
  uint32_t max_batch = 0;
  // Items buffered for Next() before the reader stops reading and the
  // server's per-subscriber queue takes over (and reports gaps).
  size_t buffer = 256;
};

struct EventSubscribeOptions {
  std::vector<std::string> types;  // evt.type names; empty: all
  // "evt.type in (execve, connect) and proc.name != sshd"
  std::string condition;
  StartAt start;
  uint32_t max_batch = 0;
  size_t buffer = 256;
};

}  // namespace saker::client
