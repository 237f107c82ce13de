// The web server over real sockets: every endpoint through libcurl, raw
// requests for the edge cases (405, oversized, malformed, slow clients),
// TLS with a PEM made at test time, readiness flipping, errors at Start.

#include "server/observe/web_server.h"

#include <arpa/inet.h>
#include <curl/curl.h>
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
#include "testdata/certs/cert_dir.h"

namespace saker::observe {
namespace {

struct HttpResult {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  std::string content_type;
};

size_t Append(char* p, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(p, size * n);
  return size * n;
}

HttpResult Get(const std::string& url, const std::string& ca = "",
               const std::string& method = "") {
  HttpResult r;
  CURL* c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (!ca.empty()) {
    curl_easy_setopt(c, CURLOPT_CAINFO, ca.c_str());
  }
  if (method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (!method.empty()) {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  r.code = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  char* ct = nullptr;
  curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
  if (ct != nullptr) {
    r.content_type = ct;
  }
  curl_easy_cleanup(c);
  return r;
}

int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    close(fd);
    return -1;
  }
  timeval tv{60, 0};  // a generous bound so a broken server fails the test, not hangs it
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  return fd;
}

std::string ReadAll(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
    out.append(buf, n);
  }
  return out;
}

// Sends `request` on a fresh connection and returns everything the server sent.
std::string Raw(int port, const std::string& request) {
  int fd = Connect(port);
  EXPECT_GE(fd, 0);
  size_t off = 0;
  while (off < request.size()) {
    ssize_t n = send(fd, request.data() + off, request.size() - off, MSG_NOSIGNAL);
    if (n <= 0) {
      break;
    }
    off += n;
  }
  std::string out = ReadAll(fd);
  close(fd);
  return out;
}

std::string Url(int port, const std::string& path, const std::string& scheme = "http",
                const std::string& host = "127.0.0.1") {
  return absl::StrCat(scheme, "://", host, ":", port, path);
}

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
  WebServer web(LocalOptions(),
                {.liveness =
                     [&] {
                       return live ? absl::OkStatus()
                                   : absl::UnavailableError("event loop stalled for 30s");
                     },
                 .readiness =
                     [&] {
                       return ready ? absl::OkStatus()
                                    : absl::UnavailableError("probe not attached \"yet\"");
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

  std::string big = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(64 * 1024, 'a') +
                    "\r\n\r\n";
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

TEST(WebServerTest, SlowClientsDoNotHangTheServer) {
  WebServerOptions o = LocalOptions();
  o.request_timeout = absl::Seconds(1);
  WebServer web(o, {});
  ASSERT_TRUE(web.Start().ok());
  // One sends half a request, one sends nothing; both hold a connection.
  int half = Connect(web.port());
  ASSERT_GE(half, 0);
  ASSERT_GT(send(half, "GET /healthz HTTP/1.1\r\n", 23, MSG_NOSIGNAL), 0);
  int silent = Connect(web.port());
  ASSERT_GE(silent, 0);
  // Others are served meanwhile (or right after the timeout frees a worker).
  EXPECT_EQ(Get(Url(web.port(), "/healthz")).status, 200);
  // The slow ones get 408 once their time is up, and the connection closes.
  std::string r = ReadAll(half);
  EXPECT_TRUE(absl::StartsWith(r, "HTTP/1.1 408 ")) << r;
  r = ReadAll(silent);
  EXPECT_TRUE(absl::StartsWith(r, "HTTP/1.1 408 ")) << r;
  close(half);
  close(silent);
}

TEST(WebServerTest, StopIsPromptWithClientsConnectedAndIdempotent) {
  WebServerOptions o = LocalOptions();
  o.request_timeout = absl::Hours(1);  // Stop must not wait for it
  o.threadiness = 1;
  auto web = std::make_unique<WebServer>(o, WebServerHooks{});
  ASSERT_TRUE(web->Start().ok());
  int port = web->port();
  int slow = Connect(port);
  ASSERT_GE(slow, 0);
  ASSERT_GT(send(slow, "GET /", 5, MSG_NOSIGNAL), 0);
  int queued = Connect(port);  // waits behind the slow one (one worker)
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
