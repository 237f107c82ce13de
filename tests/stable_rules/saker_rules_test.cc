// rules/saker_rules.yaml loads in Saker's engine without warnings, each rule
// is indexed on the event types it is about, and each rule's condition
// matches a synthetic event shaped like its behaviour test
// (tests/stable_rules/cases.py) and not the near miss. The live tests run
// the real behaviours; this one checks the conditions alone, with no probe.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "server/rules/compiler/test_extractor.h"
#include "server/rules/engine/engine.h"

namespace saker::rules {
namespace {

constexpr char kRulesFile[] = "rules/saker_rules.yaml";

std::unique_ptr<Engine> LoadSakerRules(Diagnostic* err) {
  EngineOptions options;
  options.rule_matching = RuleMatching::kAll;
  auto engine = std::make_unique<Engine>(options);
  absl::Status st = engine->LoadFiles({kRulesFile}, err);
  EXPECT_TRUE(st.ok()) << st;
  return engine;
}

TEST(SakerRulesTest, LoadsWithoutWarnings) {
  Diagnostic err;
  auto engine = LoadSakerRules(&err);
  ASSERT_TRUE(engine->loaded());
  const LoadSummary& s = engine->summary();
  EXPECT_EQ(s.rules, 25u);
  EXPECT_EQ(s.enabled_rules, 25u);
  for (const Diagnostic& w : s.warnings) {
    ADD_FAILURE() << w.ToString();
  }
}

TEST(SakerRulesTest, EventTypeIndex) {
  const std::map<std::string, std::string> kTypes = {
      {"Monitored file read via path traversal", "open, openat, openat2"},
      {"Credential file read by long-running server", "open, openat, openat2"},
      {"Credential file read by unexpected program", "open, openat, openat2"},
      {"Log file truncated", "open, openat, openat2"},
      {"Symlink to sensitive file created", "symlink, symlinkat"},
      {"Hardlink to sensitive file created", "link, linkat"},
      {"Shell spawned by server process", "execve, execveat"},
      {"Service account ran interactive command", "execve, execveat"},
      {"Search for private keys", "execve, execveat"},
      {"Search for AWS credentials", "execve, execveat"},
      {"Disk data destruction tool run", "execve, execveat"},
      {"Program executed from /dev/shm", "execve, execveat"},
      {"Fileless execution from memory", "execve, execveat"},
      {"Process attached with ptrace", "ptrace"},
      {"Ptrace self-trace anti-debugging", "ptrace"},
      {"SSH client on non-standard port", "connect"},
      {"Interactive shell in container", "execve, execveat"},
      {"Container contacted Kubernetes API server", "connect"},
      {"Netcat with command execution in container", "execve, execveat"},
      {"Raw packet socket opened in container", "socket"},
      {"Standard stream redirected to network in container", "dup, dup2, dup3"},
      {"Kernel module load from container", "finit_module, init_module"},
      {"Debugfs in privileged container", "execve, execveat"},
      {"Cgroup release_agent write in container", "open, openat, openat2"},
      {"New executable run in container", "execve, execveat"},
  };
  Diagnostic err;
  auto engine = LoadSakerRules(&err);
  ASSERT_TRUE(engine->loaded());
  ASSERT_EQ(engine->rule_set()->rules().size(), kTypes.size());
  for (const auto& rule : engine->rule_set()->rules()) {
    auto it = kTypes.find(rule->name());
    ASSERT_NE(it, kTypes.end()) << "unexpected rule " << rule->name();
    EXPECT_EQ(absl::StrJoin(engine->event_types().Names(rule->event_types()), ", "), it->second)
        << rule->name();
    EXPECT_FALSE(rule->tags().empty()) << rule->name();
  }
}

// The fields every event of a process carries, as the state would give them.
TestEvent Process(const std::string& type, const std::string& name, const std::string& args,
                  const std::string& parent, const std::string& container_id = "host") {
  TestEvent ev;
  ev.type = type;
  ev.Set("evt.type", type).Set("evt.num", "42").Set("evt.res", "SUCCESS").Set("evt.rawres", "0");
  ev.Set("proc.name", name).Set("proc.exe", name).Set("proc.exepath", "/usr/bin/" + name);
  ev.Set("proc.args", args).Set("proc.cmdline", args.empty() ? name : name + " " + args);
  ev.Set("proc.pname", parent).SetList("proc.aname", {parent, "python3", "bash"});
  ev.Set("proc.aname[2]", "python3").Set("proc.aname[3]", "bash");
  ev.Set("proc.pcmdline", parent).Set("proc.cwd", "/tmp/").Set("proc.tty", "0");
  ev.Set("proc.duration", "1000000").Set("proc.is_exe_from_memfd", "false");
  ev.Set("proc.is_exe_upper_layer", "false");
  ev.Set("user.name", "root").Set("user.uid", "0").Set("user.loginuid", "-1");
  ev.Set("thread.cap_effective", "CAP_CHOWN CAP_DAC_OVERRIDE CAP_SETUID CAP_SETGID");
  ev.Set("container.id", container_id).Set("container.name", container_id);
  ev.Set("container.image.repository", container_id == "host" ? "" : "localhost/saker-test");
  ev.Set("container.privileged", "false");
  return ev;
}

TestEvent Open(const std::string& name, const std::string& args, const std::string& parent,
               const std::string& path, const std::string& flags, bool ok = true) {
  TestEvent ev = Process("openat", name, args, parent);
  bool write = flags.find("O_WRONLY") != std::string::npos || flags.find("O_RDWR") != std::string::npos;
  ev.Set("fd.name", path).Set("fd.nameraw", path).Set("fd.typechar", "f").Set("fd.type", "file");
  ev.Set("fd.num", ok ? "3" : "-1").Set("evt.rawres", ok ? "3" : "-2");
  ev.Set("evt.res", ok ? "SUCCESS" : "ENOENT");
  ev.Set("fd.directory", path.substr(0, path.rfind('/')));
  ev.Set("fd.filename", path.substr(path.rfind('/') + 1));
  ev.Set("evt.is_open_read", write && flags.find("O_RDWR") == std::string::npos ? "false" : "true");
  ev.Set("evt.is_open_write", write ? "true" : "false");
  ev.Set("evt.arg.flags", flags);
  return ev;
}

class SakerRuleBehaviourTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Diagnostic err;
    engine_ = LoadSakerRules(&err);
    ASSERT_TRUE(engine_->loaded());
  }
  std::vector<std::string> Matches(const TestEvent& ev) {
    MapExtractor ex;
    ex.SetEvent(&ev);
    std::vector<const CompiledRule*> matches;
    engine_->Evaluate(engine_->event_types().Code(ev.type), &ex, &matches);
    std::vector<std::string> names;
    for (const CompiledRule* r : matches) {
      names.push_back(r->name());
    }
    return names;
  }
  void ExpectFires(const std::string& rule, const TestEvent& ev) {
    auto names = Matches(ev);
    EXPECT_NE(std::find(names.begin(), names.end(), rule), names.end())
        << rule << " did not fire; matched: " << absl::StrJoin(names, ", ");
  }
  void ExpectQuiet(const std::string& rule, const TestEvent& ev) {
    auto names = Matches(ev);
    EXPECT_EQ(std::find(names.begin(), names.end(), rule), names.end())
        << rule << " fired on the near miss";
  }
  std::unique_ptr<Engine> engine_;
};

