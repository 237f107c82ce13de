#include "server/outputs/http_output.h"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/outputs/gzip.h"

namespace saker::outputs {

struct HttpOutput::Curl {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  char error[CURL_ERROR_SIZE] = {};

  ~Curl() {
    if (easy != nullptr) {
      curl_easy_cleanup(easy);
    }
    curl_slist_free_all(headers);
  }
};

namespace {

size_t AppendResponse(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

absl::Status Readable(absl::string_view key, const std::string& path) {
  if (!path.empty() && access(path.c_str(), R_OK) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("http_output: ", key, " '", path, "' is not readable; fix the path"));
  }
  return absl::OkStatus();
}

// Transport errors that another attempt cannot fix: the URL or the TLS
// configuration is wrong.
bool RetryableCurlError(CURLcode rc) {
  switch (rc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_LOGIN_DENIED:
      return false;
    default:
      return true;
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpOutput>> HttpOutput::Create(HttpOutputOptions options) {
  if (!absl::StartsWith(options.url, "http://") && !absl::StartsWith(options.url, "https://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("http_output: url '", options.url, "' must start with http:// or https://"));
  }
  for (auto [key, path] : {std::pair<const char*, const std::string*>{"ca_cert", &options.ca_cert},
                           {"ca_bundle", &options.ca_bundle}}) {
    if (absl::Status s = Readable(key, *path); !s.ok()) {
      return s;
    }
  }
  if (options.mtls) {
    if (options.client_cert.empty() || options.client_key.empty()) {
      return absl::InvalidArgumentError(
          "http_output: mtls needs client_cert and client_key; set both");
    }
    for (auto [key, path] :
         {std::pair<const char*, const std::string*>{"client_cert", &options.client_cert},
          {"client_key", &options.client_key}}) {
      if (absl::Status s = Readable(key, *path); !s.ok()) {
        return s;
      }
    }
  }
  if (options.max_retries < 0 || options.queue_capacity == 0) {
    return absl::InvalidArgumentError(
        "http_output: max_retries must be >= 0 and queue_capacity > 0");
  }
  // Reference-counted and thread-safe in libcurl >= 7.84 (Debian 12: 7.88).
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    return absl::InternalError("http_output: curl_global_init failed");
  }
  std::unique_ptr<HttpOutput> out(new HttpOutput(std::move(options)));
  out->worker_ = std::thread([p = out.get()] { p->Run(); });
  return out;
}

HttpOutput::HttpOutput(HttpOutputOptions options) : options_(std::move(options)) {}

HttpOutput::~HttpOutput() {
  {
    absl::MutexLock l(&mu_);
    stopping_ = true;
  }
  if (worker_.joinable()) {
    worker_.join();
  }
  {
    absl::MutexLock l(&mu_);
    dropped_.fetch_add(queue_.size(), std::memory_order_relaxed);
    queue_.clear();
  }
  curl_.reset();
  curl_global_cleanup();
}

absl::Status HttpOutput::Write(const Alert& alert) {
  absl::MutexLock l(&mu_);
  if (queue_.size() >= options_.queue_capacity) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return absl::OkStatus();  // counted as a drop, not a failed write
  }
  queue_.push_back(alert.json);
  return absl::OkStatus();
}

void HttpOutput::SetFailureHandler(OutputFailureHandler handler) {
  absl::MutexLock l(&handler_mu_);
  on_failure_ = std::move(handler);
}

OutputCounters HttpOutput::Counters() const {
  OutputCounters c;
  c.sent = sent_.load(std::memory_order_relaxed);
  c.failed = failed_.load(std::memory_order_relaxed);
  c.dropped = dropped_.load(std::memory_order_relaxed);
  c.retries = retries_.load(std::memory_order_relaxed);
  absl::MutexLock l(&mu_);
  c.queue_depth = queue_.size() + (in_flight_ ? 1 : 0);
  return c;
}

bool HttpOutput::Flush(absl::Duration timeout) {
  absl::MutexLock l(&mu_);
  auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return queue_.empty() && !in_flight_; };
  return mu_.AwaitWithTimeout(absl::Condition(&idle), timeout);
}

void HttpOutput::Run() {
  std::string json;
  for (;;) {
    {
      absl::MutexLock l(&mu_);
      auto ready = [this]()
                       ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !queue_.empty() || stopping_; };
      mu_.Await(absl::Condition(&ready));
      if (stopping_) {
        return;
      }
      json = std::move(queue_.front());
      queue_.pop_front();
      in_flight_ = true;
    }
    Deliver(json);
    absl::MutexLock l(&mu_);
    in_flight_ = false;
  }
}

bool HttpOutput::Backoff(absl::Duration d) {
  absl::MutexLock l(&mu_);
  return !mu_.AwaitWithTimeout(absl::Condition(&stopping_), d);
}

void HttpOutput::Deliver(const std::string& json) {
  const std::string* body = &json;
  std::string compressed;
  if (options_.compress_uploads) {
    absl::StatusOr<std::string> z = Gzip(json);
    if (z.ok()) {
      compressed = std::move(*z);
      body = &compressed;
    }
  }
  absl::Duration backoff = options_.initial_backoff;
  for (int attempt = 0;; ++attempt) {
    bool retryable = false;
    absl::Duration retry_after;
    absl::Status s = Post(*body, &retryable, &retry_after);
    if (s.ok()) {
      sent_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    if (retryable && attempt < options_.max_retries) {
      retries_.fetch_add(1, std::memory_order_relaxed);
      // A receiver's Retry-After (429, 503) stretches the wait, up to the
      // longest backoff.
      if (Backoff(std::min(std::max(backoff, retry_after), options_.max_backoff))) {
        backoff = std::min(backoff * 2, options_.max_backoff);
        continue;
      }
      dropped_.fetch_add(1, std::memory_order_relaxed);  // shutting down
      return;
    }
    failed_.fetch_add(1, std::memory_order_relaxed);
    dropped_.fetch_add(1, std::memory_order_relaxed);
    absl::MutexLock l(&handler_mu_);
    if (on_failure_) {
      on_failure_(Name(), absl::Status(s.code(), absl::StrCat(s.message(), " (gave up after ",
                                                              attempt + 1, " attempts)")));
    }
    return;
  }
}

absl::Status HttpOutput::Post(const std::string& body, bool* retryable,
                              absl::Duration* retry_after) {
  if (curl_ == nullptr) {
    auto c = std::make_unique<Curl>();
    c->easy = curl_easy_init();
    if (c->easy == nullptr) {
      *retryable = true;
      return absl::ResourceExhaustedError("http_output: curl_easy_init failed");
    }
    CURL* h = c->easy;
    c->headers = curl_slist_append(c->headers, "Content-Type: application/json");
    if (options_.compress_uploads) {
      c->headers = curl_slist_append(c->headers, "Content-Encoding: gzip");
    }
    c->headers = curl_slist_append(c->headers, "Expect:");  // no 100-continue round trip
    curl_easy_setopt(h, CURLOPT_URL, options_.url.c_str());
    curl_easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, c->headers);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(absl::ToInt64Milliseconds(options_.timeout)));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(absl::ToInt64Milliseconds(options_.timeout)));
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->error);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &AppendResponse);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &response_);
    if (!options_.ca_cert.empty()) {
      curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_cert.c_str());
    } else if (!options_.ca_bundle.empty()) {
      curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_bundle.c_str());
    } else if (!options_.ca_path.empty()) {
      curl_easy_setopt(h, CURLOPT_CAPATH, options_.ca_path.c_str());
    }
    if (options_.insecure) {
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (options_.mtls) {
      curl_easy_setopt(h, CURLOPT_SSLCERT, options_.client_cert.c_str());
      curl_easy_setopt(h, CURLOPT_SSLKEY, options_.client_key.c_str());
    }
    curl_ = std::move(c);
  }
  CURL* h = curl_->easy;
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  response_.clear();
  curl_->error[0] = '\0';
  CURLcode rc = curl_easy_perform(h);
  long code = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  curl_off_t after_s = 0;
  if (curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &after_s) == CURLE_OK && after_s > 0) {
    *retry_after = absl::Seconds(after_s);
  }
  std::string error = curl_->error[0] != '\0' ? curl_->error : curl_easy_strerror(rc);
  if (!options_.keep_alive) {
    curl_.reset();  // a new handle, and so a new connection, for the next alert
  }
  if (options_.echo && options_.echo_to != nullptr && !response_.empty()) {
    fprintf(options_.echo_to, "%s\n", response_.c_str());
    fflush(options_.echo_to);
  }
  if (rc != CURLE_OK) {
    *retryable = RetryableCurlError(rc);
    return absl::UnavailableError(absl::StrCat("http_output: POST ", options_.url, ": ", error));
  }
  if (code >= 200 && code < 300) {
    return absl::OkStatus();
  }
  *retryable = code >= 500 || code == 429;
  return absl::UnavailableError(
      absl::StrCat("http_output: POST ", options_.url, ": HTTP status ", code));
}

}  // namespace saker::outputs
