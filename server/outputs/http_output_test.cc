#include "server/outputs/http_output.h"

#include <cstdio>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "server/outputs/test_util.h"

namespace saker::outputs {
namespace {

using testing::MakeAlert;
using testing::Receiver;
using testing::ReceiverOptions;
using testing::WaitFor;

// A request as test_receiver.py logged it; fields found by substring, the
// receiver writes them with json.dumps (", " and ": " separators).
bool Has(const std::string& request, absl::string_view key, absl::string_view json_value) {
  return absl::StrContains(request, absl::StrCat("\"", key, "\": ", json_value));
}

// The body as the receiver logged it: json.dumps escapes quotes.
std::string Quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out + "\"";
}

std::unique_ptr<HttpOutput> MustCreate(HttpOutputOptions o) {
  absl::StatusOr<std::unique_ptr<HttpOutput>> out = HttpOutput::Create(std::move(o));
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? std::move(*out) : nullptr;
}

HttpOutputOptions Fast(const std::string& url) {
  HttpOutputOptions o;
  o.url = url;
  o.initial_backoff = absl::Milliseconds(20);
  o.max_backoff = absl::Milliseconds(200);
  o.timeout = absl::Seconds(20);
  return o;
}

int DeadPort() {
  Receiver r({});
  EXPECT_TRUE(r.Start());
  int port = r.port();
  r.Stop();
  return port;
}

TEST(HttpOutputTest, PostsFalcoJsonLikeFalco) {
  Receiver r({});
  ASSERT_TRUE(r.Start());
  std::string echo_path = testing::NewTempDir() + "/echo";
  FILE* echo = fopen(echo_path.c_str(), "w");
  HttpOutputOptions o = Fast(r.Url());
  o.user_agent = "saker-test/1";
  o.echo = true;
  o.echo_to = echo;
  auto out = MustCreate(o);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(out->Write(MakeAlert("rule \"one\"", i)).ok());
  }
  ASSERT_TRUE(out->Flush(absl::Seconds(60)));
  std::vector<std::string> reqs = r.Requests();
  ASSERT_EQ(reqs.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const std::string& q = reqs[i];
    EXPECT_TRUE(Has(q, "method", "\"POST\"")) << q;
    EXPECT_TRUE(Has(q, "path", "\"/alerts\"")) << q;
    EXPECT_TRUE(Has(q, "content-type", "\"application/json\"")) << q;
    EXPECT_TRUE(Has(q, "user-agent", "\"saker-test/1\"")) << q;
    EXPECT_TRUE(Has(q, "gzip", "false")) << q;
    EXPECT_TRUE(Has(q, "body", Quoted(MakeAlert("rule \"one\"", i).json))) << q;
  }
  OutputCounters c = out->Counters();
  EXPECT_EQ(c.sent, 3u);
  EXPECT_EQ(c.failed, 0u);
  EXPECT_EQ(c.retries, 0u);
  EXPECT_EQ(c.queue_depth, 0u);
  EXPECT_EQ(out->Name(), "http");
  fclose(echo);
  EXPECT_EQ(testing::ReadFile(echo_path), "{\"ok\":true}\n{\"ok\":true}\n{\"ok\":true}\n");
}

TEST(HttpOutputTest, CompressUploadsGzipsTheBody) {
  Receiver r({});
  ASSERT_TRUE(r.Start());
  HttpOutputOptions o = Fast(r.Url());
  o.compress_uploads = true;
  auto out = MustCreate(o);
  ASSERT_TRUE(out->Write(MakeAlert("r", 7)).ok());
  ASSERT_TRUE(out->Flush(absl::Seconds(60)));
  std::vector<std::string> reqs = r.Requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_TRUE(Has(reqs[0], "content-encoding", "\"gzip\"")) << reqs[0];
  EXPECT_TRUE(Has(reqs[0], "gzip", "true")) << reqs[0];
  EXPECT_TRUE(Has(reqs[0], "body", Quoted(MakeAlert("r", 7).json))) << reqs[0];
}

std::set<std::string> ClientPorts(const std::vector<std::string>& reqs) {
  std::set<std::string> ports;
  for (const std::string& q : reqs) {
    size_t at = q.find("\"client_port\": ");
    ports.insert(q.substr(at, q.find(',', at) - at));
  }
  return ports;
}

TEST(HttpOutputTest, KeepAliveReusesTheConnection) {
  for (bool keep_alive : {true, false}) {
    Receiver r({});
    ASSERT_TRUE(r.Start());
    HttpOutputOptions o = Fast(r.Url());
    o.keep_alive = keep_alive;
    auto out = MustCreate(o);
    for (int i = 0; i < 4; ++i) {
      ASSERT_TRUE(out->Write(MakeAlert("r", i)).ok());
    }
    ASSERT_TRUE(out->Flush(absl::Seconds(60)));
    std::vector<std::string> reqs = r.Requests();
    ASSERT_EQ(reqs.size(), 4u);
    EXPECT_EQ(ClientPorts(reqs).size(), keep_alive ? 1u : 4u) << "keep_alive " << keep_alive;
  }
}

