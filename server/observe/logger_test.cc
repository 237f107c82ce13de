// Both formats exactly, level filtering, escaping, the syslog sink on a real
// datagram socket, and whole lines under concurrent writers.

#include "server/observe/logger.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "gtest/gtest.h"

namespace saker::observe {
namespace {

// Records every line a sink receives.
class MemorySink : public LogSink {
 public:
  explicit MemorySink(std::vector<std::string>* out, std::vector<std::string>* bodies = nullptr)
      : out_(out), bodies_(bodies) {}
  void Write(const LogLine& line) override {
    out_->emplace_back(line.full);
    if (bodies_ != nullptr) {
      bodies_->emplace_back(line.body);
    }
  }

 private:
  std::vector<std::string>* out_;
  std::vector<std::string>* bodies_;
};

LoggerOptions Pinned(LogFormat format, LogLevel level = LogLevel::kInfo) {
  LoggerOptions o;
  o.format = format;
  o.level = level;
  o.clock = [] { return absl::FromUnixMillis(1714564800123); };  // 2024-05-01T12:00:00.123Z
  return o;
}

std::unique_ptr<Logger> MemoryLogger(LoggerOptions o, std::vector<std::string>* out,
                                     std::vector<std::string>* bodies = nullptr) {
  std::vector<std::unique_ptr<LogSink>> sinks;
  sinks.push_back(std::make_unique<MemorySink>(out, bodies));
  return std::make_unique<Logger>(std::move(o), std::move(sinks));
}

TEST(LoggerTest, TextFormat) {
  std::vector<std::string> lines, bodies;
  auto log = MemoryLogger(Pinned(LogFormat::kText), &lines, &bodies);
  log->Info("capturing");
  std::string path = "/etc/saker/my rules.yaml";
  log->Info("reloaded", {{"rules", 25}, {"file", path}, {"ok", true}, {"ratio", 0.5},
                         {"empty", ""}, {"neg", -3}});
  log->Warning("odd", {{"v", "a\"b=c\nd"}, {"plain", std::string_view("x")}});
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "2024-05-01T12:00:00.123Z info sakerd: capturing");
  EXPECT_EQ(lines[1],
            "2024-05-01T12:00:00.123Z info sakerd: reloaded rules=25 "
            "file=\"/etc/saker/my rules.yaml\" ok=true ratio=0.5 empty=\"\" neg=-3");
  EXPECT_EQ(lines[2], "2024-05-01T12:00:00.123Z warning sakerd: odd v=\"a\\\"b=c\\nd\" plain=x");
  EXPECT_EQ(bodies[0], "capturing");
}

TEST(LoggerTest, MessageStaysOnOneLine) {
  std::vector<std::string> lines;
  auto log = MemoryLogger(Pinned(LogFormat::kText), &lines);
  log->Error("rules.yaml:3:1: bad\nsecond \"line\"");
  EXPECT_EQ(lines[0],
            "2024-05-01T12:00:00.123Z error sakerd: rules.yaml:3:1: bad\\nsecond \"line\"");
}

TEST(LoggerTest, JsonFormat) {
  std::vector<std::string> lines, bodies;
  auto log = MemoryLogger(Pinned(LogFormat::kJson), &lines, &bodies);
  log->Notice("reloaded \"x\"", {{"rules", 25}, {"file", "/a\\b\n\x01"}, {"ok", false},
                                  {"ms", 1.25}, {"nan", std::nan("")}});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0],
            "{\"time\":\"2024-05-01T12:00:00.123Z\",\"level\":\"notice\","
            "\"msg\":\"reloaded \\\"x\\\"\",\"rules\":25,\"file\":\"/a\\\\b\\n\\u0001\","
            "\"ok\":false,\"ms\":1.25,\"nan\":null}");
  EXPECT_EQ(bodies[0],
            "{\"msg\":\"reloaded \\\"x\\\"\",\"rules\":25,\"file\":\"/a\\\\b\\n\\u0001\","
            "\"ok\":false,\"ms\":1.25,\"nan\":null}");
}

