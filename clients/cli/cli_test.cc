// The CLI without a daemon: argument parsing, help and usage errors, output
// formats, the progress line, certificate checks on real files, and the
// connection errors for a missing, a stale and a forbidden socket.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "clients/cli/args.h"
#include "clients/cli/connect.h"
#include "clients/cli/dispatch.h"
#include "clients/cli/format.h"
#include "clients/cli/progress.h"
#include "clients/cli/tls_check.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace saker::cli {
namespace {

using ::testing::HasSubstr;

// A FILE* whose text can be read back.
class Capture {
 public:
  Capture() : f_(std::tmpfile()) {}
  ~Capture() { std::fclose(f_); }
  FILE* file() { return f_; }
  std::string Text() {
    std::fflush(f_);
    std::rewind(f_);
    std::string s;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), f_)) > 0) {
      s.append(buf, n);
    }
    return s;
  }

 private:
  FILE* f_;
};

struct SakerRun {
  int code;
  std::string out, err;
};

SakerRun RunSaker(const std::vector<std::string>& argv) {
  Capture out, err;
  Context ctx;
  ctx.out = out.file();
  ctx.err = err.file();
  int code = Dispatch(argv, ctx);
  return SakerRun{code, out.Text(), err.Text()};
}

const std::vector<FlagSpec> kSpecs = {
    {"count", "N", ""}, {"json", "", ""}, {"tag", "T", ""}, {"help", "", ""}};

TEST(ArgsTest, ValuesFlagsAndPositionals) {
  auto a =
      ParseArgs({"--count", "3", "--json", "x", "--tag=a,b", "--tag", "c", "--", "--json"}, kSpecs);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->Get("count"), "3");
  EXPECT_TRUE(a->Has("json"));
  EXPECT_FALSE(a->Has("help"));
  EXPECT_EQ(a->GetAll("tag"), (std::vector<std::string>{"a,b", "c"}));
  EXPECT_EQ(a->GetAll("tag", true), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(a->positionals(), (std::vector<std::string>{"x", "--json"}));
  EXPECT_EQ(a->Get("missing", "dflt"), "dflt");
}

TEST(ArgsTest, Errors) {
  EXPECT_THAT(std::string(ParseArgs({"--nope"}, kSpecs).status().message()),
              HasSubstr("unknown flag --nope"));
  EXPECT_THAT(std::string(ParseArgs({"--count"}, kSpecs).status().message()),
              HasSubstr("--count needs a value"));
  EXPECT_THAT(std::string(ParseArgs({"--json=1"}, kSpecs).status().message()),
              HasSubstr("takes no value"));
  EXPECT_THAT(std::string(ParseArgs({"-c"}, kSpecs).status().message()),
              HasSubstr("unknown flag -c"));
  auto h = ParseArgs({"-h"}, kSpecs);
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->Has("help"));
}

TEST(ArgsTest, StopAtPositionalAndMerge) {
  auto g = ParseArgs({"--count", "1", "tail", "--json", "--count", "2"}, kSpecs, true);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->positionals(), (std::vector<std::string>{"tail", "--json", "--count", "2"}));
  auto c = ParseArgs({"--count", "2"}, kSpecs);
  ASSERT_TRUE(c.ok());
  c->MergeFlagsFrom(*g);
  EXPECT_EQ(c->Get("count"), "2");  // the command's own flag wins
}

TEST(ArgsTest, NumbersAndDurations) {
  EXPECT_EQ(*ParseTimeout("10s"), absl::Seconds(10));
  EXPECT_EQ(*ParseTimeout("500ms"), absl::Milliseconds(500));
  EXPECT_EQ(*ParseTimeout("3"), absl::Seconds(3));
  EXPECT_FALSE(ParseTimeout("0s").ok());
  EXPECT_FALSE(ParseTimeout("soon").ok());
  EXPECT_EQ(*ParseCount("count", "42"), 42u);
  EXPECT_FALSE(ParseCount("count", "-1").ok());
  EXPECT_FALSE(ParseCount("count", "x").ok());
  EXPECT_FALSE(ParseCount("count", "").ok());
}

