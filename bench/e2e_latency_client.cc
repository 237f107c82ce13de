// End-to-end alert latency through a running sakerd: subscribes to its
// alerts and, for each one, takes the client's receipt time (wall clock)
// minus the alert's event `time` (kernel event to receipt) and minus its
// `publish_time` (the API's share). Same host, same clock: no skew.
//   e2e_latency_client --address unix:///PATH [--max_batch 1] [--falco]
//                      [--cert C --key K --ca CA]  (for HOST:PORT, mTLS)
//                      [--count N] [--seconds T] [--idle_seconds I] [--warmup_ms W]
// Prints "e2e_latency_client: subscribed" on stderr once the server lists
// the subscription (StatusService), so scripts can start the load then.
// Stops after N measured alerts, T seconds, or I seconds without an alert
// once some have come. Alerts received in the first W ms after the first
// one are not measured (connection and allocator warm-up). Then prints
// plain lines on stdout:
//   LABEL: N alerts measured (...)
//   LABEL: event->receipt   count N p50 X ms p99 X ms p99.9 X ms max X ms
//   LABEL: publish->receipt ...   (v1 only: Falco's response has no publish time)
//   LABEL: event->publish   ...   (detection: driver, state, rules)
// Falco mode (--falco) uses falco.outputs.service/sub and its `time` field
// (the event time).

#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "outputs.grpc.pb.h"
#include "saker/v1/alerts.grpc.pb.h"
#include "saker/v1/status.grpc.pb.h"

ABSL_FLAG(std::string, address, "", "unix:///PATH, or HOST:PORT (mutual TLS: --cert --key --ca)");
ABSL_FLAG(std::string, cert, "", "client certificate (PEM), for HOST:PORT");
ABSL_FLAG(std::string, key, "", "client private key (PEM), for HOST:PORT");
ABSL_FLAG(std::string, ca, "", "CA (PEM) the server's certificate chains to");
ABSL_FLAG(std::string, server_name, "localhost", "name to check the server certificate against");
ABSL_FLAG(int, max_batch, 1, "SubscribeRequest.max_batch (v1)");
ABSL_FLAG(bool, falco, false, "use falco.outputs.service/sub instead of Saker v1");
ABSL_FLAG(int64_t, count, 0, "stop after this many measured alerts (0: no limit)");
ABSL_FLAG(double, seconds, 30, "stop after this many seconds");
ABSL_FLAG(double, idle_seconds, 1, "stop this long after the last alert (once one has come)");
ABSL_FLAG(int, warmup_ms, 200, "do not measure alerts received this soon after the first");
ABSL_FLAG(std::string, label, "", "prefix of the output lines (default: describes the run)");

