#include "server/observe/web_test_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "testdata/certs/cert_dir.h"

namespace saker::observe::testing {
namespace {

size_t Append(char* p, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(p, size * n);
  return size * n;
}

}  // namespace

Prober::Prober() : curl_(curl_easy_init()) {}

Prober::~Prober() { curl_easy_cleanup(curl_); }

HttpResult Prober::Get(const std::string& url, const std::string& ca, const std::string& method,
                       absl::Duration timeout) {
  HttpResult r;
  CURL* c = curl_;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(timeout)));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);  // a new connection every time
  curl_easy_setopt(c, CURLOPT_CAINFO, ca.empty() ? nullptr : ca.c_str());
  curl_easy_setopt(c, CURLOPT_NOBODY, method == "HEAD" ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST,
                   method.empty() || method == "HEAD" ? nullptr : method.c_str());
  absl::Time start = absl::Now();
  r.code = curl_easy_perform(c);
  r.elapsed = absl::Now() - start;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  char* ct = nullptr;
  curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
  if (ct != nullptr) {
    r.content_type = ct;
  }
  return r;
}

HttpResult Get(const std::string& url, const std::string& ca, const std::string& method,
               absl::Duration timeout) {
  return Prober().Get(url, ca, method, timeout);
}

std::string Url(int port, const std::string& path, const std::string& scheme,
                const std::string& host) {
  return absl::StrCat(scheme, "://", host, ":", port, path);
}

int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    close(fd);
    return -1;
  }
  timeval tv{60, 0};
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

std::string Raw(int port, const std::string& request) {
  int fd = Connect(port);
  if (fd < 0) {
    return "";
  }
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

std::string ServerPem() {
  std::string out = testdata::CertDir() + "/webserver-key-and-chain.pem";
  std::ofstream f(out);
  for (const char* part : {"/server.key", "/server.pem"}) {
    std::ifstream in(testdata::CertDir() + part);
    f << in.rdbuf();
  }
  return out;
}

bool ClosedByServer(int fd, absl::Duration wait) {
  absl::Time deadline = absl::Now() + wait;
  char buf[4096];
  for (;;) {
    int64_t left = std::max<int64_t>(0, absl::ToInt64Milliseconds(deadline - absl::Now()));
    pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) > 0) {
      ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        return true;  // EOF or reset; a response before it (408) is discarded
      }
      continue;
    }
    if (left == 0) {
      return false;
    }
  }
}

}  // namespace saker::observe::testing