TEST(HttpOutputTest, ServerErrorsAreRetriedThenDelivered) {
  Receiver r({.statuses = "503,429,500,200"});
  ASSERT_TRUE(r.Start());
  auto out = MustCreate(Fast(r.Url()));
  ASSERT_TRUE(out->Write(MakeAlert("r", 1)).ok());
  ASSERT_TRUE(out->Flush(absl::Seconds(60)));
  EXPECT_EQ(r.Requests().size(), 4u);
  OutputCounters c = out->Counters();
  EXPECT_EQ(c.sent, 1u);
  EXPECT_EQ(c.retries, 3u);
  EXPECT_EQ(c.failed, 0u);
}

// The receiver's Retry-After stretches the wait before the retry (capped
// by max_backoff).
TEST(HttpOutputTest, RetryAfterIsHonoured) {
  Receiver r({.statuses = "503,200", .retry_after = 1});
  ASSERT_TRUE(r.Start());
  HttpOutputOptions o = Fast(r.Url());
  o.max_backoff = absl::Seconds(5);
  auto out = MustCreate(o);
  const absl::Time start = absl::Now();
  ASSERT_TRUE(out->Write(MakeAlert("r", 1)).ok());
  ASSERT_TRUE(out->Flush(absl::Seconds(60)));
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(990));
  EXPECT_EQ(r.Requests().size(), 2u);
  EXPECT_EQ(out->Counters().sent, 1u);
}

TEST(HttpOutputTest, ClientErrorIsNotRetried) {
  Receiver r({.statuses = "400,200"});
  ASSERT_TRUE(r.Start());
  auto out = MustCreate(Fast(r.Url()));
  absl::Mutex mu;
  std::vector<std::string> failures;
  out->SetFailureHandler([&](absl::string_view name, const absl::Status& s) {
    absl::MutexLock l(&mu);
    failures.push_back(absl::StrCat(name, ": ", s.message()));
  });
  ASSERT_TRUE(out->Write(MakeAlert("r", 1)).ok());
  ASSERT_TRUE(out->Flush(absl::Seconds(60)));
  EXPECT_EQ(r.Requests().size(), 1u);
  EXPECT_EQ(out->Counters().failed, 1u);
  EXPECT_EQ(out->Counters().retries, 0u);
  absl::MutexLock l(&mu);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_TRUE(absl::StrContains(failures[0], "HTTP status 400")) << failures[0];
}

TEST(HttpOutputTest, ReceiverDownThenBackGetsQueuedAlerts) {
  int port = DeadPort();
  Receiver r({.port = port});
  HttpOutputOptions o = Fast(absl::StrCat("http://127.0.0.1:", port, "/alerts"));
  o.max_retries = 1000;
  auto out = MustCreate(o);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(out->Write(MakeAlert("r", i)).ok());
  }
  ASSERT_TRUE(WaitFor([&] { return out->Counters().retries >= 3; }));
  EXPECT_EQ(out->Counters().sent, 0u);
  EXPECT_EQ(out->Counters().queue_depth, 5u);
  ASSERT_TRUE(r.Start());
  ASSERT_TRUE(out->Flush(absl::Seconds(60)));
  std::vector<std::string> reqs = r.Requests();
  ASSERT_EQ(reqs.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(Has(reqs[i], "body", Quoted(MakeAlert("r", i).json))) << reqs[i];
  }
  OutputCounters c = out->Counters();
  EXPECT_EQ(c.sent, 5u);
  EXPECT_GE(c.retries, 3u);
  EXPECT_EQ(c.failed, 0u);
  EXPECT_EQ(c.dropped, 0u);
}

TEST(HttpOutputTest, RetriesExhaustedFailAndReport) {
  HttpOutputOptions o = Fast(absl::StrCat("http://127.0.0.1:", DeadPort(), "/alerts"));
  o.max_retries = 2;
  auto out = MustCreate(o);
  absl::Mutex mu;
  std::vector<std::string> failures;
  out->SetFailureHandler([&](absl::string_view name, const absl::Status& s) {
    absl::MutexLock l(&mu);
    failures.push_back(absl::StrCat(name, ": ", s.message()));
  });
  ASSERT_TRUE(out->Write(MakeAlert("r", 1)).ok());
  ASSERT_TRUE(out->Flush(absl::Seconds(60)));
  OutputCounters c = out->Counters();
  EXPECT_EQ(c.failed, 1u);
  EXPECT_EQ(c.dropped, 1u);
  EXPECT_EQ(c.retries, 2u);
  absl::MutexLock l(&mu);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_TRUE(absl::StartsWith(failures[0], "http: http_output: POST")) << failures[0];
  EXPECT_TRUE(absl::StrContains(failures[0], "gave up after 3 attempts")) << failures[0];
}

