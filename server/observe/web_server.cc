#include "server/observe/web_server.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace saker::observe {

namespace {

constexpr int kBacklog = 512;  // connections the kernel holds until a loop accepts them

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) {
    return "unknown OpenSSL error";
  }
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  return buf;
}

std::string StatusJson(std::string_view status, const absl::Status& st) {
  std::string body = absl::StrCat("{\"status\":", http::JsonQuote(status));
  if (!st.ok()) {
    std::string reason(st.message().data(), st.message().size());
    absl::StrAppend(&body, ",\"reason\":", http::JsonQuote(reason));
  }
  return body + "}";
}

}  // namespace

absl::Status LoadServerPem(SSL_CTX* ctx, const std::string& path) {
  if (::access(path.c_str(), R_OK) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("webserver ssl_certificate ", path, ": ", strerror(errno)));
  }
  ERR_clear_error();
  if (SSL_CTX_use_certificate_chain_file(ctx, path.c_str()) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("webserver ssl_certificate ", path,
                     ": no usable certificate (the file must hold the PEM certificate chain and "
                     "its private key): ",
                     OpenSslError()));
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, path.c_str(), SSL_FILETYPE_PEM) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("webserver ssl_certificate ", path,
                     ": no usable private key (the file must hold the PEM private key and the "
                     "certificate chain): ",
                     OpenSslError()));
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("webserver ssl_certificate ", path,
                     ": the private key does not match the certificate: ", OpenSslError()));
  }
  return absl::OkStatus();
}

WebServer::WebServer(WebServerOptions options, WebServerHooks hooks)
    : options_(std::move(options)), hooks_(std::move(hooks)) {}

WebServer::~WebServer() {
  Stop();
  if (tls_ != nullptr) {
    SSL_CTX_free(tls_);
  }
}

absl::Status WebServer::Start() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (started_) {
      return absl::FailedPreconditionError("webserver: already started");
    }
    started_ = true;
  }
  if (!options_.enabled) {
    return absl::OkStatus();  // webserver.enabled: false
  }
  if (options_.ssl_enabled) {
    tls_ = SSL_CTX_new(TLS_server_method());
    if (tls_ == nullptr) {
      return absl::InternalError(absl::StrCat("webserver: TLS: ", OpenSslError()));
    }
    SSL_CTX_set_min_proto_version(tls_, TLS1_2_VERSION);
    if (auto st = LoadServerPem(tls_, options_.ssl_certificate); !st.ok()) {
      return st;
    }
  }
  if (auto st = Listen(); !st.ok()) {
    return st;
  }
  return StartLoops();
}

absl::Status WebServer::Listen() {
  std::string where = absl::StrCat(options_.listen_address, ":", options_.listen_port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  std::string port = std::to_string(options_.listen_port);
  int gai = getaddrinfo(options_.listen_address.empty() ? nullptr : options_.listen_address.c_str(),
                        port.c_str(), &hints, &res);
  if (gai != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("webserver listen_address ", where, ": ", gai_strerror(gai)));
  }
  int fd = ::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  int one = 1;
  if (fd < 0) {
    freeaddrinfo(res);
    return absl::InternalError(absl::StrCat("webserver: socket: ", strerror(errno)));
  }
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (::bind(fd, res->ai_addr, res->ai_addrlen) != 0 || ::listen(fd, kBacklog) != 0) {
    int err = errno;
    freeaddrinfo(res);
    ::close(fd);
    std::string hint = err == EADDRINUSE ? " (another process listens there: change "
                                           "webserver.listen_port)"
                                         : "";
    return absl::UnavailableError(
        absl::StrCat("webserver: cannot listen on ", where, ": ", strerror(err), hint));
  }
  freeaddrinfo(res);
  sockaddr_storage bound{};
  socklen_t len = sizeof(bound);
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  port_ = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                      : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  listen_fd_ = fd;
  return absl::OkStatus();
}

absl::Status WebServer::StartLoops() {
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) {
    return absl::InternalError(absl::StrCat("webserver: eventfd: ", strerror(errno)));
  }
  size_t max = std::max<size_t>(1, options_.max_connections);
  size_t loops = std::min<size_t>(options_.threadiness > 0 ? options_.threadiness : 2, max);
  Conn::Handler handler = [this](const http::Request& req) { return Handle(req); };
  for (size_t i = 0; i < loops; ++i) {
    EventLoop::Params p;
    p.listen_fd = listen_fd_;
    p.stop_fd = stop_fd_;
    p.tls = tls_;
    p.limits = {.header_timeout = options_.header_timeout,
                .idle_timeout = options_.idle_timeout,
                .max_request_bytes = options_.max_request_bytes};
    p.max_connections = max / loops + (i < max % loops ? 1 : 0);  // they sum to max
    p.stats = &stats_;
    loops_.push_back(std::make_unique<EventLoop>(p, handler));
    if (auto st = loops_.back()->Init(); !st.ok()) {
      loops_.clear();
      return st;
    }
  }
  for (auto& loop : loops_) {
    threads_.emplace_back([l = loop.get()] { l->Run(); });
  }
  return absl::OkStatus();
}

void WebServer::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stopped_) {
      return;
    }
    stopped_ = true;
  }
  if (stop_fd_ >= 0) {
    uint64_t one = 1;
    (void)!::write(stop_fd_, &one, sizeof(one));  // stays readable: every loop returns
  }
  for (auto& t : threads_) {
    t.join();
  }
  threads_.clear();
  loops_.clear();  // closes their connections
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
  if (stop_fd_ >= 0) {
    ::close(stop_fd_);
    stop_fd_ = -1;
  }
}

std::string WebServer::Handle(const http::Request& req) {
  constexpr char kJson[] = "application/json";
  const std::string& method = req.method;
  const std::string& path = req.path;
  bool head = method == "HEAD";
  if (method != "GET" && !head) {
    return http::Response(405, "text/plain; charset=utf-8", "method not allowed\n", false,
                          "Allow: GET, HEAD\r\n");
  }
  if (path == options_.metrics_endpoint && options_.prometheus_metrics_enabled &&
      hooks_.metrics != nullptr) {
    return http::Response(200, kMetricsContentType, hooks_.metrics->Scrape(), head);
  }
  if (path == options_.k8s_healthz_endpoint) {
    absl::Status st = hooks_.liveness ? hooks_.liveness() : absl::OkStatus();
    return http::Response(st.ok() ? 200 : 503, kJson, StatusJson(st.ok() ? "ok" : "error", st),
                          head);
  }
  if (path == options_.readiness_endpoint) {
    absl::Status st = hooks_.readiness ? hooks_.readiness() : absl::OkStatus();
    return http::Response(st.ok() ? 200 : 503, kJson,
                          StatusJson(st.ok() ? "ready" : "not ready", st), head);
  }
  if (path == options_.versions_endpoint) {
    std::string body = "{";
    for (const auto& [k, v] : hooks_.versions) {
      absl::StrAppend(&body, body.size() > 1 ? "," : "", http::JsonQuote(k), ":",
                      http::JsonQuote(v));
    }
    return http::Response(200, kJson, body + "}", head);
  }
  return http::Response(404, "text/plain; charset=utf-8", "not found\n", head);
}

}  // namespace saker::observe
