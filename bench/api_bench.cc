// API throughput and memory, client and server in one process over real
// sockets (so on a 2-core machine they share the CPUs):
//   bazel run -c opt //bench:api_bench -- [--seconds 3]
// Prints: alerts/s delivered to one subscriber over the unix socket and over
// mutual-TLS TCP; the aggregate deliveries/s with 100 subscribers; the RSS
// growth with 100 stalled subscribers while 1M alerts are published.
// Needs testdata/certs/make_certs.sh (run from the workspace or runfiles).

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "saker/v1/alerts.grpc.pb.h"
#include "server/api/api_server.h"
#include "server/api/synthetic_alerts.h"

ABSL_FLAG(double, seconds, 3, "duration of each throughput phase");

namespace {
namespace av1 = saker::alerts::v1;
using saker::api::ApiServer;

std::string Read(const std::string& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

long RssKb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::atol(line.c_str() + 6);
    }
  }
  return 0;
}

class Reader : public grpc::ClientReadReactor<av1::SubscribeResponse> {
 public:
  explicit Reader(bool stalled = false) : stalled_(stalled) {}
  void Go(av1::AlertService::Stub* stub) {
    stub->async()->Subscribe(&ctx, &req_, this);
    StartRead(&resp_);
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (!ok) {
      return;
    }
    if (resp_.has_gap()) {
      lost += resp_.gap().count();
    } else {
      got++;
    }
    if (!stalled_) {
      StartRead(&resp_);
    }
  }
  void OnDone(const grpc::Status&) override { done = true; }
  grpc::ClientContext ctx;
  std::atomic<uint64_t> got{0}, lost{0};
  std::atomic<bool> done{false};

 private:
  bool stalled_;
  av1::SubscribeRequest req_;
  av1::SubscribeResponse resp_;
};

// Publishes as fast as the slowest subscriber takes them: it stays at most
// half the history ahead, so the figure is the sustained delivery rate
// without loss.
struct Publisher {
  Publisher(ApiServer& s, const std::vector<std::unique_ptr<Reader>>& readers)
      : t([this, &s, &readers] {
          const uint64_t window = s.alerts().capacity() / 2;
          uint64_t base = s.alerts().next() - 1;
          for (uint64_t i = 0; !stop; ++i) {
            if ((i & 255) == 0) {
              for (;;) {
                uint64_t slowest = UINT64_MAX;
                for (auto& r : readers) {
                  slowest = std::min<uint64_t>(slowest, r->got + r->lost);
                }
                if (stop || i - std::min(i, slowest) < window) {
                  break;
                }
                std::this_thread::yield();
              }
            }
            saker::api::PublishSyntheticAlert(s.alerts(), base + i);
            published++;
          }
        }) {}
  ~Publisher() {
    stop = true;
    t.join();
  }
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> published{0};
  std::thread t;
};

void Throughput(const char* label, ApiServer& server, std::shared_ptr<grpc::Channel> ch,
                int subscribers, double seconds) {
  auto stub = av1::AlertService::NewStub(ch);
  std::vector<std::unique_ptr<Reader>> readers;
  for (int i = 0; i < subscribers; ++i) {
    readers.push_back(std::make_unique<Reader>());
    readers.back()->Go(stub.get());
  }
  while (server.subscribers() < static_cast<size_t>(subscribers)) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  uint64_t got0 = 0;
  absl::Time t0;
  uint64_t published;
  {
    Publisher pub(server, readers);
    absl::SleepFor(absl::Milliseconds(200));  // warm up
    for (auto& r : readers) {
      got0 += r->got;
    }
    uint64_t pub0 = pub.published;
    t0 = absl::Now();
    absl::SleepFor(absl::Seconds(seconds));
    published = pub.published - pub0;
  }
  double dt = absl::ToDoubleSeconds(absl::Now() - t0);
  uint64_t got = 0, lost = 0;
  for (auto& r : readers) {
    got += r->got;
    lost += r->lost;
  }
  printf("%-34s %10.0f deliveries/s (%d subscriber%s; published %.0f/s; lost %llu to gaps)\n",
         label, (got - got0) / dt, subscribers, subscribers == 1 ? "" : "s", published / dt,
         static_cast<unsigned long long>(lost));
  for (auto& r : readers) {
    r->ctx.TryCancel();
  }
  while (server.subscribers() > 0) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  for (auto& r : readers) {
    while (!r->done) {
      absl::SleepFor(absl::Milliseconds(1));
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  setvbuf(stdout, nullptr, _IOLBF, 0);
  const double seconds = absl::GetFlag(FLAGS_seconds);
  char dir[] = "/tmp/saker-api-bench-XXXXXX";
  if (mkdtemp(dir) == nullptr) {
    return 1;
  }
  std::string certs = absl::StrCat(dir, "/certs");
  const char* ws = std::getenv("BUILD_WORKSPACE_DIRECTORY");
  std::string script = absl::StrCat(ws ? ws : ".", "/testdata/certs/make_certs.sh ", certs);
  if (std::system(script.c_str()) != 0) {
    fprintf(stderr, "api_bench: %s failed\n", script.c_str());
    return 1;
  }
  ApiServer server({.alert_history = 65536});
  saker::api::ApiServerOptions options;
  std::string unix_target = absl::StrCat("unix://", dir, "/api.sock");
  options.listeners.push_back(*saker::api::ParseBind(unix_target));
  options.listeners.push_back(*saker::api::ParseBind(
      "127.0.0.1:0", certs + "/server.pem", certs + "/server.key", certs + "/ca.pem"));
  if (auto st = server.Start(options); !st.ok()) {
    fprintf(stderr, "api_bench: %s\n", std::string(st.message()).c_str());
    return 1;
  }
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto unix_ch = grpc::CreateCustomChannel(unix_target, grpc::InsecureChannelCredentials(), args);
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = Read(certs + "/ca.pem");
  ssl.pem_private_key = Read(certs + "/client1.key");
  ssl.pem_cert_chain = Read(certs + "/client1.pem");
  grpc::ChannelArguments targs = args;
  targs.SetSslTargetNameOverride("localhost");
  auto tls_ch = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", server.ports()[1]),
                                          grpc::SslCredentials(ssl), targs);

  printf("api_bench: %u CPUs, client and server in one process\n",
         std::thread::hardware_concurrency());
  Throughput("one subscriber, unix socket", server, unix_ch, 1, seconds);
  Throughput("one subscriber, mTLS TCP", server, tls_ch, 1, seconds);
  Throughput("100 subscribers, unix socket", server, unix_ch, 100, seconds);

  // Memory: 100 subscribers that read one message and then stop reading.
  long rss0 = RssKb();
  auto stub = av1::AlertService::NewStub(unix_ch);
  std::vector<std::unique_ptr<Reader>> stalled;
  for (int i = 0; i < 100; ++i) {
    stalled.push_back(std::make_unique<Reader>(/*stalled=*/true));
    stalled.back()->Go(stub.get());
  }
  while (server.subscribers() < 100) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  long rss1 = RssKb();
  for (uint64_t i = 0; i < 1000000; ++i) {
    saker::api::PublishSyntheticAlert(server.alerts(), i);
  }
  absl::SleepFor(absl::Milliseconds(500));
  long rss2 = RssKb();
  printf("100 stalled subscribers: RSS %ld kB before, %ld kB attached, %ld kB after 1M alerts "
         "(history 65536)\n",
         rss0, rss1, rss2);
  fflush(stdout);
  std::_Exit(0);  // the stalled readers never finish; no need to tidy up
}
