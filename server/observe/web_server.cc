#include "server/observe/web_server.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/observe/conn.h"
#include "server/observe/http.h"

namespace saker::observe {

namespace {

constexpr size_t kMaxPending = 256;  // accepted connections waiting for a worker

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
    return absl::InvalidArgumentError(absl::StrCat("webserver ssl_certificate ", path, ": ",
                                                   strerror(errno)));
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
    return absl::InvalidArgumentError(absl::StrCat(
        "webserver ssl_certificate ", path,
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
  if (::bind(fd, res->ai_addr, res->ai_addrlen) != 0 || ::listen(fd, 128) != 0) {
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
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) {
    ::close(fd);
    return absl::InternalError(absl::StrCat("webserver: eventfd: ", strerror(errno)));
  }
  listen_fd_ = fd;
  int workers = options_.threadiness > 0
                    ? options_.threadiness
                    : std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
  for (int i = 0; i < workers; ++i) {
    workers_.emplace_back([this] { WorkerLoop(); });
  }
  acceptor_ = std::thread([this] { AcceptLoop(); });
  return absl::OkStatus();
}

void WebServer::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stopped_) {
      return;
    }
    stopped_ = true;
    stopping_.store(true);
  }
  if (stop_fd_ >= 0) {
    uint64_t one = 1;
    (void)!::write(stop_fd_, &one, sizeof(one));  // wakes every poll at once
  }
  cv_.notify_all();
  if (acceptor_.joinable()) {
    acceptor_.join();
  }
  for (auto& w : workers_) {
    w.join();
  }
  workers_.clear();
  std::lock_guard<std::mutex> l(mu_);
  for (int fd : pending_) {
    ::close(fd);
  }
  pending_.clear();
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
  if (stop_fd_ >= 0) {
    ::close(stop_fd_);
    stop_fd_ = -1;
  }
}

void WebServer::AcceptLoop() {
  while (!stopping_.load()) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) {
      return;
    }
    if (fds[1].revents != 0) {
      return;
    }
    if ((fds[0].revents & POLLIN) == 0) {
      continue;
    }
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE) {
        ::poll(nullptr, 0, 50);  // out of descriptors: let workers close some
      }
      continue;
    }
    std::lock_guard<std::mutex> l(mu_);
    if (pending_.size() >= kMaxPending) {
      ::close(fd);  // overloaded: refuse rather than queue without bound
      continue;
    }
    pending_.push_back(fd);
    cv_.notify_one();
  }
}

void WebServer::WorkerLoop() {
  for (;;) {
    int fd;
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [this] { return stopping_.load() || !pending_.empty(); });
      if (stopping_.load()) {
        return;
      }
      fd = pending_.front();
      pending_.pop_front();
    }
    Serve(fd);
  }
}

void WebServer::Serve(int fd) {
  Conn conn(fd, tls_, stop_fd_);
  absl::Time deadline = absl::Now() + options_.request_timeout;
  if (conn.Handshake(deadline) != Conn::Io::kOk) {
    return;
  }
  std::string data;
  std::string response;
  http::Request req;
  char buf[4096];
  for (;;) {
    http::Parse p = http::ParseHead(data, &req);
    if (p == http::Parse::kOk) {
      response = Handle(req.method, req.path);
      break;
    }
    if (p == http::Parse::kBad) {
      response = http::Response(400, "text/plain; charset=utf-8", "bad request\n");
      break;
    }
    if (data.size() > options_.max_request_bytes) {
      response = http::Response(431, "text/plain; charset=utf-8", "request too large\n");
      break;
    }
    size_t n = 0;
    size_t want = std::min(sizeof(buf), options_.max_request_bytes + 1 - data.size());
    Conn::Io io = conn.Read(buf, want, &n, deadline);
    if (io == Conn::Io::kTimeout) {
      response = http::Response(408, "text/plain; charset=utf-8", "request timeout\n");
      deadline = absl::Now() + absl::Seconds(1);  // for sending the 408
      break;
    }
    if (io != Conn::Io::kOk) {
      return;  // the client went away, or the server stops
    }
    data.append(buf, n);
  }
  if (conn.WriteAll(response, deadline) == Conn::Io::kOk) {
    conn.Finish(std::min(deadline, absl::Now() + absl::Seconds(1)));
  }
}

std::string WebServer::Handle(const std::string& method, const std::string& path) {
  constexpr char kJson[] = "application/json";
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