absl::StatusOr<Target> Resolve(std::vector<std::string> argv,
                               std::map<std::string, std::string> env) {
  auto args = ParseArgs(argv, ConnectionFlagSpecs());
  EXPECT_TRUE(args.ok());
  return ResolveTarget(*args, [&env](const char* name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) {
      return std::nullopt;
    }
    return it->second;
  });
}

TEST(TargetTest, DefaultsEnvironmentAndFlags) {
  EXPECT_EQ(Resolve({}, {})->socket, "/run/saker/saker.sock");
  EXPECT_EQ(Resolve({}, {{"SAKER_SOCKET", "/x.sock"}})->socket, "/x.sock");
  EXPECT_EQ(Resolve({}, {{"SAKER_ADDRESS", "unix:///y.sock"}})->socket, "/y.sock");
  EXPECT_EQ(Resolve({"--socket", "/z.sock"}, {{"SAKER_SOCKET", "/x.sock"}})->socket, "/z.sock");
  auto tcp = Resolve({"--address", "h:5060", "--cert", "c", "--key", "k"}, {{"SAKER_CA", "ca"}});
  ASSERT_TRUE(tcp.ok()) << tcp.status();
  EXPECT_EQ(tcp->address, "h:5060");
  EXPECT_EQ(tcp->ca, "ca");
  EXPECT_EQ(tcp->Describe(), "h:5060");
  EXPECT_EQ(Resolve({"--timeout", "2s"}, {})->timeout, absl::Seconds(2));
}

TEST(TargetTest, Errors) {
  EXPECT_THAT(std::string(Resolve({"--address", "h:1"}, {}).status().message()),
              HasSubstr("needs mutual TLS"));
  EXPECT_THAT(std::string(Resolve({"--socket", "/a", "--address", "h:1"}, {}).status().message()),
              HasSubstr("not both"));
  EXPECT_THAT(std::string(Resolve({"--address", "nohost"}, {}).status().message()),
              HasSubstr("HOST:PORT"));
  EXPECT_FALSE(Resolve({"--timeout", "never"}, {}).ok());
}

TEST(DispatchTest, HelpVersionAndUsageErrors) {
  SakerRun r = RunSaker({"--help"});
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_THAT(r.out, HasSubstr("rules reload"));
  EXPECT_THAT(r.out, HasSubstr("Exit codes"));
  r = RunSaker({"help", "tail"});
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_THAT(r.out, HasSubstr("--since-seq N"));
  EXPECT_THAT(r.out, HasSubstr("--socket PATH"));
  EXPECT_EQ(RunSaker({"help", "rules", "reload"}).code, kExitOk);
  EXPECT_EQ(RunSaker({"events", "--help"}).code, kExitOk);
  EXPECT_EQ(RunSaker({"rules", "--help"}).code, kExitOk);
  r = RunSaker({"version"});
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_EQ(r.out, "saker 0.1.0\n");
  EXPECT_EQ(RunSaker({"--version"}).out, "saker 0.1.0\n");

  for (const auto& argv : std::vector<std::vector<std::string>>{
           {},
           {"frobnicate"},
           {"tail", "--bogus"},
           {"tail", "extra"},
           {"rules"},
           {"rules", "delete"},
           {"help", "nothing"},
           {"--json", "status"},
           {"tail", "--count", "many"},
           {"tail", "--priority", "loud"},
           {"tail", "--history", "--since-seq", "3"},
           {"status", "--address", "h:1"},
       }) {
    r = RunSaker(argv);
    EXPECT_EQ(r.code, kExitUsage) << argv.size() << " " << (argv.empty() ? "" : argv[0]);
    EXPECT_THAT(r.err, HasSubstr("saker: "));
    EXPECT_TRUE(r.out.empty());
  }
  r = RunSaker({"tail", "--bogus"});
  EXPECT_THAT(r.err, HasSubstr("unknown flag --bogus"));
  EXPECT_THAT(r.err, HasSubstr("Usage: saker tail"));
}

