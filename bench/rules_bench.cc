// Rules engine throughput: all three upstream Falco rule files loaded
// together, evaluated over a realistic mix of synthetic events (execve,
// openat, connect, ...) through the bound test extractor. Rules run only
// for their indexed event types.
//   bazel run -c opt //bench:rules_bench
// Needs shared/compat/falco-rules ($SAKER_SHARED or a sibling shared/ dir).
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "server/rules/common/shared_dir.h"
#include "server/rules/compiler/test_extractor.h"
#include "server/rules/engine/engine.h"

namespace saker::rules {
namespace {

struct Fixture {
  Engine engine;
  std::vector<TestEvent> events;
  std::vector<BoundEvent> bound;
  std::vector<EventTypeCode> codes;
  std::string error;
};

TestEvent Base(const std::string& type, const std::string& proc) {
  TestEvent ev;
  ev.type = type;
  ev.Set("proc.name", proc).Set("proc.exe", proc).Set("proc.exepath", "/usr/bin/" + proc);
  ev.Set("proc.pname", "bash").Set("proc.pexe", "bash").Set("proc.cmdline", proc + " -x");
  ev.Set("proc.pcmdline", "bash").Set("proc.args", "-x").Set("proc.tty", "0");
  ev.Set("proc.duration", "90000000000").Set("user.name", "root").Set("user.uid", "0");
  ev.Set("user.loginuid", "-1").Set("container.id", "host").Set("evt.num", "42");
  ev.Set("container.image.repository", "").Set("proc.cwd", "/root");
  ev.SetList("proc.aname", {"bash", "sshd", "systemd"});
  ev.Set("proc.aname[1]", "bash").Set("proc.aname[2]", "sshd").Set("proc.aname[3]", "systemd");
  ev.Set("thread.cap_effective", "").Set("thread.cap_permitted", "");
  ev.Set("proc.is_exe_upper_layer", "false").Set("proc.is_exe_from_memfd", "false");
  return ev;
}

std::vector<TestEvent> Mix() {
  std::vector<TestEvent> out;
  for (const char* f : {"/etc/hosts", "/usr/lib/libc.so.6", "/home/u/.bashrc", "/etc/shadow",
                        "/proc/self/stat", "/var/log/syslog"}) {
    TestEvent ev = Base("openat", "cat");
    ev.Set("fd.name", f).Set("fd.nameraw", f).Set("fd.typechar", "f").Set("fd.num", "3");
    ev.Set("fd.directory", "/etc").Set("fd.filename", "x").Set("evt.is_open_read", "true");
    ev.Set("evt.is_open_write", "false").Set("evt.res", "SUCCESS").Set("evt.rawres", "3");
    ev.Set("evt.arg[flags]", "O_RDONLY");
    out.push_back(ev);
  }
  for (const char* p : {"ls", "bash", "curl", "python3", "nc"}) {
    TestEvent ev = Base("execve", p);
    ev.Set("evt.res", "SUCCESS").Set("evt.rawres", "0").Set("evt.arg[flags]", "");
    out.push_back(ev);
  }
  TestEvent conn = Base("connect", "curl");
  conn.Set("fd.typechar", "4").Set("fd.l4proto", "tcp").SetList("fd.ip", {"10.0.0.2", "1.1.1.1"});
  conn.SetList("fd.net", {"10.0.0.2", "1.1.1.1"}).Set("fd.snet", "1.1.1.1");
  conn.Set("fd.sip", "1.1.1.1").Set("fd.sport", "443").Set("evt.rawres", "0");
  conn.Set("evt.res", "SUCCESS").Set("fd.name", "10.0.0.2:40000->1.1.1.1:443");
  out.push_back(conn);
  TestEvent close = Base("close", "cat");
  out.push_back(close);
  TestEvent read = Base("read", "cat");
  out.push_back(read);
  return out;
}

Fixture* Setup() {
  static Fixture* f = [] {
    auto* fx = new Fixture;
    auto dir = FindFalcoRulesDir();
    if (!dir) {
      fx->error = "shared/compat/falco-rules not found (set SAKER_SHARED)";
      return fx;
    }
    absl::Status st = fx->engine.LoadFiles({*dir + "/falco_rules.yaml",
                                            *dir + "/falco-incubating_rules.yaml",
                                            *dir + "/falco-sandbox_rules.yaml"});
    if (!st.ok()) {
      fx->error = std::string(st.message());
      return fx;
    }
    fx->events = Mix();
    std::vector<const FieldRef*> refs = fx->engine.rule_set()->field_refs();
    for (const TestEvent& ev : fx->events) {
      fx->bound.emplace_back(ev, refs);
      fx->codes.push_back(fx->engine.event_types().Code(ev.type));
    }
    return fx;
  }();
  return f;
}

void BM_UpstreamRules(benchmark::State& state) {
  Fixture* fx = Setup();
  if (!fx->error.empty()) {
    state.SkipWithError(fx->error.c_str());
    return;
  }
  BoundExtractor ex;
  std::vector<const CompiledRule*> matches;
  matches.reserve(16);
  size_t n = fx->bound.size();
  size_t i = 0;
  int64_t events = 0;
  int64_t hits = 0;
  for (auto _ : state) {
    ex.SetEvent(&fx->bound[i]);
    hits += static_cast<int64_t>(fx->engine.Evaluate(fx->codes[i], &ex, &matches));
    ++events;
    if (++i == n) {
      i = 0;
    }
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events),
                                                  benchmark::Counter::kIsRate);
  state.counters["matches/event"] =
      benchmark::Counter(static_cast<double>(hits) / static_cast<double>(events ? events : 1));
}
BENCHMARK(BM_UpstreamRules);

}  // namespace
}  // namespace saker::rules
