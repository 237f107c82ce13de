#pragma once

// Structured logs with Falco's levels and sinks (log_level, log_stderr,
// log_syslog), as text or JSON. No global logger: the daemon owns one and
// passes it (or a reference) to whatever logs.
//
//   Logger log({.level = LogLevel::kInfo, .format = LogFormat::kText});
//   log.Info("reloaded", {{"rules", 25}, {"file", path}});
//
// Text (stderr):  2024-05-01T12:00:00.123Z info sakerd: reloaded rules=25 file=/etc/x.yaml
//   Values are quoted ("a b") when they contain spaces, quotes, '=' or
//   control characters, or are empty; newlines in the message become "\n" so
//   a record is always one line.
// JSON:           {"time":"2024-05-01T12:00:00.123Z","level":"info","msg":"reloaded",
//                  "rules":25,"file":"/etc/x.yaml"}
// syslog gets the same record without the time and level (syslog has its
// own), at the level's syslog severity, facility daemon.

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace saker::observe {

// Falco's log_level names; the values are syslog severities.
enum class LogLevel {
  kEmergency = 0,
  kAlert = 1,
  kCritical = 2,
  kError = 3,
  kWarning = 4,
  kNotice = 5,
  kInfo = 6,
  kDebug = 7,
};

// "emergency", "alert", "critical", "error", "warning", "notice", "info",
// "debug" (case-insensitive); anything else is an error listing them.
absl::StatusOr<LogLevel> ParseLogLevel(std::string_view name);
std::string_view LogLevelName(LogLevel level);

enum class LogFormat { kText, kJson };

// One typed key/value: string, integer, double or bool.
class LogField {
 public:
  using Value = std::variant<std::string, int64_t, double, bool>;

  LogField(std::string_view key, const char* v) : key_(key), value_(std::string(v)) {}
  LogField(std::string_view key, std::string v) : key_(key), value_(std::move(v)) {}
  LogField(std::string_view key, std::string_view v) : key_(key), value_(std::string(v)) {}
  LogField(std::string_view key, bool v) : key_(key), value_(v) {}
  template <class T,
            std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  LogField(std::string_view key, T v) : key_(key), value_(static_cast<int64_t>(v)) {}
  template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
  LogField(std::string_view key, T v) : key_(key), value_(static_cast<double>(v)) {}

  const std::string& key() const { return key_; }
  const Value& value() const { return value_; }

 private:
  std::string key_;
  Value value_;
};

// One formatted record as the sinks receive it.
struct LogLine {
  LogLevel level;
  std::string_view full;  // the whole line, without the newline
  std::string_view body;  // without time and level (text: "sakerd: ..." dropped too)
};

class LogSink {
 public:
  virtual ~LogSink() = default;
  // Called under the logger's lock: one record at a time.
  virtual void Write(const LogLine& line) = 0;
};

// Writes `full` and a newline to a file descriptor with one write() (a line
// never interleaves with another writer's, for lines up to PIPE_BUF on a
// pipe and any length on a file opened O_APPEND). Does not own the fd.
class FdSink : public LogSink {
 public:
  explicit FdSink(int fd) : fd_(fd) {}
  void Write(const LogLine& line) override;

 private:
  int fd_;
  std::string buf_;
};

// Sends `body` to the syslog socket (RFC 3164 framing: <PRI>TIME ident[pid]: body),
// facility daemon. Datagrams that cannot be sent (no syslog daemon) are
// counted, never retried and never block.
class SyslogSink : public LogSink {
 public:
  explicit SyslogSink(std::string socket_path = "/dev/log", std::string ident = "sakerd");
  ~SyslogSink() override;
  void Write(const LogLine& line) override;
  uint64_t failed() const { return failed_.load(std::memory_order_relaxed); }

 private:
  std::string path_;
  std::string ident_;
  int fd_ = -1;
  std::atomic<uint64_t> failed_{0};
};

struct LoggerOptions {
  LogLevel level = LogLevel::kInfo;
  LogFormat format = LogFormat::kText;
  bool log_stderr = true;
  bool log_syslog = false;
  std::string syslog_path = "/dev/log";
  std::string ident = "sakerd";  // the "sakerd:" of text lines and the syslog tag
  std::function<absl::Time()> clock;  // null: absl::Now (tests pin it)
};

class Logger {
 public:
  // Sinks from the options (stderr, syslog).
  explicit Logger(LoggerOptions options);
  // Explicit sinks (log_stderr and log_syslog are ignored).
  Logger(LoggerOptions options, std::vector<std::unique_ptr<LogSink>> sinks);
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  bool Enabled(LogLevel level) const {
    return static_cast<int>(level) <= level_.load(std::memory_order_relaxed);
  }
  // Safe at any time (e.g. on a configuration reload).
  void set_level(LogLevel level) { level_.store(static_cast<int>(level)); }
  LogLevel level() const { return static_cast<LogLevel>(level_.load()); }

  void Log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {});
  void Emergency(std::string_view m, std::initializer_list<LogField> f = {}) {
    Log(LogLevel::kEmergency, m, f);
  }
  void Alert(std::string_view m, std::initializer_list<LogField> f = {}) {
    Log(LogLevel::kAlert, m, f);
  }
  void Critical(std::string_view m, std::initializer_list<LogField> f = {}) {
    Log(LogLevel::kCritical, m, f);
  }
  void Error(std::string_view m, std::initializer_list<LogField> f = {}) {
    Log(LogLevel::kError, m, f);
  }
  void Warning(std::string_view m, std::initializer_list<LogField> f = {}) {
    Log(LogLevel::kWarning, m, f);
  }
  void Notice(std::string_view m, std::initializer_list<LogField> f = {}) {
    Log(LogLevel::kNotice, m, f);
  }
  void Info(std::string_view m, std::initializer_list<LogField> f = {}) {
    Log(LogLevel::kInfo, m, f);
  }
  void Debug(std::string_view m, std::initializer_list<LogField> f = {}) {
    Log(LogLevel::kDebug, m, f);
  }

 private:
  const LoggerOptions options_;
  std::atomic<int> level_;
  std::mutex mu_;  // one record at a time through every sink
  std::vector<std::unique_ptr<LogSink>> sinks_ ABSL_GUARDED_BY(mu_);
};

// The pieces of the formats, for tests and for other writers of the same
// format: RFC 3339 UTC with milliseconds; a text value, quoted if needed; a
// JSON string literal with its quotes.
std::string FormatLogTime(absl::Time t);
std::string TextValue(std::string_view v);
std::string JsonString(std::string_view v);

}  // namespace saker::observe