TEST_F(SakerRuleBehaviourTest, PathTraversal) {
  const char* kRule = "Monitored file read via path traversal";
  TestEvent ev = Open("cat", "/usr/share/../../etc/passwd m", "python3", "/etc/passwd", "O_RDONLY");
  ev.Set("fd.nameraw", "/usr/share/../../etc/passwd");
  ExpectFires(kRule, ev);
  ev.Set("proc.pname", "sh");
  ExpectQuiet(kRule, ev);
}

TEST_F(SakerRuleBehaviourTest, CredentialReads) {
  const char* kUnexpected = "Credential file read by unexpected program";
  const char* kServer = "Credential file read by long-running server";
  TestEvent cat = Open("cat", "/etc/shadow m", "python3", "/etc/shadow", "O_RDONLY");
  ExpectFires(kUnexpected, cat);
  ExpectQuiet(kServer, cat);
  ExpectQuiet(kUnexpected, Open("cat", "/etc/passwd m", "python3", "/etc/passwd", "O_RDONLY"));
  ExpectQuiet(kUnexpected, Open("su", "-", "bash", "/etc/pam.d/su", "O_RDONLY"));

  TestEvent old_nginx = Open("nginx", "x.py wait-read m", "python3", "/etc/shadow", "O_RDONLY");
  old_nginx.Set("proc.duration", "6000000000");
  ExpectFires(kServer, old_nginx);
  ExpectQuiet(kUnexpected, old_nginx);
  TestEvent new_nginx = old_nginx;
  new_nginx.Set("proc.duration", "200000000");
  ExpectQuiet(kServer, new_nginx);
  ExpectFires(kUnexpected, new_nginx);
}

