// The conformance suite's command line: parses the flags, runs each case on
// its own thread under a deadline, prints `PASS name` / `FAIL name: reason` /
// `SKIP name: reason` per case and `N passed, N failed[, N skipped]`, writes
// JUnit XML on request. Exit: 0 all passed (skips allowed), 1 a case failed,
// 2 bad usage or an unwritable --junit file.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "conformance/suite.h"

namespace saker::conformance {

// ---- Context, Provoker, shared checks ----

void Context::Bound(grpc::ClientContext* ctx) const {
  ctx->set_deadline(absl::ToChronoTime(deadline_ + absl::Seconds(2)));
}

namespace {

grpc::ChannelArguments OwnConnection() {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // no sharing between channels
  return args;
}

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream f(path);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

}  // namespace

std::shared_ptr<grpc::Channel> Context::Channel() const {
  if (is_unix()) {
    return grpc::CreateCustomChannel(options_.address, grpc::InsecureChannelCredentials(),
                                     OwnConnection());
  }
  return TlsChannel(options_.cert, options_.key);
}

std::shared_ptr<grpc::Channel> Context::TlsChannel(const std::string& cert,
                                                   const std::string& key) const {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadFileOrEmpty(options_.ca);
  if (!cert.empty()) {
    ssl.pem_cert_chain = ReadFileOrEmpty(cert);
    ssl.pem_private_key = ReadFileOrEmpty(key);
  }
  grpc::ChannelArguments args = OwnConnection();
  if (!options_.server_name.empty()) {
    args.SetSslTargetNameOverride(options_.server_name);
  }
  return grpc::CreateCustomChannel(options_.address, grpc::SslCredentials(ssl), args);
}

std::shared_ptr<grpc::Channel> Context::PlaintextChannel() const {
  return grpc::CreateCustomChannel(options_.address, grpc::InsecureChannelCredentials(),
                                   OwnConnection());
}

std::unique_ptr<Provoker> Context::Provoke() const {
  if (!has_trigger()) {
    return nullptr;
  }
  return std::make_unique<Provoker>(options_.trigger, absl::Seconds(1));
}

Outcome Context::NoAlerts(const std::string& what) const {
  std::string secs = absl::StrCat(absl::ToInt64Seconds(options_.timeout), "s");
  if (has_trigger()) {
    return Fail(absl::StrCat("no ", what, " arrived within ", secs, " although --trigger ran"));
  }
  return Skip(absl::StrCat("the server produced no ", what, " within ", secs,
                           " (give --trigger CMD to provoke one)"));
}

void Context::Note(const std::string& line) {
  absl::MutexLock l(&mu_);
  absl::StrAppend(&details_, line, "\n");
}

std::string Context::details() const {
  absl::MutexLock l(&mu_);
  return details_;
}

Provoker::Provoker(std::string command, absl::Duration every)
    : command_(std::move(command)), every_(every) {
  thread_ = std::thread([this] { Loop(); });
}

Provoker::~Provoker() {
  {
    absl::MutexLock l(&mu_);
    stop_ = true;
  }
  thread_.join();
}

void Provoker::Loop() {
  while (true) {
    pid_t pid = fork();
    if (pid == 0) {
      setpgid(0, 0);
      int null = open("/dev/null", O_RDWR);
      dup2(null, 0);
      dup2(null, 1);
      execl("/bin/sh", "sh", "-c", command_.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    if (pid > 0) {
      setpgid(pid, pid);
      int status;
      while (waitpid(pid, &status, WNOHANG) == 0) {
        absl::MutexLock l(&mu_);
        if (mu_.AwaitWithTimeout(absl::Condition(&stop_), absl::Milliseconds(10))) {
          kill(-pid, SIGKILL);
          waitpid(pid, &status, 0);
          return;
        }
      }
    }
    absl::MutexLock l(&mu_);
    if (mu_.AwaitWithTimeout(absl::Condition(&stop_), every_)) {
      return;
    }
  }
}

std::string StatusText(const grpc::Status& st) {
  static const char* const kNames[] = {
      "OK",        "CANCELLED",         "UNKNOWN",          "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",   "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL",      "UNAVAILABLE",      "DATA_LOSS",
      "UNAUTHENTICATED"};
  int code = st.error_code();
  std::string name = code >= 0 && code <= 16 ? kNames[code] : absl::StrCat("code ", code);
  return st.error_message().empty() ? name : absl::StrCat(name, " (", st.error_message(), ")");
}

std::optional<std::string> CheckSequences(const std::vector<Sequenced>& items, bool contiguous) {
  bool have = false;
  uint64_t last = 0;
  for (const Sequenced& s : items) {
    if (s.gap) {
      if (s.to < s.from || s.count != s.to - s.from + 1) {
        return absl::StrCat("gap notice ", s.from, "..", s.to, " says count ", s.count,
                            " (expected to - from + 1)");
      }
      if (have && s.from <= last) {
        return absl::StrCat("gap notice ", s.from, "..", s.to, " overlaps sequence ", last,
                            " already delivered");
      }
      if (contiguous && have && s.from != last + 1) {
        return absl::StrCat("sequence jumps from ", last, " to gap notice at ", s.from);
      }
      last = s.to;
    } else {
      if (s.sequence == 0) {
        return "an item carries sequence 0 (unset)";
      }
      if (have && s.sequence <= last) {
        return absl::StrCat("sequence ", s.sequence, " after ", last,
                            " (duplicate or out of order)");
      }
      if (contiguous && have && s.sequence != last + 1) {
        return absl::StrCat("sequence jumps from ", last, " to ", s.sequence,
                            " without a gap notice");
      }
      last = s.sequence;
    }
    have = true;
  }
  return std::nullopt;
}

// ---- The command line ----

namespace {

constexpr char kUsage[] =
    "usage: conformance --address unix:///PATH | HOST:PORT --cert F --key F --ca F\n"
    "  [--server-name NAME] [--trigger CMD] [--timeout SEC] [--only CASE,...]\n"
    "  [--junit FILE] [--expired-cert F --expired-key F] [--other-ca-cert F --other-ca-key F]\n"
    "  [--verbose] [--list]\n"
    "Tests a Saker (or Falco < 0.44) gRPC server against the Falco and Saker v1 APIs.\n"
    "Exit: 0 all passed (skips allowed), 1 a case failed, 2 bad usage.\n";

int Usage(const std::string& error) {
  fprintf(stderr, "conformance: %s\n%s", error.c_str(), kUsage);
  return 2;
}

// --name value, --name=value; '-' and '_' are the same in names.
std::optional<std::string> ParseArgs(int argc, char** argv, Options* o) {
  std::map<std::string, std::string*> strings = {
      {"address", &o->address},           {"cert", &o->cert},
      {"key", &o->key},                   {"ca", &o->ca},
      {"server-name", &o->server_name},   {"expired-cert", &o->expired_cert},
      {"expired-key", &o->expired_key},   {"other-ca-cert", &o->other_ca_cert},
      {"other-ca-key", &o->other_ca_key}, {"trigger", &o->trigger},
      {"junit", &o->junit}};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) {
      return absl::StrCat("unexpected argument '", arg, "'");
    }
    std::string name = arg.substr(2), value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    absl::StrReplaceAll({{"_", "-"}}, &name);
    if (name == "verbose" || name == "list" || name == "help") {
      if (name == "help") {
        return std::string("help");
      }
      (name == "verbose" ? o->verbose : o->list) = true;
      continue;
    }
    if (!has_value) {
      if (i + 1 >= argc) {
        return absl::StrCat("--", name, " needs a value");
      }
      value = argv[++i];
    }
    if (auto it = strings.find(name); it != strings.end()) {
      *it->second = value;
    } else if (name == "only") {
      for (absl::string_view c : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
        o->only.emplace_back(c);
      }
    } else if (name == "timeout") {
      double s;
      if (!absl::SimpleAtod(value, &s) || s <= 0) {
        return absl::StrCat("--timeout wants seconds > 0, not '", value, "'");
      }
      o->timeout = absl::Seconds(s);
    } else {
      return absl::StrCat("unknown flag --", name);
    }
  }
  if (o->list) {
    return std::nullopt;
  }
  if (o->address.empty()) {
    return std::string("--address is required");
  }
  bool is_unix = o->address.rfind("unix:", 0) == 0;
  if (!is_unix && (o->cert.empty() || o->key.empty() || o->ca.empty())) {
    return std::string("a TCP address needs --cert, --key and --ca (mutual TLS)");
  }
  for (const std::string* f : {&o->cert, &o->key, &o->ca, &o->expired_cert, &o->expired_key,
                               &o->other_ca_cert, &o->other_ca_key}) {
    if (!f->empty() && access(f->c_str(), R_OK) != 0) {
      return absl::StrCat("cannot read ", *f);
    }
  }
  return std::nullopt;
}

bool Selected(const Options& o, const std::string& name) {
  if (o.only.empty()) {
    return true;
  }
  for (const std::string& s : o.only) {
    if (name == s || absl::StartsWith(name, s + ".")) {
      return true;
    }
  }
  return false;
}

struct Result {
  std::string name;
  Outcome outcome;
  double seconds = 0;
  std::string details;
};

struct CaseState {
  CaseState(const Options& o, absl::Time deadline) : context(o, deadline) {}
  Context context;
  std::promise<Outcome> done;
};

// Runs one case on its own thread; a case that overstays its deadline by 10 s
// is reported as hung (and the process later exits without unwinding).
Result RunCase(const Case& c, const Options& o, bool* hung) {
  absl::Time start = absl::Now();
  auto state = std::make_shared<CaseState>(o, start + o.timeout);
  std::future<Outcome> future = state->done.get_future();
  std::thread t([state, &c] {
    Outcome out;
    try {
      out = c.run(state->context);
    } catch (const std::exception& e) {
      out = Fail(absl::StrCat("exception: ", e.what()));
    }
    state->done.set_value(out);
  });
  Result r{c.name, {}, 0, ""};
  if (future.wait_for(absl::ToChronoSeconds(o.timeout + absl::Seconds(10))) ==
      std::future_status::ready) {
    t.join();
    r.outcome = future.get();
  } else {
    t.detach();
    *hung = true;
    r.outcome = Fail(absl::StrCat("did not finish within its ", absl::FormatDuration(o.timeout),
                                  " timeout (hung)"));
  }
  r.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  r.details = state->context.details();
  return r;
}

std::string Xml(const std::string& s) {
  return absl::StrReplaceAll(s, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

bool WriteJunit(const std::string& path, const Options& o, const std::vector<Result>& results,
                double total) {
  int failed = 0, skipped = 0;
  for (const Result& r : results) {
    failed += r.outcome.verdict == Verdict::kFail;
    skipped += r.outcome.verdict == Verdict::kSkip;
  }
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  absl::StrAppend(&x, "<testsuites name=\"saker-conformance\" tests=\"", results.size(),
                  "\" failures=\"", failed, "\" skipped=\"", skipped, "\" time=\"", total, "\">\n");
  absl::StrAppend(&x, "  <testsuite name=\"conformance\" tests=\"", results.size(),
                  "\" failures=\"", failed, "\" errors=\"0\" skipped=\"", skipped, "\" time=\"",
                  total, "\">\n    <properties><property name=\"address\" value=\"",
                  Xml(o.address), "\"/></properties>\n");
  for (const Result& r : results) {
    std::string group = r.name.substr(0, r.name.find('.'));
    absl::StrAppend(&x, "    <testcase classname=\"conformance.", Xml(group), "\" name=\"",
                    Xml(r.name), "\" time=\"", r.seconds, "\">\n");
    if (r.outcome.verdict == Verdict::kFail) {
      absl::StrAppend(&x, "      <failure message=\"", Xml(r.outcome.reason), "\"/>\n");
    } else if (r.outcome.verdict == Verdict::kSkip) {
      absl::StrAppend(&x, "      <skipped message=\"", Xml(r.outcome.reason), "\"/>\n");
    }
    if (!r.details.empty()) {
      absl::StrAppend(&x, "      <system-out>", Xml(r.details), "</system-out>\n");
    }
    absl::StrAppend(&x, "    </testcase>\n");
  }
  absl::StrAppend(&x, "  </testsuite>\n</testsuites>\n");
  std::ofstream f(path);
  f << x;
  return f.good();
}

int Main(int argc, char** argv) {
  Options o;
  if (auto err = ParseArgs(argc, argv, &o)) {
    if (*err == "help") {
      printf("%s", kUsage);
      return 0;
    }
    return Usage(*err);
  }
  std::vector<Case> cases;
  AddFalcoCases(&cases);
  AddV1Cases(&cases);
  AddServiceCases(&cases);
  if (o.list) {
    for (const Case& c : cases) {
      printf("%-26s %s\n", c.name.c_str(), c.description.c_str());
    }
    return 0;
  }
  for (const std::string& s : o.only) {
    bool any = false;
    for (const Case& c : cases) {
      any = any || c.name == s || absl::StartsWith(c.name, s + ".");
    }
    if (!any) {
      return Usage(absl::StrCat("--only: no case named '", s, "' (see --list)"));
    }
  }
  signal(SIGPIPE, SIG_IGN);
  absl::Time start = absl::Now();
  std::vector<Result> results;
  bool hung = false;
  int passed = 0, failed = 0, skipped = 0;
  for (const Case& c : cases) {
    if (!Selected(o, c.name)) {
      continue;
    }
    Result r = RunCase(c, o, &hung);
    switch (r.outcome.verdict) {
      case Verdict::kPass:
        printf("PASS %s\n", r.name.c_str());
        passed++;
        break;
      case Verdict::kFail:
        printf("FAIL %s: %s\n", r.name.c_str(), r.outcome.reason.c_str());
        failed++;
        break;
      case Verdict::kSkip:
        printf("SKIP %s: %s\n", r.name.c_str(), r.outcome.reason.c_str());
        skipped++;
        break;
    }
    fflush(stdout);
    if (o.verbose && !r.details.empty()) {
      fprintf(stderr, "%s", r.details.c_str());
    }
    results.push_back(std::move(r));
  }
  printf("%d passed, %d failed", passed, failed);
  if (skipped > 0) {
    printf(", %d skipped", skipped);
  }
  printf("\n");
  fflush(stdout);
  int code = failed > 0 ? 1 : 0;
  if (!o.junit.empty() &&
      !WriteJunit(o.junit, o, results, absl::ToDoubleSeconds(absl::Now() - start))) {
    fprintf(stderr, "conformance: cannot write %s\n", o.junit.c_str());
    code = 2;
  }
  if (hung) {
    fflush(stderr);
    _exit(code);  // a hung case's thread still runs: do not unwind under it
  }
  return code;
}

}  // namespace
}  // namespace saker::conformance

int main(int argc, char** argv) { return saker::conformance::Main(argc, argv); }