TEST(FormatTest, Json) {
  EXPECT_EQ(JsonString("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
  client::Alert a;
  a.sequence = 7;
  a.time = absl::FromUnixNanos(1700000000123456789);
  a.priority = client::Priority::kWarning;
  a.rule = "r \"1\"";
  a.output = "out";
  a.output_fields = {{"proc.name", "cat"}};
  a.hostname = "h";
  a.tags = {"t1", "t2"};
  a.source = "syscall";
  EXPECT_EQ(AlertJson(a),
            "{\"hostname\":\"h\",\"output\":\"out\",\"output_fields\":{\"proc.name\":\"cat\"},"
            "\"priority\":\"WARNING\",\"rule\":\"r \\\"1\\\"\",\"seq\":7,\"source\":\"syscall\","
            "\"tags\":[\"t1\",\"t2\"],\"time\":\"2023-11-14T22:13:20.123456789Z\"}");
  EXPECT_EQ(AlertText(a, absl::UTCTimeZone()),
            "2023-11-14T22:13:20.123456789+0000: Warning [r \"1\"] out");
  a.output = "22:13:20.123456789: Warning sdk marker opened by cat";
  EXPECT_EQ(AlertText(a, absl::UTCTimeZone()),
            "2023-11-14T22:13:20.123456789+0000: Warning [r \"1\"] sdk marker opened by cat");
  EXPECT_EQ(OutputMessage("12:00:00: Error x", client::Priority::kWarning), "12:00:00: Error x");
  EXPECT_EQ(OutputMessage("note: Warning x", client::Priority::kWarning), "note: Warning x");
  client::Event e;
  e.sequence = 3;
  e.time = a.time;
  e.type = "openat";
  e.pid = 10;
  e.ppid = 1;
  e.proc_name = "cat";
  e.res = 3;
  e.args = {{"name", "/etc/x"}};
  EXPECT_EQ(EventText(e, absl::UTCTimeZone()),
            "2023-11-14T22:13:20.123456789+0000 openat pid=10 ppid=1 uid=0 cat res=3 "
            "name=/etc/x");
  EXPECT_THAT(EventJson(e), HasSubstr("\"type\":\"openat\""));
  EXPECT_THAT(EventJson(e), HasSubstr("\"args\":{\"name\":\"/etc/x\"}}"));
  client::Gap g{10, 14, 5, client::GapReason::kSubscriberOverflow};
  EXPECT_EQ(GapText(g, "alerts"), "saker: 5 alerts lost (sequence 10..14, subscriber overflow)");
}

TEST(ProgressTest, RateAndText) {
  RateMeter m(absl::Seconds(2));
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  m.Observe(0, t0);
  m.Observe(10, t0 + absl::Seconds(1));
  EXPECT_DOUBLE_EQ(m.rate(), 10.0);
  m.Observe(30, t0 + absl::Seconds(2));  // a new window starts here
  EXPECT_DOUBLE_EQ(m.rate(), 15.0);
  m.Observe(30, t0 + absl::Seconds(3));
  EXPECT_DOUBLE_EQ(m.rate(), 0.0);
  StreamProgress p{"alerts", 12, 3.0, 1, "connected"};
  EXPECT_EQ(FormatStreamProgress(p), "alerts: 12 received, 3.0/s, 1 lost, connected");
}

TEST(ProgressTest, LineDrawsThrottledAndClears) {
  Capture c;
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  {
    ProgressLine line(c.file(), true, absl::Milliseconds(200));
    line.Draw("one", t0);
    line.Draw("skipped", t0 + absl::Milliseconds(50));
    line.Draw("two", t0 + absl::Milliseconds(250));
    line.Clear();
    line.Clear();  // nothing shown: nothing to erase
    line.Draw("forced", t0 + absl::Milliseconds(260), true);
    line.Draw(std::string(200, 'x'), t0 + absl::Seconds(1));  // cut to the width
  }                                                           // the destructor erases the line
  const std::string erase = "\r\033[K";
  EXPECT_EQ(c.Text(), erase + "one" + erase + "two" + erase + erase + "forced" + erase +
                          std::string(79, 'x') + erase);
  Capture off;
  {
    ProgressLine line(off.file(), false);
    line.Draw("x", t0, true);
    line.Clear();
  }
  EXPECT_EQ(off.Text(), "");
  EXPECT_FALSE(ProgressLine::Wanted(true, true));
  EXPECT_TRUE(ProgressLine::Wanted(true, false));
}

std::string TmpDir() {
  const char* d = std::getenv("TEST_TMPDIR");
  return d != nullptr ? d : "/tmp";
}

// A short directory for sockets (a unix socket path has ~107 bytes at most).
class SocketDir {
 public:
  SocketDir() {
    char tmpl[] = "/tmp/saker-cli-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  ~SocketDir() { std::system(("rm -rf " + dir_).c_str()); }
  const std::string& path() const { return dir_; }

 private:
  std::string dir_;
};

// A unix socket at `path`, listening or only bound (a stale socket).
int BoundSocket(const std::string& path, bool listening) {
  unlink(path.c_str());
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0) << path;
  if (listening) {
    EXPECT_EQ(listen(fd, 4), 0);
  }
  return fd;
}

TEST(ConnectTest, MissingAndStaleSocketsSaySakerdIsNotRunning) {
  SocketDir d;
  const std::string missing = d.path() + "/missing.sock";
  SakerRun r = RunSaker({"status", "--socket", missing});
  EXPECT_EQ(r.code, kExitError);
  EXPECT_THAT(r.err, HasSubstr("sakerd is not running: there is no socket " + missing));
  EXPECT_THAT(r.err, HasSubstr("sakerd run"));

  const std::string stale = d.path() + "/stale.sock";
  int fd = BoundSocket(stale, false);
  r = RunSaker({"--socket", stale, "rules", "list"});
  EXPECT_EQ(r.code, kExitError);
  EXPECT_THAT(r.err, HasSubstr("nothing listens on " + stale));
  close(fd);

  const std::string live = d.path() + "/live.sock";
  fd = BoundSocket(live, true);
  EXPECT_TRUE(DiagnoseSocket(live).ok());
  close(fd);
}

// Permission denied on the socket (mode and group named) is checked against a
// live sakerd, as user nobody, in cli_root_test.sh: the Bazel sandbox cannot
// drop privileges.

TEST(TlsCheckTest, NamesTheBadFile) {
  const std::string dir = TmpDir() + "/certs";
  ASSERT_EQ(std::system(("testdata/certs/make_certs.sh " + dir + " >/dev/null").c_str()), 0);
  const std::string ca = dir + "/ca.pem";
  EXPECT_TRUE(CheckCertificateFiles(dir + "/client1.pem", dir + "/client1.key", ca).ok());
  absl::Status s = CheckCertificateFiles(dir + "/expired.pem", dir + "/expired.key", ca);
  EXPECT_THAT(std::string(s.message()), HasSubstr("expired.pem expired on"));
  s = CheckCertificateFiles(dir + "/client1.pem", dir + "/client2.key", ca);
  EXPECT_THAT(std::string(s.message()), HasSubstr("client2.key does not match"));
  s = CheckCertificateFiles(dir + "/client1.key", dir + "/client1.key", ca);
  EXPECT_THAT(std::string(s.message()), HasSubstr("is not a PEM certificate"));
  s = CheckCertificateFiles(dir + "/nope.pem", dir + "/client1.key", ca);
  EXPECT_THAT(std::string(s.message()), HasSubstr("cannot read the client certificate"));
  // Through the CLI: a usage-level check before any connection.
  SakerRun r = RunSaker({"status", "--address", "127.0.0.1:1", "--cert", dir + "/expired.pem",
                         "--key", dir + "/expired.key", "--ca", ca});
  EXPECT_EQ(r.code, kExitError);
  EXPECT_THAT(r.err, HasSubstr("expired on"));
  r = RunSaker({"status", "--address", "127.0.0.1:1", "--cert", dir + "/client1.pem", "--key",
                dir + "/client1.key", "--ca", ca, "--timeout", "5s"});
  EXPECT_EQ(r.code, kExitError);
  EXPECT_THAT(r.err, HasSubstr("cannot connect to 127.0.0.1:1"));
}

}  // namespace
}  // namespace saker::cli