namespace {
namespace av1 = saker::alerts::v1;
namespace sv1 = saker::status::v1;

int64_t WallNs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

int64_t MonoNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

int64_t Ns(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000000000 + t.nanos();
}

std::string Read(const std::string& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Receipt, event and publish times of one alert (publish 0: unknown).
struct Sample {
  int64_t receipt, event, publish;
};

// Everything the reading loop shares with the watchdog.
struct Run {
  std::atomic<int64_t> last_receipt_mono{0};  // 0: none yet
  std::atomic<bool> finished{false};
  std::mutex mu;
  std::condition_variable cv;
};

// Counts subscriptions of `kind` the server lists; -1 if it cannot tell.
int Subscriptions(sv1::StatusService::Stub* status, sv1::StreamKind kind) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  sv1::GetStatusResponse resp;
  if (!status->GetStatus(&ctx, sv1::GetStatusRequest(), &resp).ok()) {
    return -1;
  }
  int n = 0;
  for (const auto& s : resp.subscribers()) {
    n += s.kind() == kind;
  }
  return n;
}

void PrintLine(const std::string& label, const char* what, std::vector<int64_t>* v) {
  if (v->empty()) {
    std::printf("%s: %-17s count 0\n", label.c_str(), what);
    return;
  }
  std::sort(v->begin(), v->end());
  auto pct = [&](double q) {
    return (*v)[std::min(v->size() - 1, static_cast<size_t>(q * v->size()))] / 1e6;
  };
  std::printf("%s: %-17s count %zu  p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms\n",
              label.c_str(), what, v->size(), pct(0.5), pct(0.99), pct(0.999), v->back() / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  setvbuf(stdout, nullptr, _IOLBF, 0);
  const std::string address = absl::GetFlag(FLAGS_address);
  if (address.empty()) {
    std::fprintf(stderr, "e2e_latency_client: --address is required\n");
    return 2;
  }
  const bool falco = absl::GetFlag(FLAGS_falco);
  const int max_batch = absl::GetFlag(FLAGS_max_batch);
  const bool tcp = address.rfind("unix:", 0) != 0;
  std::string label = absl::GetFlag(FLAGS_label);
  if (label.empty()) {
    label = std::string(tcp ? "mTLS TCP" : "unix") +
            (falco ? ", Falco outputs.sub" : ", v1 max_batch " + std::to_string(max_batch));
  }

  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(16 << 20);
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (tcp) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = Read(absl::GetFlag(FLAGS_ca));
    ssl.pem_private_key = Read(absl::GetFlag(FLAGS_key));
    ssl.pem_cert_chain = Read(absl::GetFlag(FLAGS_cert));
    if (ssl.pem_root_certs.empty() || ssl.pem_private_key.empty() || ssl.pem_cert_chain.empty()) {
      std::fprintf(stderr, "e2e_latency_client: HOST:PORT needs readable --cert, --key, --ca\n");
      return 2;
    }
    args.SetSslTargetNameOverride(absl::GetFlag(FLAGS_server_name));
    creds = grpc::SslCredentials(ssl);
  } else {
    creds = grpc::InsecureChannelCredentials();
  }
  auto channel = grpc::CreateCustomChannel(address, creds, args);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
    std::fprintf(stderr, "e2e_latency_client: cannot connect to %s\n", address.c_str());
    return 1;
  }
  auto status = sv1::StatusService::NewStub(channel);
  const sv1::StreamKind kind = falco ? sv1::STREAM_KIND_FALCO : sv1::STREAM_KIND_ALERTS;
  const int before = Subscriptions(status.get(), kind);