TEST_F(SakerRuleBehaviourTest, LogTruncation) {
  const char* kRule = "Log file truncated";
  ExpectFires(kRule, Open("sh", "-c : > /var/log/m.log", "python3", "/var/log/m.log",
                          "O_WRONLY|O_CREAT|O_TRUNC"));
  ExpectFires(kRule, Open("sh", "-c : > x", "python3", "/var/log/nginx/access.log",
                          "O_WRONLY|O_TRUNC"));
  ExpectQuiet(kRule, Open("sh", "-c echo >> /var/log/m.log", "python3", "/var/log/m.log",
                          "O_WRONLY|O_CREAT|O_APPEND"));
  ExpectQuiet(kRule, Open("logrotate", "/etc/logrotate.conf", "cron", "/var/log/syslog",
                          "O_WRONLY|O_TRUNC"));
}

TEST_F(SakerRuleBehaviourTest, Links) {
  TestEvent sym = Process("symlinkat", "ln", "-s /etc/shadow /tmp/m", "python3");
  sym.Set("evt.arg.target", "/etc/shadow").Set("evt.arg.linkpath", "/tmp/m");
  ExpectFires("Symlink to sensitive file created", sym);
  sym.Set("evt.arg.target", "/etc/hostname");
  ExpectQuiet("Symlink to sensitive file created", sym);
  sym.Set("evt.arg.target", "/etc/");
  ExpectFires("Symlink to sensitive file created", sym);

  TestEvent hard = Process("linkat", "ln", "/etc/shadow /tmp/m", "python3");
  hard.Set("evt.arg.oldpath", "/etc/shadow").Set("evt.arg.newpath", "/tmp/m");
  ExpectFires("Hardlink to sensitive file created", hard);
  hard.Set("evt.arg.oldpath", "/tmp/own");
  ExpectQuiet("Hardlink to sensitive file created", hard);
}

TEST_F(SakerRuleBehaviourTest, ShellBelowServer) {
  const char* kRule = "Shell spawned by server process";
  TestEvent ev = Process("execve", "sh", "-c echo m", "nginx");
  ev.SetList("proc.aname", {"nginx", "python3", "bash"});
  ExpectFires(kRule, ev);
  ev.Set("proc.pname", "myapp").SetList("proc.aname", {"myapp", "python3", "bash"});
  ExpectQuiet(kRule, ev);
  ev.Set("proc.pname", "sh").SetList("proc.aname", {"sh", "nginx", "bash"});
  ExpectQuiet(kRule, ev);  // nested shell: reported at the first one
}

TEST_F(SakerRuleBehaviourTest, ServiceAccountInSession) {
  const char* kRule = "Service account ran interactive command";
  TestEvent ev = Process("execve", "true", "m", "sshd");
  ev.SetList("proc.aname", {"sshd", "python3", "bash"});
  ev.Set("user.name", "nobody").Set("user.uid", "65534");
  ExpectFires(kRule, ev);
  ev.Set("user.name", "root").Set("user.uid", "0");
  ExpectQuiet(kRule, ev);
}

