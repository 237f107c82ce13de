// Connection flags shared by every command, and a connection that explains
// its failures: sakerd not running (and how to start it), permission denied
// on the socket (its mode and group), a certificate refused or unusable.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clients/cli/args.h"
#include "clients/cpp/client.h"

namespace saker::cli {

inline constexpr char kDefaultSocket[] = "/run/saker/saker.sock";

// --socket, --address, --cert, --key, --ca, --server-name, --timeout.
const std::vector<FlagSpec>& ConnectionFlagSpecs();

// Where to connect, after flags and environment.
struct Target {
  std::string socket;   // a unix socket path, or
  std::string address;  // HOST:PORT (mutual TLS)
  std::string cert, key, ca, server_name;
  absl::Duration timeout = absl::Seconds(10);

  bool is_unix() const { return !socket.empty(); }
  // "unix:///run/saker/saker.sock" or "HOST:PORT".
  std::string Describe() const;
};

// Reads a function for the environment so tests can pass their own.
using Getenv = std::function<std::optional<std::string>(const char* name)>;
std::optional<std::string> RealGetenv(const char* name);

// Flags win over the environment: --socket/--address, else $SAKER_SOCKET,
// else $SAKER_ADDRESS (unix:///PATH or HOST:PORT), else /run/saker/saker.sock.
// --cert/--key/--ca fall back to $SAKER_CERT/$SAKER_KEY/$SAKER_CA.
// InvalidArgument (a usage error) for contradictory or incomplete flags.
absl::StatusOr<Target> ResolveTarget(const Args& args, const Getenv& getenv = RealGetenv);

// Why a unix socket cannot be reached, from a real connect(2): a message
// naming the socket and the fix, or OK when something listens there.
absl::Status DiagnoseSocket(const std::string& path);
// Why a TCP address cannot be reached: nothing listens (a message), or OK.
absl::Status DiagnoseTcp(const std::string& address);
// Checks the client certificate and key locally: readable PEM, the key
// matches the certificate, not expired, not yet valid.
absl::Status CheckClientCertificate(const Target& t);

// Creates the client and waits until it is connected (within t.timeout),
// explaining a failure as above.
absl::StatusOr<std::unique_ptr<client::Client>> Connect(const Target& t);
// Explains a failed call or stream (UNAVAILABLE: why the server is unreachable).
absl::Status Explain(const Target& t, const absl::Status& s);

}  // namespace saker::cli
