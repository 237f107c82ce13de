// API throughput, latency and memory, client and server in one process over
// real sockets (so on a 2-core machine they share the CPUs):
//   bazel run -c opt //bench:api_bench -- [--seconds 3] [--latency_rate 10000]
// Prints plain lines:
//   - alerts/s delivered to one subscriber over the unix socket and over
//     mutual-TLS TCP, in the single-alert form (max_batch 0, what older
//     clients get) and the batched form (max_batch 1024), and over Falco's
//     outputs.sub (one alert per message, writes coalesced);
//   - the aggregate deliveries/s with 100 subscribers;
//   - latency from publish to the client's receipt at --latency_rate alerts/s
//     (p50/p99/max), from Alert.publish_time (Falco: the event time, which the
//     synthetic alerts set at publish);
//   - the server's RSS with 100 stalled subscribers (clients in a child
//     process) after each of 3 rounds of 1M alerts.
// The bench clients parse into a protobuf arena (see ArenaResponses).
// Needs testdata/certs/make_certs.sh (run from the workspace or runfiles).

#include <dirent.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <google/protobuf/arena.h>
#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "outputs.grpc.pb.h"
#include "saker/v1/alerts.grpc.pb.h"
#include "server/api/api_server.h"
#include "server/api/synthetic_alerts.h"

ABSL_FLAG(double, seconds, 3, "duration of each throughput and latency phase");
ABSL_FLAG(int, latency_rate, 10000, "alerts/s published during the latency phase");
ABSL_FLAG(int, max_batch, 1024, "SubscribeRequest.max_batch of the batched phases");
ABSL_FLAG(std::string, stalled_clients, "", "internal: run the stalled clients against this");
ABSL_FLAG(std::string, only, "", "run only the phases whose label contains this");

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

int Threads() {
  int n = 0;
  if (DIR* d = opendir("/proc/self/task")) {
    while (struct dirent* e = readdir(d)) {
      n += e->d_name[0] != '.';
    }
    closedir(d);
  }
  return n;
}

int64_t Ns(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000000000 + t.nanos();
}

// What every bench client counts. Latency samples only when asked (one
// per alert, preallocated).
struct Counts {
  std::atomic<uint64_t> got{0}, lost{0};
  std::atomic<bool> done{false};
  std::vector<int64_t> latency_ns;
  std::atomic<bool> measure_latency{false};
  void Sample(int64_t stamp_ns) {
    if (measure_latency && latency_ns.size() < latency_ns.capacity()) {
      latency_ns.push_back(absl::GetCurrentTimeNanos() - stamp_ns);
    }
  }
};

// Parses the responses of a stream into an arena reset every MB or so, as a
// client that wants throughput would: a reused heap message frees and
// re-allocates every string and map entry on each parse.
template <class Response>
class ArenaResponses {
 public:
  Response* Next() {
    if (msg_ == nullptr || arena_.SpaceUsed() > (1 << 20)) {
      arena_.Reset();
      msg_ = google::protobuf::Arena::CreateMessage<Response>(&arena_);
    }
    return msg_;
  }

 private:
  static google::protobuf::ArenaOptions Options() {
    google::protobuf::ArenaOptions o;
    o.start_block_size = 64 << 10;
    o.max_block_size = 1 << 20;
    return o;
  }
  google::protobuf::Arena arena_{Options()};
  Response* msg_ = nullptr;
};

// A saker.alerts.v1 subscriber.
class Reader : public grpc::ClientReadReactor<av1::SubscribeResponse>, public Counts {
 public:
  Reader(uint32_t max_batch, bool stalled) : stalled_(stalled) { req_.set_max_batch(max_batch); }
  void Go(av1::AlertService::Stub* stub) {
    stub->async()->Subscribe(&ctx, &req_, this);
    StartRead(resp_ = responses_.Next());
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (!ok) {
      return;
    }
    if (resp_->has_gap()) {
      lost += resp_->gap().count();
    } else if (resp_->has_batch()) {
      for (const auto& a : resp_->batch().alerts()) {
        Sample(Ns(a.publish_time()));
      }
      got += resp_->batch().alerts_size();
    } else {
      Sample(Ns(resp_->alert().publish_time()));
      got++;
    }
    if (!stalled_) {
      StartRead(resp_ = responses_.Next());
    }
  }
  void OnDone(const grpc::Status&) override { done = true; }
  grpc::ClientContext ctx;

 private:
  bool stalled_;
  av1::SubscribeRequest req_;
  ArenaResponses<av1::SubscribeResponse> responses_;
  av1::SubscribeResponse* resp_ = nullptr;
};

// A Falco outputs.sub subscriber (sends nothing; Saker pushes).
class FalcoReader
    : public grpc::ClientBidiReactor<falco::outputs::request, falco::outputs::response>,
      public Counts {
 public:
  void Go(falco::outputs::service::Stub* stub) {
    stub->async()->sub(&ctx, this);
    StartRead(resp_ = responses_.Next());
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (!ok) {
      return;
    }
    Sample(Ns(resp_->time()));
    got++;
    StartRead(resp_ = responses_.Next());
  }
  void OnDone(const grpc::Status&) override { done = true; }
  grpc::ClientContext ctx;

 private:
  ArenaResponses<falco::outputs::response> responses_;
  falco::outputs::response* resp_ = nullptr;
};