TEST_F(SakerRuleBehaviourTest, Searches) {
  ExpectFires("Search for private keys",
              Process("execve", "grep", "-rl BEGIN RSA PRIVATE /tmp/m", "python3"));
  ExpectFires("Search for private keys", Process("execve", "find", "/ -name id_rsa", "python3"));
  ExpectQuiet("Search for private keys",
              Process("execve", "grep", "-rl BEGIN CERTIFICATE /tmp/m", "python3"));
  ExpectFires("Search for AWS credentials",
              Process("execve", "grep", "-rl aws_secret_access_key /tmp/m", "python3"));
  ExpectFires("Search for AWS credentials",
              Process("execve", "find", "/ -path */.aws/credentials", "python3"));
  ExpectQuiet("Search for AWS credentials",
              Process("execve", "grep", "-rl aws_region /tmp/m", "python3"));
}

TEST_F(SakerRuleBehaviourTest, Destruction) {
  const char* kRule = "Disk data destruction tool run";
  ExpectFires(kRule, Process("execve", "shred", "-n 1 -u /tmp/m.dat", "python3"));
  ExpectQuiet(kRule, Process("execve", "rm", "/tmp/m.dat", "python3"));
}

TEST_F(SakerRuleBehaviourTest, DevShm) {
  const char* kRule = "Program executed from /dev/shm";
  TestEvent ev = Process("execve", "m", "x", "python3");
  ev.Set("proc.exe", "/dev/shm/m").Set("proc.exepath", "/dev/shm/m");
  ExpectFires(kRule, ev);
  TestEvent near = Process("execve", "true", "m", "python3");
  near.Set("proc.exe", "/bin/true").Set("proc.cwd", "/dev/shm/");
  ExpectQuiet(kRule, near);
  near.Set("proc.exe", "./m");
  ExpectFires(kRule, near);
}

TEST_F(SakerRuleBehaviourTest, Memfd) {
  const char* kRule = "Fileless execution from memory";
  TestEvent ev = Process("execve", "3", "m", "python3");
  ev.Set("proc.is_exe_from_memfd", "true").Set("proc.exepath", "memfd:saker-m");
  ExpectFires(kRule, ev);
  ev.Set("proc.is_exe_from_memfd", "false");
  ExpectQuiet(kRule, ev);
  ev.Set("proc.is_exe_from_memfd", "true").Set("proc.name", "runc");
  ExpectQuiet(kRule, ev);
}

TEST_F(SakerRuleBehaviourTest, Ptrace) {
  TestEvent ev = Process("ptrace", "python3", "actions.py ptrace-attach m", "python3");
  ev.Set("evt.arg.request", "PTRACE_ATTACH").Set("evt.arg.pid", "123");
  ExpectFires("Process attached with ptrace", ev);
  ExpectQuiet("Ptrace self-trace anti-debugging", ev);
  ev.Set("evt.arg.request", "PTRACE_PEEKDATA");
  ExpectQuiet("Process attached with ptrace", ev);
  ExpectQuiet("Ptrace self-trace anti-debugging", ev);
  ev.Set("evt.arg.request", "PTRACE_TRACEME");
  ExpectFires("Ptrace self-trace anti-debugging", ev);
  ExpectQuiet("Process attached with ptrace", ev);
}

