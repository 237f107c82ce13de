// Opens many API streams that never read, and holds them: a hostile or stuck
// client, for the memory tests. Prints one line once every stream has settled
// (open, or ended by the server), then holds them until stdin closes:
//   open=N refused_resource_exhausted=N other=N
// Usage: stall_streams --target unix:///PATH|HOST:PORT [--cert F --key F --ca F]
//        --streams N --per_connection M [--kind events|alerts] [--max_batch B]
//        [--settle_seconds S]

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "saker/v1/alerts.grpc.pb.h"
#include "saker/v1/events.grpc.pb.h"

ABSL_FLAG(std::string, target, "", "unix:///PATH or HOST:PORT (mutual TLS)");
ABSL_FLAG(std::string, cert, "", "client certificate (TCP)");
ABSL_FLAG(std::string, key, "", "client key (TCP)");
ABSL_FLAG(std::string, ca, "", "CA (TCP)");
ABSL_FLAG(int, streams, 2000, "streams to open");
ABSL_FLAG(int, per_connection, 100, "streams per connection");
ABSL_FLAG(std::string, kind, "events", "events or alerts");
ABSL_FLAG(int, max_batch, 0, "SubscribeRequest.max_batch");
ABSL_FLAG(int, settle_seconds, 10, "wait this long for refusals before reporting");

namespace {

std::string Slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::shared_ptr<grpc::Channel> Connect() {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a connection of its own
  // No window growth: a stream the application does not read takes its
  // initial window and no more (with BDP probing, gRPC's transport keeps
  // widening the windows and buffers everything the server sends).
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  const std::string target = absl::GetFlag(FLAGS_target);
  if (target.rfind("unix:", 0) == 0) {
    return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  }
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = Slurp(absl::GetFlag(FLAGS_ca));
  ssl.pem_cert_chain = Slurp(absl::GetFlag(FLAGS_cert));
  ssl.pem_private_key = Slurp(absl::GetFlag(FLAGS_key));
  args.SetSslTargetNameOverride("localhost");
  return grpc::CreateCustomChannel(target, grpc::SslCredentials(ssl), args);
}

struct Tally {
  std::atomic<int> exhausted{0};
  std::atomic<int> other{0};
  std::atomic<int> done{0};
};

// A stream that never starts a read: the server's writes stop when HTTP/2
// flow control says the client holds enough.
template <class Response>
class Stalled : public grpc::ClientReadReactor<Response> {
 public:
  explicit Stalled(Tally* tally) : tally_(tally) {}
  grpc::ClientContext ctx;
  void OnDone(const grpc::Status& s) override {
    (s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED ? tally_->exhausted : tally_->other)
        .fetch_add(1);
    tally_->done.fetch_add(1);
    if (tally_->other.load() <= 3 && s.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) {
      std::fprintf(stderr, "stream ended: %d %s\n", s.error_code(), s.error_message().c_str());
    }
  }

 private:
  Tally* tally_;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int n = absl::GetFlag(FLAGS_streams);
  const int per = std::max(1, absl::GetFlag(FLAGS_per_connection));
  const bool events = absl::GetFlag(FLAGS_kind) == "events";
  Tally tally;
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<saker::events::v1::EventService::Stub>> estubs;
  std::vector<std::unique_ptr<saker::alerts::v1::AlertService::Stub>> astubs;
  std::vector<std::unique_ptr<Stalled<saker::events::v1::SubscribeResponse>>> es;
  std::vector<std::unique_ptr<Stalled<saker::alerts::v1::SubscribeResponse>>> as;
  saker::events::v1::SubscribeRequest ereq;
  ereq.set_max_batch(absl::GetFlag(FLAGS_max_batch));
  saker::alerts::v1::SubscribeRequest areq;
  areq.set_max_batch(absl::GetFlag(FLAGS_max_batch));
  for (int i = 0; i < n; ++i) {
    if (i % per == 0) {
      channels.push_back(Connect());
      estubs.push_back(saker::events::v1::EventService::NewStub(channels.back()));
      astubs.push_back(saker::alerts::v1::AlertService::NewStub(channels.back()));
    }
    if (events) {
      es.push_back(std::make_unique<Stalled<saker::events::v1::SubscribeResponse>>(&tally));
      estubs.back()->async()->Subscribe(&es.back()->ctx, &ereq, es.back().get());
      es.back()->StartCall();
    } else {
      as.push_back(std::make_unique<Stalled<saker::alerts::v1::SubscribeResponse>>(&tally));
      astubs.back()->async()->Subscribe(&as.back()->ctx, &areq, as.back().get());
      as.back()->StartCall();
    }
  }
  absl::SleepFor(absl::Seconds(absl::GetFlag(FLAGS_settle_seconds)));
  std::printf("open=%d refused_resource_exhausted=%d other=%d\n", n - tally.done.load(),
              tally.exhausted.load(), tally.other.load());
  std::fflush(stdout);
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  // Leaving: cancel everything and wait for the reactors to finish.
  for (auto& s : es) {
    s->ctx.TryCancel();
  }
  for (auto& s : as) {
    s->ctx.TryCancel();
  }
  for (int i = 0; i < 600 && tally.done.load() < n; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  return 0;
}