  grpc::ClientContext ctx;
  std::unique_ptr<grpc::ClientReader<av1::SubscribeResponse>> v1_reader;
  std::unique_ptr<grpc::ClientReaderWriter<falco::outputs::request, falco::outputs::response>>
      falco_stream;
  if (falco) {
    auto stub = falco::outputs::service::NewStub(channel);
    falco_stream = stub->sub(&ctx);
    falco_stream->Write(falco::outputs::request());
  } else {
    auto stub = av1::AlertService::NewStub(channel);
    av1::SubscribeRequest req;
    req.set_max_batch(static_cast<uint32_t>(max_batch));
    v1_reader = stub->Subscribe(&ctx, req);
  }
  // Wait until the server lists the subscription (when it can tell).
  if (before >= 0) {
    for (int i = 0; i < 500 && Subscriptions(status.get(), kind) <= before; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  std::fprintf(stderr, "e2e_latency_client: subscribed\n");

  // The watchdog ends the stream on the time limits.
  Run run;
  const int64_t start_mono = MonoNs();
  const int64_t limit_ns = static_cast<int64_t>(absl::GetFlag(FLAGS_seconds) * 1e9);
  const int64_t idle_ns = static_cast<int64_t>(absl::GetFlag(FLAGS_idle_seconds) * 1e9);
  std::thread watchdog([&] {
    std::unique_lock<std::mutex> lock(run.mu);
    while (!run.finished) {
      run.cv.wait_for(lock, std::chrono::milliseconds(20));
      const int64_t now = MonoNs();
      const int64_t last = run.last_receipt_mono;
      if (now - start_mono > limit_ns || (last != 0 && now - last > idle_ns)) {
        ctx.TryCancel();
        return;
      }
    }
  });

  const int64_t count_limit = absl::GetFlag(FLAGS_count);
  const int64_t warmup_ns = static_cast<int64_t>(absl::GetFlag(FLAGS_warmup_ms)) * 1000000;
  std::vector<Sample> samples;
  samples.reserve(count_limit > 0 ? count_limit : 1 << 20);
  uint64_t lost = 0, messages = 0, skipped = 0;
  int64_t first_mono = 0, first_measured_wall = 0, last_wall = 0;
  auto take = [&](int64_t receipt, int64_t mono, int64_t event, int64_t publish) {
    if (mono - first_mono < warmup_ns) {
      ++skipped;
      return;
    }
    if (first_measured_wall == 0) {
      first_measured_wall = receipt;
    }
    last_wall = receipt;
    samples.push_back({receipt, event, publish});
  };
  av1::SubscribeResponse v1_resp;
  falco::outputs::response falco_resp;
  for (;;) {
    const bool ok = falco ? falco_stream->Read(&falco_resp) : v1_reader->Read(&v1_resp);
    if (!ok) {
      break;
    }
    const int64_t receipt = WallNs();
    const int64_t mono = MonoNs();
    if (first_mono == 0) {
      first_mono = mono;
    }
    run.last_receipt_mono = mono;
    ++messages;
    if (falco) {
      take(receipt, mono, Ns(falco_resp.time()), 0);
    } else if (v1_resp.has_gap()) {
      lost += v1_resp.gap().count();
    } else if (v1_resp.has_batch()) {
      for (const auto& a : v1_resp.batch().alerts()) {
        take(receipt, mono, Ns(a.time()), a.has_publish_time() ? Ns(a.publish_time()) : 0);
      }
    } else if (v1_resp.has_alert()) {
      const auto& a = v1_resp.alert();
      take(receipt, mono, Ns(a.time()), a.has_publish_time() ? Ns(a.publish_time()) : 0);
    }
    if (count_limit > 0 && static_cast<int64_t>(samples.size()) >= count_limit) {
      ctx.TryCancel();
      break;
    }
  }
  {
    std::lock_guard<std::mutex> lock(run.mu);
    run.finished = true;
  }
  run.cv.notify_all();
  watchdog.join();
  grpc::Status st = falco ? falco_stream->Finish() : v1_reader->Finish();
  if (!st.ok() && st.error_code() != grpc::StatusCode::CANCELLED) {
    std::fprintf(stderr, "e2e_latency_client: stream ended: %d %s\n",
                 static_cast<int>(st.error_code()), st.error_message().c_str());
  }

  std::vector<int64_t> event_receipt, publish_receipt, event_publish;
  event_receipt.reserve(samples.size());
  for (const Sample& s : samples) {
    event_receipt.push_back(s.receipt - s.event);
    if (s.publish != 0) {
      publish_receipt.push_back(s.receipt - s.publish);
      event_publish.push_back(s.publish - s.event);
    }
  }
  const double span = (last_wall - first_measured_wall) / 1e9;
  std::printf("%s: %zu alerts measured in %.2f s (%.0f/s), %llu warm-up alerts not measured, "
              "%llu lost (gap notices), %llu stream messages\n",
              label.c_str(), samples.size(), span, span > 0 ? samples.size() / span : 0.0,
              static_cast<unsigned long long>(skipped), static_cast<unsigned long long>(lost),
              static_cast<unsigned long long>(messages));
  PrintLine(label, "event->receipt", &event_receipt);
  if (!falco) {
    PrintLine(label, "publish->receipt", &publish_receipt);
    PrintLine(label, "event->publish", &event_publish);
  }
  return samples.empty() ? 1 : 0;
}