// Publishes as fast as the slowest subscriber takes them (at most half the
// history ahead, so the figure is the sustained rate without loss), or at a
// fixed rate when rate > 0.
struct Publisher {
  Publisher(ApiServer& s, const std::vector<Counts*>& readers, int rate)
      : t([this, &s, readers, rate] {
          const uint64_t window = s.alerts().capacity() / 2;
          uint64_t base = s.alerts().next() - 1;
          absl::Time start = absl::Now();
          for (uint64_t i = 0; !stop; ++i) {
            if (rate > 0) {
              absl::Time due = start + absl::Seconds(static_cast<double>(i) / rate);
              while (!stop && absl::Now() < due) {
                absl::SleepFor(std::min(due - absl::Now(), absl::Microseconds(200)));
              }
            } else if ((i & 255) == 0) {
              for (;;) {
                uint64_t slowest = UINT64_MAX;
                for (Counts* r : readers) {
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

struct Phase {
  const char* label;
  std::shared_ptr<grpc::Channel> channel;
  int subscribers = 1;
  bool falco = false;
  uint32_t max_batch = 0;
  int rate = 0;  // 0: as fast as they take them
};

void Run(const Phase& p, ApiServer& server, double seconds) {
  auto stub = av1::AlertService::NewStub(p.channel);
  auto falco_stub = falco::outputs::service::NewStub(p.channel);
  std::vector<std::unique_ptr<Reader>> v1_readers;
  std::vector<std::unique_ptr<FalcoReader>> falco_readers;
  std::vector<Counts*> readers;
  std::vector<grpc::ClientContext*> contexts;
  for (int i = 0; i < p.subscribers; ++i) {
    if (p.falco) {
      falco_readers.push_back(std::make_unique<FalcoReader>());
      readers.push_back(falco_readers.back().get());
      contexts.push_back(&falco_readers.back()->ctx);
    } else {
      v1_readers.push_back(std::make_unique<Reader>(p.max_batch, false));
      readers.push_back(v1_readers.back().get());
      contexts.push_back(&v1_readers.back()->ctx);
    }
    if (p.rate > 0) {
      readers.back()->latency_ns.reserve(static_cast<size_t>(p.rate * (seconds + 1)));
    }
  }
  for (auto& r : v1_readers) {
    r->Go(stub.get());
  }
  for (auto& r : falco_readers) {
    r->Go(falco_stub.get());
  }
  while (server.subscribers() < static_cast<size_t>(p.subscribers)) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  uint64_t got0 = 0;
  absl::Time t0;
  uint64_t published;
  {
    Publisher pub(server, readers, p.rate);
    absl::SleepFor(absl::Milliseconds(200));  // warm up
    for (Counts* r : readers) {
      got0 += r->got;
      r->measure_latency = p.rate > 0;  // the reactors see it on their next read
    }
    uint64_t pub0 = pub.published;
    t0 = absl::Now();
    absl::SleepFor(absl::Seconds(seconds));
    published = pub.published - pub0;
    for (Counts* r : readers) {
      r->measure_latency = false;
    }
  }
  double dt = absl::ToDoubleSeconds(absl::Now() - t0);
  absl::SleepFor(absl::Milliseconds(50));  // let the latency samples land
  uint64_t got = 0, lost = 0;
  std::vector<int64_t> lat;
  for (Counts* r : readers) {
    got += r->got;
    lost += r->lost;
    lat.insert(lat.end(), r->latency_ns.begin(), r->latency_ns.end());
  }
  if (p.rate == 0) {
    printf("%-44s %10.0f alerts/s delivered (%d subscriber%s; published %.0f/s; lost %llu)\n",
           p.label, (got - got0) / dt, p.subscribers, p.subscribers == 1 ? "" : "s",
           published / dt, static_cast<unsigned long long>(lost));
  } else if (!lat.empty()) {
    std::sort(lat.begin(), lat.end());
    auto pct = [&](double q) {
      return lat[std::min(lat.size() - 1, static_cast<size_t>(q * lat.size()))] / 1e6;
    };
    printf("%-44s p50 %.3f ms  p99 %.3f ms  max %.3f ms  (%zu alerts at %.0f/s; lost %llu)\n",
           p.label, pct(0.5), pct(0.99), lat.back() / 1e6, lat.size(), published / dt,
           static_cast<unsigned long long>(lost));
  }
  for (grpc::ClientContext* c : contexts) {
    c->TryCancel();
  }
  while (server.subscribers() > 0) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  for (Counts* r : readers) {
    while (!r->done) {
      absl::SleepFor(absl::Milliseconds(1));
    }
  }
}

long RssKbOf(pid_t pid) {
  std::ifstream f(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::atol(line.c_str() + 6);
    }
  }
  return 0;
}

// The child process of the memory phase: 100 subscribers on `target` that
// read one message each and then never again. Runs until killed.
int StalledClients(const std::string& target, uint32_t batch) {
  auto stub = av1::AlertService::NewStub(
      grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  std::vector<std::unique_ptr<Reader>> stalled;
  for (int i = 0; i < 100; ++i) {
    // Half take batches, half single alerts.
    stalled.push_back(std::make_unique<Reader>(i % 2 == 0 ? batch : 0, /*stalled=*/true));
    stalled.back()->Go(stub.get());
  }
  for (;;) {
    absl::SleepFor(absl::Hours(1));
  }
}

// Server memory with 100 stalled subscribers: the clients run in a child
// process, so the server's RSS is this process's alone.
void StalledMemory(ApiServer& server, const std::string& target, uint32_t batch) {
  std::string self = absl::StrCat("--stalled_clients=", target);
  std::string max_batch = absl::StrCat("--max_batch=", batch);
  char exe[] = "/proc/self/exe";
  char* argv[] = {exe, self.data(), max_batch.data(), nullptr};
  pid_t child;
  if (posix_spawn(&child, exe, nullptr, nullptr, argv, environ) != 0) {
    fprintf(stderr, "api_bench: cannot spawn the stalled clients\n");
    return;
  }
  long rss0 = RssKb();
  while (server.subscribers() < 100) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  absl::SleepFor(absl::Milliseconds(200));
  printf("100 stalled subscribers (clients in pid %d, max_batch 0 and %u): server RSS %ld kB "
         "before, %ld kB attached (history %zu)\n",
         static_cast<int>(child), batch, rss0, RssKb(), server.alerts().capacity());
  uint64_t n = server.alerts().next();
  for (int round = 1; round <= 3; ++round) {
    for (int i = 0; i < 1000000; ++i) {
      saker::api::PublishSyntheticAlert(server.alerts(), n++);
    }
    absl::SleepFor(absl::Milliseconds(500));
    printf("100 stalled subscribers: server RSS %ld kB after round %d of 1M alerts "
           "(clients' process: %ld kB)\n",
           RssKb(), round, RssKbOf(child));
  }
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  setvbuf(stdout, nullptr, _IOLBF, 0);
  const double seconds = absl::GetFlag(FLAGS_seconds);
  const int rate = absl::GetFlag(FLAGS_latency_rate);
  const uint32_t batch = static_cast<uint32_t>(absl::GetFlag(FLAGS_max_batch));
  if (!absl::GetFlag(FLAGS_stalled_clients).empty()) {
    return StalledClients(absl::GetFlag(FLAGS_stalled_clients), batch);
  }
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
  int threads0 = Threads();
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
  args.SetMaxReceiveMessageSize(16 << 20);
  auto unix_ch = grpc::CreateCustomChannel(unix_target, grpc::InsecureChannelCredentials(), args);
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = Read(certs + "/ca.pem");
  ssl.pem_private_key = Read(certs + "/client1.key");
  ssl.pem_cert_chain = Read(certs + "/client1.pem");
  grpc::ChannelArguments targs = args;
  targs.SetSslTargetNameOverride("localhost");
  auto tls_ch = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", server.ports()[1]),
                                          grpc::SslCredentials(ssl), targs);

  printf("api_bench: %u CPUs, client and server in one process; %d threads before the "
         "server, %d after Start\n",
         std::thread::hardware_concurrency(), threads0, Threads());
  const Phase phases[] = {
      {"one subscriber, unix, single-alert form", unix_ch, 1, false, 0},
      {"one subscriber, unix, batched", unix_ch, 1, false, batch},
      {"one subscriber, mTLS TCP, single-alert form", tls_ch, 1, false, 0},
      {"one subscriber, mTLS TCP, batched", tls_ch, 1, false, batch},
      {"one subscriber, unix, Falco outputs.sub", unix_ch, 1, true},
      {"100 subscribers, unix, single-alert form", unix_ch, 100, false, 0},
      {"100 subscribers, unix, batched", unix_ch, 100, false, batch},
      {"100 subscribers, unix, Falco outputs.sub", unix_ch, 100, true},
      {"latency, unix, batched", unix_ch, 1, false, batch, rate},
      {"latency, unix, single-alert form", unix_ch, 1, false, 0, rate},
      {"latency, mTLS TCP, batched", tls_ch, 1, false, batch, rate},
      {"latency, unix, Falco outputs.sub", unix_ch, 1, true, 0, rate},
      {"latency, unix, 100 subscribers, batched", unix_ch, 100, false, batch, rate / 10},
  };
  const std::string only = absl::GetFlag(FLAGS_only);
  for (const Phase& p : phases) {
    if (std::string(p.label).find(only) != std::string::npos) {
      Run(p, server, seconds);
    }
  }
  printf("threads while serving: %d\n", Threads());
  if (only.empty() || only == "stalled") {
    StalledMemory(server, unix_target, batch);
  }
  fflush(stdout);
  std::_Exit(0);  // the stalled readers never finish; no need to tidy up
}
