// The web server over real sockets: every endpoint through libcurl, raw
// requests for the edge cases (405, oversized, malformed, the header and
// idle timeouts), TLS with a PEM made at test time, readiness flipping,
// errors at Start. Load (idle crowds, shedding): web_server_load_test.cc.

#include "server/observe/web_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/observe/web_test_client.h"
#include "testdata/certs/cert_dir.h"

namespace saker::observe {
namespace {

using testing::ClosedByServer;
using testing::Connect;
using testing::Get;
using testing::HttpResult;
using testing::Raw;
using testing::ReadAll;
using testing::Url;

WebServerOptions LocalOptions() {
  WebServerOptions o;
  o.listen_address = "127.0.0.1";
  o.listen_port = 0;
  o.prometheus_metrics_enabled = true;
  return o;
}

using testdata::CertDir;

std::string Slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream f(path);
  f << data;
}

TEST(WebServerTest, Endpoints) {
  metrics::Registry registry;
  registry.Add([](metrics::Writer& w) {
    w.Counter("saker_events_total", "Events.", {{"source", "syscall"}}, 42);
  });
  WebServer web(LocalOptions(), {.metrics = &registry,
                                 .versions = {{"version", "0.1.0"}, {"engine_version", "0.2"}}});
  ASSERT_TRUE(web.Start().ok());
  ASSERT_GT(web.port(), 0);

  HttpResult m = Get(Url(web.port(), "/metrics"));
  EXPECT_EQ(m.code, CURLE_OK);
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(m.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(m.body,
            "# HELP saker_events_total Events.\n# TYPE saker_events_total counter\n"
            "saker_events_total{source=\"syscall\"} 42\n");

  HttpResult h = Get(Url(web.port(), "/healthz"));
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.content_type, "application/json");
  EXPECT_EQ(h.body, "{\"status\":\"ok\"}");
  EXPECT_EQ(Get(Url(web.port(), "/healthz?verbose=1")).status, 200);
  EXPECT_EQ(Get(Url(web.port(), "/readyz")).body, "{\"status\":\"ready\"}");

  HttpResult v = Get(Url(web.port(), "/versions"));
  EXPECT_EQ(v.status, 200);
  EXPECT_EQ(v.body, "{\"engine_version\":\"0.2\",\"version\":\"0.1.0\"}");

  HttpResult nf = Get(Url(web.port(), "/nope"));
  EXPECT_EQ(nf.status, 404);
  HttpResult head = Get(Url(web.port(), "/healthz"), "", "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  HttpResult post = Get(Url(web.port(), "/metrics"), "", "POST");
  EXPECT_EQ(post.status, 405);
}

TEST(WebServerTest, CustomHealthzPathAndMetricsDisabled) {
  metrics::Registry registry;
  WebServerOptions o = LocalOptions();
  o.prometheus_metrics_enabled = false;
  o.k8s_healthz_endpoint = "/live";
  WebServer web(o, {.metrics = &registry});
  ASSERT_TRUE(web.Start().ok());
  EXPECT_EQ(Get(Url(web.port(), "/metrics")).status, 404);
  EXPECT_EQ(Get(Url(web.port(), "/healthz")).status, 404);
  EXPECT_EQ(Get(Url(web.port(), "/live")).status, 200);
}

TEST(WebServerTest, ReadinessAndLivenessFlip) {
  std::atomic<bool> ready{false}, live{true};
  WebServer web(
      LocalOptions(),
      {.liveness =
           [&] {
             return live ? absl::OkStatus() : absl::UnavailableError("event loop stalled for 30s");
           },
       .readiness =
           [&] {
             return ready ? absl::OkStatus() : absl::UnavailableError("probe not attached \"yet\"");
           }});
  ASSERT_TRUE(web.Start().ok());
  HttpResult r = Get(Url(web.port(), "/readyz"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "{\"status\":\"not ready\",\"reason\":\"probe not attached \\\"yet\\\"\"}");
  ready = true;
  r = Get(Url(web.port(), "/readyz"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"status\":\"ready\"}");

  EXPECT_EQ(Get(Url(web.port(), "/healthz")).status, 200);
  live = false;
  HttpResult h = Get(Url(web.port(), "/healthz"));
  EXPECT_EQ(h.status, 503);
  EXPECT_EQ(h.body, "{\"status\":\"error\",\"reason\":\"event loop stalled for 30s\"}");
}

TEST(WebServerTest, RawRequestsMethodOversizedMalformed) {
  WebServer web(LocalOptions(), {});
  ASSERT_TRUE(web.Start().ok());
  std::string put =
      Raw(web.port(), "PUT /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_TRUE(absl::StartsWith(put, "HTTP/1.1 405 Method Not Allowed\r\n")) << put;
  EXPECT_TRUE(absl::StrContains(put, "Allow: GET, HEAD\r\n"));

  std::string big =
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(64 * 1024, 'a') + "\r\n\r\n";
  std::string r = Raw(web.port(), big);
  EXPECT_TRUE(absl::StartsWith(r, "HTTP/1.1 431 ")) << r.substr(0, 100);

  r = Raw(web.port(), "garbage\r\n\r\n");
  EXPECT_TRUE(absl::StartsWith(r, "HTTP/1.1 400 ")) << r;
  r = Raw(web.port(), "GET /healthz HTTP/1.0\n\n");  // bare newlines are accepted
  EXPECT_TRUE(absl::StartsWith(r, "HTTP/1.1 200 OK\r\n")) << r;
  EXPECT_TRUE(absl::StrContains(r, "Connection: close\r\n"));
  EXPECT_TRUE(absl::EndsWith(r, "\r\n\r\n{\"status\":\"ok\"}"));
  // The server is still fine.
  EXPECT_EQ(Get(Url(web.port(), "/healthz")).status, 200);
}

TEST(WebServerTest, HeaderTimeoutAnswers408ToADrippingClient) {
  WebServerOptions o = LocalOptions();
  o.header_timeout = absl::Milliseconds(500);
  o.idle_timeout = absl::Minutes(10);
  WebServer web(o, {});
  ASSERT_TRUE(web.Start().ok());
  int slow = Connect(web.port());
  ASSERT_GE(slow, 0);
  // A byte every 100 ms: never idle, but the head is never complete.
  std::string drip = "GET /healthz HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  for (char c : drip) {
    if (send(slow, &c, 1, MSG_NOSIGNAL) != 1) {
      break;  // closed after the 408
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  std::string r = ReadAll(slow);
  EXPECT_TRUE(absl::StartsWith(r, "HTTP/1.1 408 Request Timeout\r\n")) << r;
  close(slow);
  EXPECT_EQ(Get(Url(web.port(), "/healthz")).status, 200);
}

TEST(WebServerTest, IdleTimeoutAnswers408ToSilentAndHalfSentRequests) {
  WebServerOptions o = LocalOptions();
  o.header_timeout = absl::Minutes(10);
  o.idle_timeout = absl::Milliseconds(300);
  WebServer web(o, {});
  ASSERT_TRUE(web.Start().ok());
  int half = Connect(web.port());
  ASSERT_GE(half, 0);
  ASSERT_GT(send(half, "GET /healthz HTTP/1.1\r\n", 23, MSG_NOSIGNAL), 0);
  int silent = Connect(web.port());
  ASSERT_GE(silent, 0);
  EXPECT_EQ(Get(Url(web.port(), "/healthz")).status, 200);
  std::string r = ReadAll(half);
  EXPECT_TRUE(absl::StartsWith(r, "HTTP/1.1 408 ")) << r;
  r = ReadAll(silent);
  EXPECT_TRUE(absl::StartsWith(r, "HTTP/1.1 408 ")) << r;
  close(half);
  close(silent);
}

TEST(WebServerTest, TlsHandshakeTimeoutCloses) {
  std::string pem = CertDir() + "/webserver-idle.pem";
  WriteFile(pem, Slurp(CertDir() + "/server.key") + Slurp(CertDir() + "/server.pem"));
  WebServerOptions o = LocalOptions();
  o.ssl_enabled = true;
  o.ssl_certificate = pem;
  o.header_timeout = absl::Milliseconds(300);
  WebServer web(o, {});
  ASSERT_TRUE(web.Start().ok());
  int fd = Connect(web.port());
  ASSERT_GE(fd, 0);
  ASSERT_EQ(send(fd, "\x16\x03\x01", 3, MSG_NOSIGNAL), 3);  // a ClientHello that never ends
  EXPECT_TRUE(ClosedByServer(fd, absl::Seconds(30)));
  close(fd);
}

TEST(WebServerTest, StopIsPromptWithClientsConnectedAndIdempotent) {
  WebServerOptions o = LocalOptions();
  o.header_timeout = absl::Hours(1);  // Stop must not wait for it
  o.idle_timeout = absl::Hours(1);
  o.threadiness = 1;
  auto web = std::make_unique<WebServer>(o, WebServerHooks{});
  ASSERT_TRUE(web->Start().ok());
  int port = web->port();
  int slow = Connect(port);
  ASSERT_GE(slow, 0);
  ASSERT_GT(send(slow, "GET /", 5, MSG_NOSIGNAL), 0);
  int queued = Connect(port);
  ASSERT_GE(queued, 0);
  web->Stop();
  web->Stop();
  EXPECT_EQ(ReadAll(slow), "");
  EXPECT_EQ(ReadAll(queued), "");
  close(slow);
  close(queued);
  web.reset();
  EXPECT_LT(Connect(port), 0);  // the port is closed
}

TEST(WebServerTest, AddressInUseIsAClearError) {
  WebServer a(LocalOptions(), {});
  ASSERT_TRUE(a.Start().ok());
  WebServerOptions o = LocalOptions();
  o.listen_port = a.port();
  WebServer b(o, {});
  absl::Status st = b.Start();
  EXPECT_EQ(st.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(st.message(), "Address already in use")) << st;
  EXPECT_TRUE(absl::StrContains(st.message(), absl::StrCat("127.0.0.1:", a.port()))) << st;
  b.Stop();

  WebServerOptions bad = LocalOptions();
  bad.listen_address = "not an address";
  EXPECT_FALSE(WebServer(bad, {}).Start().ok());
}

TEST(WebServerTest, DisabledDoesNotListen) {
  WebServerOptions o = LocalOptions();
  o.enabled = false;
  WebServer web(o, {});
  EXPECT_TRUE(web.Start().ok());
  EXPECT_EQ(web.port(), 0);
}

TEST(WebServerTest, TlsWithOnePemHoldingKeyAndChain) {
  std::string pem = CertDir() + "/webserver.pem";
  WriteFile(pem, Slurp(CertDir() + "/server.key") + Slurp(CertDir() + "/server.pem"));
  metrics::Registry registry;
  registry.Add([](metrics::Writer& w) { w.Gauge("g", "", {}, 1); });
  WebServerOptions o = LocalOptions();
  o.ssl_enabled = true;
  o.ssl_certificate = pem;
  WebServer web(o, {.metrics = &registry});
  absl::Status st = web.Start();
  ASSERT_TRUE(st.ok()) << st;
  std::string ca = CertDir() + "/ca.pem";
  HttpResult h = Get(Url(web.port(), "/healthz", "https", "localhost"), ca);
  EXPECT_EQ(h.code, CURLE_OK) << curl_easy_strerror(h.code);
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.body, "{\"status\":\"ok\"}");
  EXPECT_EQ(Get(Url(web.port(), "/metrics", "https", "127.0.0.1"), ca).body,
            "# TYPE g gauge\ng 1\n");
  // A client that does not trust the CA refuses; plain HTTP gets nothing
  // useful; neither harms the server.
  std::string other_ca = CertDir() + "/other-ca.pem";
  EXPECT_NE(Get(Url(web.port(), "/healthz", "https", "localhost"), other_ca).code, CURLE_OK);
  EXPECT_NE(Get(Url(web.port(), "/healthz")).status, 200);
  EXPECT_EQ(Get(Url(web.port(), "/healthz", "https", "localhost"), ca).status, 200);
}

TEST(WebServerTest, BadCertificateFilesAreNamed) {
  WebServerOptions o = LocalOptions();
  o.ssl_enabled = true;
  o.ssl_certificate = CertDir() + "/missing.pem";
  absl::Status st = WebServer(o, {}).Start();
  EXPECT_FALSE(st.ok());
  EXPECT_TRUE(absl::StrContains(st.message(), o.ssl_certificate)) << st;
  EXPECT_TRUE(absl::StrContains(st.message(), "No such file")) << st;

  o.ssl_certificate = CertDir() + "/server.pem";  // the certificate without its key
  st = WebServer(o, {}).Start();
  EXPECT_FALSE(st.ok());
  EXPECT_TRUE(absl::StrContains(st.message(), o.ssl_certificate)) << st;
  EXPECT_TRUE(absl::StrContains(st.message(), "private key")) << st;

  std::string garbage = CertDir() + "/garbage.pem";
  WriteFile(garbage, "not a pem\n");
  o.ssl_certificate = garbage;
  st = WebServer(o, {}).Start();
  EXPECT_FALSE(st.ok());
  EXPECT_TRUE(absl::StrContains(st.message(), garbage)) << st;

  std::string mismatch = CertDir() + "/mismatch.pem";  // client1's key, server's chain
  WriteFile(mismatch, Slurp(CertDir() + "/client1.key") + Slurp(CertDir() + "/server.pem"));
  o.ssl_certificate = mismatch;
  st = WebServer(o, {}).Start();
  EXPECT_FALSE(st.ok());
  EXPECT_TRUE(absl::StrContains(st.message(), mismatch)) << st;
}

}  // namespace
}  // namespace saker::observe
