#include "server/observe/logger.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/observe/metrics.h"

namespace saker::observe {

namespace {

constexpr const char* kLevelNames[] = {"emergency", "alert",  "critical", "error",
                                       "warning",   "notice", "info",     "debug"};

absl::string_view AV(std::string_view v) { return absl::string_view(v.data(), v.size()); }

bool NeedsQuotes(std::string_view v) {
  if (v.empty()) {
    return true;
  }
  for (unsigned char c : v) {
    if (c <= ' ' || c == '"' || c == '=' || c == 0x7f) {
      return true;
    }
  }
  return false;
}

// Control characters as escapes; the rest as is.
void AppendEscaped(std::string& out, std::string_view v, bool json) {
  for (unsigned char c : v) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          snprintf(buf, sizeof(buf), json ? "\\u%04x" : "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
}

// A message on one line: newlines and other control characters escaped,
// everything else (quotes included) untouched.
void AppendMessage(std::string& out, std::string_view msg) {
  for (unsigned char c : msg) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 && c != '\t') {
      char buf[8];
      snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
}

std::string TextOf(const LogField::Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    return TextValue(*s);
  }
  if (const auto* i = std::get_if<int64_t>(&v)) {
    return absl::StrCat(*i);
  }
  if (const auto* d = std::get_if<double>(&v)) {
    return metrics::FormatDouble(*d);
  }
  return std::get<bool>(v) ? "true" : "false";
}

std::string JsonOf(const LogField::Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    return JsonString(*s);
  }
  if (const auto* i = std::get_if<int64_t>(&v)) {
    return absl::StrCat(*i);
  }
  if (const auto* d = std::get_if<double>(&v)) {
    return std::isfinite(*d) ? metrics::FormatDouble(*d) : "null";  // JSON has no Inf/NaN
  }
  return std::get<bool>(v) ? "true" : "false";
}

}  // namespace

absl::StatusOr<LogLevel> ParseLogLevel(std::string_view name) {
  std::string lower = absl::AsciiStrToLower(AV(name));
  for (int i = 0; i < 8; ++i) {
    if (lower == kLevelNames[i]) {
      return static_cast<LogLevel>(i);
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown log level \"", AV(name),
                   "\": use emergency, alert, critical, error, warning, notice, info or debug"));
}

std::string_view LogLevelName(LogLevel level) {
  int i = static_cast<int>(level);
  return i >= 0 && i < 8 ? kLevelNames[i] : "unknown";
}

std::string FormatLogTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

std::string TextValue(std::string_view v) {
  if (!NeedsQuotes(v)) {
    return std::string(v);
  }
  std::string out = "\"";
  AppendEscaped(out, v, false);
  out += '"';
  return out;
}

std::string JsonString(std::string_view v) {
  std::string out = "\"";
  AppendEscaped(out, v, true);
  out += '"';
  return out;
}

void FdSink::Write(const LogLine& line) {
  buf_.assign(line.full.data(), line.full.size());
  buf_ += '\n';
  const char* p = buf_.data();
  size_t left = buf_.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return;  // nowhere to report a failing log sink
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
}

SyslogSink::SyslogSink(std::string socket_path, std::string ident)
    : path_(std::move(socket_path)), ident_(std::move(ident)) {
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
}

SyslogSink::~SyslogSink() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

void SyslogSink::Write(const LogLine& line) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (fd_ < 0 || path_.size() >= sizeof(addr.sun_path)) {
    failed_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  memcpy(addr.sun_path, path_.data(), path_.size());
  constexpr int kFacilityDaemon = 3 << 3;
  std::string msg = absl::StrCat(
      "<", kFacilityDaemon + static_cast<int>(line.level), ">",
      absl::FormatTime("%b %e %H:%M:%S", absl::Now(), absl::LocalTimeZone()), " ", ident_, "[",
      getpid(), "]: ", AV(line.body));
  // Sent to the path each time: a restarted syslog daemon is picked up.
  if (::sendto(fd_, msg.data(), msg.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr),
               sizeof(addr)) < 0) {
    failed_.fetch_add(1, std::memory_order_relaxed);
  }
}

Logger::Logger(LoggerOptions options, std::vector<std::unique_ptr<LogSink>> sinks)
    : options_(std::move(options)),
      level_(static_cast<int>(options_.level)),
      sinks_(std::move(sinks)) {}

Logger::Logger(LoggerOptions options) : Logger(options, {}) {
  if (options_.log_stderr) {
    sinks_.push_back(std::make_unique<FdSink>(STDERR_FILENO));
  }
  if (options_.log_syslog) {
    sinks_.push_back(std::make_unique<SyslogSink>(options_.syslog_path, options_.ident));
  }
}

void Logger::Log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields) {
  if (!Enabled(level)) {
    return;
  }
  std::string time = FormatLogTime(options_.clock ? options_.clock() : absl::Now());
  std::string_view name = LogLevelName(level);
  std::string full, body;
  size_t body_at = 0;
  if (options_.format == LogFormat::kText) {
    absl::StrAppend(&full, time, " ", AV(name), " ", options_.ident, ": ");
    body_at = full.size();
    AppendMessage(full, msg);
    for (const LogField& f : fields) {
      absl::StrAppend(&full, " ", f.key(), "=", TextOf(f.value()));
    }
    body = full.substr(body_at);
  } else {
    full = absl::StrCat("{\"time\":\"", time, "\",\"level\":\"", AV(name), "\",");
    body_at = full.size();
    absl::StrAppend(&full, "\"msg\":", JsonString(msg));
    for (const LogField& f : fields) {
      absl::StrAppend(&full, ",", JsonString(f.key()), ":", JsonOf(f.value()));
    }
    full += '}';
    body = absl::StrCat("{", full.substr(body_at));
  }
  LogLine line{level, full, body};
  std::lock_guard<std::mutex> l(mu_);
  for (auto& sink : sinks_) {
    sink->Write(line);
  }
}

}  // namespace saker::observe