TEST(LoggerTest, LevelFiltering) {
  std::vector<std::string> lines;
  auto log = MemoryLogger(Pinned(LogFormat::kText, LogLevel::kWarning), &lines);
  log->Debug("d");
  log->Info("i");
  log->Notice("n");
  log->Warning("w");
  log->Error("e");
  log->Critical("c");
  log->Alert("a");
  log->Emergency("m");
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_NE(lines[0].find(" warning sakerd: w"), std::string::npos);
  EXPECT_NE(lines[4].find(" emergency sakerd: m"), std::string::npos);
  EXPECT_FALSE(log->Enabled(LogLevel::kInfo));
  log->set_level(LogLevel::kDebug);
  log->Debug("now");
  EXPECT_EQ(lines.size(), 6u);
}

TEST(LoggerTest, ParseLevels) {
  const char* names[] = {"emergency", "alert",  "critical", "error",
                         "warning",   "notice", "info",     "debug"};
  for (int i = 0; i < 8; ++i) {
    auto l = ParseLogLevel(names[i]);
    ASSERT_TRUE(l.ok());
    EXPECT_EQ(static_cast<int>(*l), i);
    EXPECT_EQ(LogLevelName(*l), names[i]);
  }
  EXPECT_EQ(*ParseLogLevel("INFO"), LogLevel::kInfo);
  auto bad = ParseLogLevel("verbose");
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("verbose"), std::string_view::npos);
}

TEST(LoggerTest, FdSinkWritesWholeLinesUnderConcurrency) {
  char path[] = "/tmp/saker-log-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  {
    LoggerOptions o;
    o.format = LogFormat::kText;
    std::vector<std::unique_ptr<LogSink>> sinks;
    sinks.push_back(std::make_unique<FdSink>(fd));
    Logger log(o, std::move(sinks));
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&log, t] {
        std::string pad(100 + t * 50, 'a' + t);
        for (int i = 0; i < 2000; ++i) {
          log.Info("tick", {{"thread", t}, {"i", i}, {"pad", pad}});
        }
      });
    }
    for (auto& th : threads) {
      th.join();
    }
  }
  close(fd);
  std::ifstream f(path);
  std::regex re(
      "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z info sakerd: tick thread=(\\d) "
      "i=\\d+ pad=([a-z]+)$");
  std::string line;
  int count = 0;
  while (std::getline(f, line)) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, re)) << line;
    int t = std::stoi(m[1]);
    EXPECT_EQ(m[2].str(), std::string(100 + t * 50, 'a' + t));
    count++;
  }
  EXPECT_EQ(count, 8000);
  unlink(path);
}

TEST(LoggerTest, SyslogSinkSendsToTheSocket) {
  char dir[] = "/tmp/saker-syslog-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string sock_path = std::string(dir) + "/log";
  int server = socket(AF_UNIX, SOCK_DGRAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  strncpy(addr.sun_path, sock_path.c_str(), sizeof(addr.sun_path) - 1);
  ASSERT_EQ(bind(server, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);

  LoggerOptions o = Pinned(LogFormat::kText);
  o.log_stderr = false;
  o.log_syslog = true;
  o.syslog_path = sock_path;
  Logger log(o);
  log.Error("rules rejected", {{"file", "x.yaml"}});
  char buf[512];
  ssize_t n = recv(server, buf, sizeof(buf), 0);
  ASSERT_GT(n, 0);
  std::string got(buf, n);
  // <daemon(3)*8 + error(3)>Mmm dd hh:mm:ss sakerd[pid]: body
  std::regex re("^<27>[A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d sakerd\\[\\d+\\]: "
                "rules rejected file=x.yaml$");
  EXPECT_TRUE(std::regex_match(got, re)) << got;
  close(server);
  unlink(sock_path.c_str());
  rmdir(dir);

  // No syslog daemon: counted, never blocks.
  SyslogSink gone(std::string(dir) + "/missing");
  gone.Write(LogLine{LogLevel::kInfo, "x", "x"});
  EXPECT_EQ(gone.failed(), 1u);
}

}  // namespace
}  // namespace saker::observe
