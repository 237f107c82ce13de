#include "examples/cpp/connect.h"

#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"

ABSL_FLAG(std::string, address, "",
          "unix:///PATH or HOST:PORT (mTLS); default $SAKER_ADDRESS or unix:///run/saker/saker.sock");
ABSL_FLAG(std::string, ca, "", "CA certificate (PEM file) for mTLS");
ABSL_FLAG(std::string, cert, "", "client certificate (PEM file) for mTLS");
ABSL_FLAG(std::string, key, "", "client key (PEM file) for mTLS");

namespace saker::examples {

absl::StatusOr<std::unique_ptr<client::Client>> ConnectFromFlags(bool require_tls) {
  client::ClientOptions o;
  o.address = absl::GetFlag(FLAGS_address);
  const std::string ca = absl::GetFlag(FLAGS_ca);
  if (!ca.empty() || require_tls) {
    if (ca.empty() || absl::GetFlag(FLAGS_cert).empty() || absl::GetFlag(FLAGS_key).empty()) {
      return absl::InvalidArgumentError("mTLS needs --ca, --cert and --key");
    }
    o.tls = client::TlsOptions{ca, absl::GetFlag(FLAGS_cert), absl::GetFlag(FLAGS_key)};
  }
  return client::Client::Create(o);
}

void PrintAlert(const client::Alert& a) {
  std::printf("%s %s [%s] %s\n",
              absl::FormatTime("%H:%M:%E3S", a.time, absl::LocalTimeZone()).c_str(),
              std::string(client::PriorityName(a.priority)).c_str(), a.rule.c_str(),
              a.output.c_str());
  std::fflush(stdout);
}

void PrintGap(const client::Gap& g) {
  std::fprintf(stderr, "gap: %llu alerts lost (%llu..%llu, %s)\n",
               static_cast<unsigned long long>(g.count),
               static_cast<unsigned long long>(g.from_sequence),
               static_cast<unsigned long long>(g.to_sequence),
               std::string(client::GapReasonName(g.reason)).c_str());
}

}  // namespace saker::examples
