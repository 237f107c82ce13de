// Flags shared by the examples: --address, and --ca/--cert/--key for mTLS.
#pragma once

#include "absl/status/statusor.h"
#include "clients/cpp/client.h"

namespace saker::examples {

// A client from the flags: a unix socket by default ($SAKER_ADDRESS or
// unix:///run/saker/saker.sock); HOST:PORT with --ca, --cert and --key.
absl::StatusOr<std::unique_ptr<client::Client>> ConnectFromFlags(bool require_tls = false);

// Prints one line per alert: time, priority, rule, output.
void PrintAlert(const client::Alert& a);
// Prints a gap notice on stderr: loss is never silent.
void PrintGap(const client::Gap& g);

}  // namespace saker::examples
