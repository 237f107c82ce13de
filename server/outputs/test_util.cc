#include "server/outputs/test_util.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace saker::outputs::testing {

std::string NewTempDir() {
  static std::atomic<int> n{0};
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string d = absl::StrCat(tmp ? tmp : "/tmp", "/outputs-", getpid(), "-", n++);
  mkdir(d.c_str(), 0700);
  return d;
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> out;
  for (absl::string_view line : absl::StrSplit(ReadFile(path), '\n', absl::SkipEmpty())) {
    out.emplace_back(line);
  }
  return out;
}

bool FileExists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

bool WaitFor(const std::function<bool()>& done, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() > deadline) {
      return false;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  return true;
}

Alert MakeAlert(const std::string& rule, int n) {
  Alert a;
  a.rule = rule;
  a.priority = 4;
  a.source = "syscall";
  a.time_ns = 1718000000000000000 + n;
  a.text = absl::StrCat("06:13:20.000000000: Warning alert number ", n);
  a.json = absl::StrCat(
      "{\"hostname\":\"test\",\"output\":\"06:13:20.000000000: Warning alert number ", n,
      "\",\"output_fields\":{\"n\":", n, "},\"priority\":\"Warning\",\"rule\":\"", rule,
      "\",\"source\":\"syscall\",\"tags\":[],\"time\":\"2024-06-10T06:13:20.000000000Z\"}");
  return a;
}

Receiver::Receiver(ReceiverOptions options) : options_(std::move(options)), port_(options_.port) {
  dir_ = NewTempDir();
  log_ = dir_ + "/requests.jsonl";
}

Receiver::~Receiver() { Stop(); }

std::string Receiver::Url() const {
  return absl::StrCat(options_.tls ? "https" : "http", "://",
                      options_.tls ? "localhost" : "127.0.0.1", ":", port_, "/alerts");
}

bool Receiver::Start() {
  std::string port_file = dir_ + "/port";
  unlink(port_file.c_str());
  std::vector<std::string> args = {"/usr/bin/python3",
                                   "server/outputs/test_receiver.py",
                                   "--port",
                                   absl::StrCat(port_),
                                   "--port-file",
                                   port_file,
                                   "--log",
                                   log_,
                                   "--statuses",
                                   options_.statuses};
  if (options_.tls || options_.mtls) {
    args.insert(args.end(),
                {"--cert", CertDir() + "/server.pem", "--key", CertDir() + "/server.key"});
  }
  if (options_.mtls) {
    args.insert(args.end(), {"--client-ca", CertDir() + "/ca.pem"});
  }
  if (options_.retry_after > 0) {
    args.insert(args.end(), {"--retry-after", absl::StrCat(options_.retry_after)});
  }
  pid_ = fork();
  if (pid_ == 0) {
    std::vector<char*> argv;
    for (auto& a : args) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  if (pid_ < 0) {
    return false;
  }
  bool up = WaitFor([&] {
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return true;  // exited: give up below
    }
    return FileExists(port_file);
  });
  if (!up || pid_ < 0) {
    return false;
  }
  port_ = std::atoi(ReadFile(port_file).c_str());
  return port_ > 0;
}

void Receiver::Stop() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
}

}  // namespace saker::outputs::testing