TEST_F(SakerRuleBehaviourTest, SshPort) {
  const char* kRule = "SSH client on non-standard port";
  TestEvent ev = Process("connect", "ssh", "-p 4444 -l m 198.51.100.7 true", "python3");
  ev.Set("evt.res", "EINPROGRESS").Set("evt.rawres", "-115").Set("fd.typechar", "4");
  ev.Set("fd.l4proto", "tcp").Set("fd.sport", "4444").Set("fd.sip", "198.51.100.7");
  ev.Set("fd.snet", "198.51.100.7").Set("fd.cip", "198.51.100.7");
  ev.SetList("fd.ip", {"198.51.100.7", "198.51.100.7"});
  ev.Set("fd.name", "198.51.100.7:40000->198.51.100.7:4444");
  ExpectFires(kRule, ev);
  ev.Set("fd.sport", "22");
  ExpectQuiet(kRule, ev);
  ev.Set("fd.sport", "4444").Set("fd.snet", "10.1.2.3").Set("fd.sip", "10.1.2.3");
  ExpectQuiet(kRule, ev);
}

TEST_F(SakerRuleBehaviourTest, Containers) {
  const std::string kId = "3f5a98e201e6";
  TestEvent sh = Process("execve", "sh", "-c echo m", "runc", kId);
  sh.Set("proc.tty", "34816");
  ExpectFires("Interactive shell in container", sh);
  sh.Set("proc.tty", "0");
  ExpectQuiet("Interactive shell in container", sh);

  TestEvent nc = Process("execve", "nc", "127.0.0.1 9 -e /tmp/m/true", "sh", kId);
  ExpectFires("Netcat with command execution in container", nc);
  nc.Set("proc.args", "-w 1 127.0.0.1 9");
  ExpectQuiet("Netcat with command execution in container", nc);

  TestEvent pkt = Process("socket", "arping", "-c 1 127.0.0.1", "sh", kId);
  pkt.Set("evt.arg.domain", "AF_PACKET");
  ExpectFires("Raw packet socket opened in container", pkt);
  pkt.Set("container.id", "host");
  ExpectQuiet("Raw packet socket opened in container", pkt);

  TestEvent dup = Process("dup2", "nc", "127.0.0.1 4444 -e /tmp/m/true", "sh", kId);
  dup.Set("evt.rawres", "0").Set("fd.type", "ipv4");
  ExpectFires("Standard stream redirected to network in container", dup);
  dup.Set("fd.type", "file").Set("evt.rawres", "1");
  ExpectQuiet("Standard stream redirected to network in container", dup);

  TestEvent mod = Process("finit_module", "insmod", "/tmp/m.ko", "sh", kId);
  mod.Set("thread.cap_effective", "CAP_CHOWN CAP_SYS_MODULE CAP_SYS_ADMIN");
  ExpectFires("Kernel module load from container", mod);
  mod.Set("thread.cap_effective", "CAP_CHOWN CAP_NET_BIND_SERVICE");
  ExpectQuiet("Kernel module load from container", mod);

  TestEvent dbg = Process("execve", "debugfs", "-V m", "runc", kId);
  dbg.Set("container.privileged", "true");
  ExpectFires("Debugfs in privileged container", dbg);
  dbg.Set("container.privileged", "false");
  ExpectQuiet("Debugfs in privileged container", dbg);
  dbg.Set("thread.cap_effective", "CAP_CHOWN CAP_SYS_ADMIN");  // privileged unknown
  ExpectFires("Debugfs in privileged container", dbg);

  TestEvent ra = Open("sh", "-c echo x > /tmp/m/release_agent", "runc", "/tmp/m/release_agent",
                      "O_WRONLY|O_CREAT|O_TRUNC");
  ra.Set("container.id", kId).Set("thread.cap_effective", "CAP_DAC_OVERRIDE CAP_SYS_ADMIN");
  ExpectFires("Cgroup release_agent write in container", ra);
  ra.Set("thread.cap_effective", "CAP_DAC_OVERRIDE CAP_CHOWN");
  ExpectQuiet("Cgroup release_agent write in container", ra);

  TestEvent drop = Process("execve", "echo", "m", "sh", kId);
  drop.Set("proc.is_exe_upper_layer", "true");
  ExpectFires("New executable run in container", drop);
  drop.Set("proc.is_exe_upper_layer", "false");
  ExpectQuiet("New executable run in container", drop);
}

}  // namespace
}  // namespace saker::rules