TEST(HttpOutputTest, FullQueueDropsAndWriteNeverWaits) {
  HttpOutputOptions o = Fast(absl::StrCat("http://127.0.0.1:", DeadPort(), "/alerts"));
  o.max_retries = 1000000;
  o.initial_backoff = absl::Seconds(1);
  o.max_backoff = absl::Seconds(1);
  o.queue_capacity = 5;
  auto out = MustCreate(o);
  ASSERT_TRUE(out->Write(MakeAlert("r", 0)).ok());
  ASSERT_TRUE(WaitFor([&] { return out->Counters().retries >= 1; }));  // alert 0 in flight
  for (int i = 1; i < 100; ++i) {
    ASSERT_TRUE(out->Write(MakeAlert("r", i)).ok());
  }
  OutputCounters c = out->Counters();
  EXPECT_EQ(c.dropped, 94u);
  EXPECT_EQ(c.queue_depth, 6u);
  EXPECT_FALSE(out->Flush(absl::Milliseconds(50)));
  out.reset();  // stops without waiting out the backoff
}

TEST(HttpOutputTest, TlsVerifiesTheServer) {
  Receiver r({.tls = true});
  ASSERT_TRUE(r.Start());
  {
    HttpOutputOptions o = Fast(r.Url());
    o.ca_cert = testing::CertDir() + "/ca.pem";
    auto out = MustCreate(o);
    ASSERT_TRUE(out->Write(MakeAlert("r", 1)).ok());
    ASSERT_TRUE(out->Flush(absl::Seconds(60)));
    EXPECT_EQ(out->Counters().sent, 1u);
  }
  {
    // Another CA: verification fails, which no retry fixes.
    HttpOutputOptions o = Fast(r.Url());
    o.ca_cert = testing::CertDir() + "/other-ca.pem";
    auto out = MustCreate(o);
    ASSERT_TRUE(out->Write(MakeAlert("r", 2)).ok());
    ASSERT_TRUE(out->Flush(absl::Seconds(60)));
    EXPECT_EQ(out->Counters().failed, 1u);
    EXPECT_EQ(out->Counters().retries, 0u);
  }
  {
    HttpOutputOptions o = Fast(r.Url());
    o.ca_bundle = testing::CertDir() + "/other-ca.pem";
    o.insecure = true;
    auto out = MustCreate(o);
    ASSERT_TRUE(out->Write(MakeAlert("r", 3)).ok());
    ASSERT_TRUE(out->Flush(absl::Seconds(60)));
    EXPECT_EQ(out->Counters().sent, 1u);
  }
  std::vector<std::string> reqs = r.Requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_TRUE(Has(reqs[1], "body", Quoted(MakeAlert("r", 3).json)));
}

TEST(HttpOutputTest, MutualTls) {
  Receiver r({.tls = true, .mtls = true});
  ASSERT_TRUE(r.Start());
  {
    HttpOutputOptions o = Fast(r.Url());
    o.ca_cert = testing::CertDir() + "/ca.pem";
    o.mtls = true;
    o.client_cert = testing::CertDir() + "/client1.pem";
    o.client_key = testing::CertDir() + "/client1.key";
    auto out = MustCreate(o);
    ASSERT_TRUE(out->Write(MakeAlert("r", 1)).ok());
    ASSERT_TRUE(out->Flush(absl::Seconds(60)));
    EXPECT_EQ(out->Counters().sent, 1u);
  }
  {
    // No client certificate: the receiver refuses the handshake.
    HttpOutputOptions o = Fast(r.Url());
    o.ca_cert = testing::CertDir() + "/ca.pem";
    o.max_retries = 1;
    auto out = MustCreate(o);
    ASSERT_TRUE(out->Write(MakeAlert("r", 2)).ok());
    ASSERT_TRUE(out->Flush(absl::Seconds(60)));
    EXPECT_EQ(out->Counters().sent, 0u);
    EXPECT_EQ(out->Counters().failed, 1u);
  }
  std::vector<std::string> reqs = r.Requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_TRUE(Has(reqs[0], "peer_cn", "\"client-one\"")) << reqs[0];
}

TEST(HttpOutputTest, CreateRejectsBadOptions) {
  EXPECT_FALSE(HttpOutput::Create({.url = "ftp://x"}).ok());
  HttpOutputOptions o;
  o.url = "https://localhost:1/";
  o.mtls = true;
  absl::Status s = HttpOutput::Create(o).status();
  EXPECT_TRUE(absl::StrContains(s.message(), "client_cert")) << s;
  o.mtls = false;
  o.ca_cert = "/nonexistent/ca.pem";
  s = HttpOutput::Create(o).status();
  EXPECT_TRUE(absl::StrContains(s.message(), "/nonexistent/ca.pem")) << s;
}

}  // namespace
}  // namespace saker::outputs
