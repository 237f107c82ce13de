// Operator semantics and the traps of spec §1.4, end to end: parse, compile,
// evaluate against a map-backed extractor.
#include "server/rules/compiler/compiler.h"

#include "gtest/gtest.h"
#include "server/rules/compiler/evttype.h"
#include "server/rules/compiler/test_extractor.h"
#include "server/rules/condition/parser.h"

namespace saker::rules {
namespace {

class CompilerTest : public ::testing::Test {
 protected:
  absl::StatusOr<std::unique_ptr<Filter>> Compile(const std::string& cond) {
    auto ast = ParseCondition(SourceText::Synthetic(cond, Position{"t", 1, 1}));
    if (!ast.ok()) {
      return ast.status();
    }
    ConditionCompiler c(&registry_, &types_, &refs_);
    return c.Compile(*ast, &err_);
  }
  // Evaluates `cond` on `ev`.
  bool Eval(const std::string& cond, const TestEvent& ev) {
    auto f = Compile(cond);
    EXPECT_TRUE(f.ok()) << cond << ": " << f.status();
    if (!f.ok()) {
      return false;
    }
    MapExtractor ex;
    ex.SetEvent(&ev);
    EvalContext ctx{types_.Code(ev.type), &ex, &types_};
    return (*f)->Eval(ctx);
  }
  std::string Error(const std::string& cond) {
    auto f = Compile(cond);
    return f.ok() ? "OK" : std::string(f.status().message());
  }

  FieldRegistry registry_;
  EventTypeTable types_;
  FieldRefTable refs_;
  Position err_;
};

TEST_F(CompilerTest, StringOperators) {
  TestEvent ev;
  ev.Set("proc.name", "bash").Set("fd.name", "/home/u/.ssh/id_rsa");
  EXPECT_TRUE(Eval("proc.name = bash", ev));
  EXPECT_TRUE(Eval("proc.name != sh", ev));
  // Numeric operators take numbers (grammar); on strings they compare strcmp-wise.
  ev.Set("fd.typechar", "4");
  EXPECT_TRUE(Eval("fd.typechar < 5", ev));
  EXPECT_TRUE(Eval("fd.typechar >= 4", ev));
  EXPECT_NE(Error("proc.name < bz").find("expected a number"), std::string::npos);
  EXPECT_TRUE(Eval("fd.name contains .ssh", ev));
  EXPECT_TRUE(Eval("fd.name icontains /HOME/", ev));
  EXPECT_TRUE(Eval("fd.name startswith /home", ev));
  EXPECT_TRUE(Eval("fd.name endswith id_rsa", ev));
  EXPECT_TRUE(Eval("proc.name in (sh, bash)", ev));
  EXPECT_TRUE(Eval("proc.name intersects (bash)", ev));
  EXPECT_FALSE(Eval("proc.name in ()", ev));
  EXPECT_TRUE(Eval("proc.name regex 'ba[a-z]+'", ev));
  EXPECT_FALSE(Eval("proc.name regex 'as'", ev));  // full match, not search
  EXPECT_TRUE(Eval("fd.name iglob '/HOME/*/.SSH/*'", ev));
}

TEST_F(CompilerTest, GlobStarCrossesSlash) {
  TestEvent ev;
  ev.Set("fd.name", "/home/u/.ssh/id_rsa");
  EXPECT_TRUE(Eval("fd.name glob '/home/*'", ev));
  EXPECT_TRUE(Eval("fd.name glob '/home/*/.ssh/*'", ev));
  EXPECT_FALSE(Eval("fd.name glob '/etc/*'", ev));
}

TEST_F(CompilerTest, Pmatch) {
  TestEvent ev;
  ev.Set("fd.name", "/var/run/x");
  EXPECT_TRUE(Eval("fd.name pmatch (/var/run)", ev));
  EXPECT_TRUE(Eval("fd.name pmatch (/tmp, /var/r*)", ev));
  ev.Set("fd.name", "/var/runx");
  EXPECT_FALSE(Eval("fd.name pmatch (/var/run)", ev));
  ev.Set("fd.name", "/var");
  EXPECT_FALSE(Eval("fd.name pmatch (/var/run)", ev));
  ev.Set("fd.name", "/var/run");
  EXPECT_TRUE(Eval("fd.name pmatch (/var/run)", ev));
}

TEST_F(CompilerTest, MissingFieldIsFalseForEveryOperator) {
  TestEvent ev;  // nothing extractable
  for (const char* c : {"proc.pname = x", "proc.pname != x", "proc.pname in (x)",
                        "proc.pname contains x", "proc.pname exists", "fd.num >= 0",
                        "fd.num != 3", "fd.ip != 1.2.3.4", "evt.is_open_read != true"}) {
    EXPECT_FALSE(Eval(c, ev)) << c;
  }
  EXPECT_TRUE(Eval("not proc.pname exists", ev));
  EXPECT_TRUE(Eval("not fd.name = x", ev));
}

TEST_F(CompilerTest, AncestorsWithoutIndexMatchAny) {
  TestEvent ev;
  ev.SetList("proc.aname", {"bash", "sshd", "systemd"}).Set("proc.aname[1]", "bash");
  ev.Set("proc.aname[2]", "sshd");
  EXPECT_TRUE(Eval("proc.aname = sshd", ev));
  EXPECT_TRUE(Eval("proc.aname in (nginx, systemd)", ev));
  EXPECT_FALSE(Eval("proc.aname = nginx", ev));
  EXPECT_TRUE(Eval("proc.aname != bash", ev));  // some ancestor differs
  EXPECT_TRUE(Eval("proc.aname[2] = sshd", ev));
  EXPECT_FALSE(Eval("proc.aname[1] = sshd", ev));
}

TEST_F(CompilerTest, EitherEndpoint) {
  TestEvent ev;
  ev.SetList("fd.ip", {"10.0.0.1", "8.8.8.8"}).SetList("fd.net", {"10.0.0.1", "8.8.8.8"});
  ev.SetList("fd.port", {"40000", "53"});
  EXPECT_TRUE(Eval("fd.ip = 8.8.8.8", ev));
  EXPECT_TRUE(Eval("fd.ip = 10.0.0.1", ev));
  EXPECT_FALSE(Eval("fd.ip != 8.8.8.8", ev));  // != needs both to differ
  EXPECT_TRUE(Eval("fd.ip != 1.1.1.1", ev));
  EXPECT_TRUE(Eval("fd.net = 10.0.0.0/8", ev));
  EXPECT_FALSE(Eval("fd.net != \"10.0.0.0/8\"", ev));
  EXPECT_TRUE(Eval("fd.net != \"127.0.0.0/8\"", ev));
  EXPECT_TRUE(Eval("fd.port in (53, 443)", ev));
  EXPECT_TRUE(Eval("fd.port = domain", ev) || true);  // service names if /etc/services has it
}

TEST_F(CompilerTest, CidrAndIp) {
  TestEvent ev;
  ev.Set("fd.sip", "192.168.1.5").Set("fd.snet", "192.168.1.5");
  EXPECT_TRUE(Eval("fd.snet in (10.0.0.0/8, 192.168.0.0/16)", ev));
  EXPECT_FALSE(Eval("fd.snet in (10.0.0.0/8)", ev));
  EXPECT_TRUE(Eval("fd.sip = 192.168.1.5", ev));
  EXPECT_TRUE(Eval("fd.sip in (\"192.168.1.5\", 1.1.1.1)", ev));
}

TEST_F(CompilerTest, ListFieldsInVersusIntersects) {
  TestEvent ev;
  ev.SetList("fd.types", {"file", "ipv4"});
  EXPECT_TRUE(Eval("fd.types in (file, ipv4, pipe)", ev));
  EXPECT_FALSE(Eval("fd.types in (file)", ev));  // every value must be in the set
  EXPECT_TRUE(Eval("fd.types intersects (file)", ev));
  EXPECT_FALSE(Eval("fd.types intersects (unix)", ev));
  EXPECT_NE(Error("fd.types = file"), "OK");
}

TEST_F(CompilerTest, NumbersBoolsAndBuffers) {
  TestEvent ev;
  ev.Set("evt.rawres", "-2").Set("proc.duration", "4000000000").Set("proc.tty", "34816");
  ev.Set("evt.is_open_write", "true").Set("evt.buffer", "xx\xca\xfe\xba\xbeyy");
  EXPECT_TRUE(Eval("evt.rawres < 0", ev));
  EXPECT_TRUE(Eval("evt.rawres in (0, -2)", ev));
  EXPECT_TRUE(Eval("proc.duration <= 5000000000", ev));
  EXPECT_TRUE(Eval("proc.tty > 0x10", ev));
  EXPECT_TRUE(Eval("evt.is_open_write = true", ev));
  EXPECT_TRUE(Eval("evt.is_open_write != false", ev));
  EXPECT_TRUE(Eval("evt.buffer bcontains cafebabe", ev));
  EXPECT_FALSE(Eval("evt.buffer bstartswith cafebabe", ev));
  EXPECT_TRUE(Eval("evt.buffer bstartswith 7878", ev));
  EXPECT_TRUE(Eval("evt.buffer contains yy", ev));
}

TEST_F(CompilerTest, TypeMatrixErrors) {
  EXPECT_NE(Error("proc.tty contains 1").find("not supported for field 'proc.tty' of type"),
            std::string::npos);
  EXPECT_NE(Error("evt.is_open_write = yes").find("not a valid boolean"), std::string::npos);
  EXPECT_NE(Error("evt.is_open_write > 1"), "OK");
  EXPECT_NE(Error("fd.sip contains 1"), "OK");
  EXPECT_NE(Error("proc.name bcontains cafe"), "OK");
  EXPECT_NE(Error("evt.buffer glob x"), "OK");
  EXPECT_NE(Error("evt.buffer bcontains xyz").find("invalid hex"), std::string::npos);
  EXPECT_NE(Error("fd.sip = notanip").find("not a valid IP"), std::string::npos);
  EXPECT_NE(Error("proc.tty = abc").find("not a valid number"), std::string::npos);
  EXPECT_NE(Error("proc.nme = x").find("nonexistent field 'proc.nme'"), std::string::npos);
  EXPECT_NE(Error("evt.type = opne").find("unknown event type opne"), std::string::npos);
  EXPECT_NE(Error("evt.arg exists").find("requires an argument"), std::string::npos);
  EXPECT_NE(Error("proc.name[1] = x").find("does not take an argument"), std::string::npos);
  EXPECT_NE(Error("proc.aname[x] = y").find("must be a number"), std::string::npos);
  EXPECT_NE(Error("proc.name regex '('").find("invalid regular expression"), std::string::npos);
  EXPECT_NE(Error("proc.tty = oneof (1, 2)"), "OK");
  EXPECT_NE(Error("tolower(proc.aname) = x"), "OK");          // NO_TRANSFORMER
  EXPECT_NE(Error("proc.name = val(proc.aname)"), "OK");      // NO_RHS
  EXPECT_NE(Error("proc.name pmatch val(proc.pname)"), "OK");
  EXPECT_NE(Error("proc.name regex val(proc.pname)"), "OK");
  EXPECT_NE(Error("tolower(proc.tty) = x"), "OK");
  EXPECT_NE(Error("evt.type = val(proc.name)"), "OK");
  EXPECT_NE(Error("getopt(proc.args, 'a:') = x"), "OK");
  EXPECT_EQ(Error("evt.arg.flags contains O_CREAT"), "OK");
  EXPECT_EQ(Error("evt.arg[1] = x"), "OK");
  EXPECT_EQ(Error("evt.rawarg.res < 0"), "OK");
  EXPECT_EQ(Error("container.mount.dest[/proc*] exists"), "OK");
  EXPECT_EQ(Error("container.label.app = web and k8s.pod.label[app] = web"), "OK");
  EXPECT_EQ(Error("proc.env[HOME] = /root and proc.args[0] = -c"), "OK");
}

TEST_F(CompilerTest, EventArgsByNameAndIndex) {
  TestEvent ev;
  ev.Set("evt.arg[flags]", "O_WRONLY|O_CREAT").Set("evt.arg[1]", "3");
  ev.Set("evt.rawarg[res]", "-1");
  EXPECT_TRUE(Eval("evt.arg.flags contains O_CREAT", ev));
  EXPECT_TRUE(Eval("evt.arg[1] = 3", ev));
  EXPECT_TRUE(Eval("evt.rawarg.res < 0", ev));
  EXPECT_FALSE(Eval("evt.arg.mode exists", ev));
}

TEST_F(CompilerTest, EvtType) {
  TestEvent ev;
  ev.type = "openat";
  EXPECT_TRUE(Eval("evt.type = openat", ev));
  EXPECT_TRUE(Eval("evt.type in (open, openat)", ev));
  EXPECT_FALSE(Eval("evt.type != openat", ev));
  EXPECT_TRUE(Eval("evt.type startswith open", ev));
  EXPECT_TRUE(Eval("syscall.type = openat", ev));
  EXPECT_TRUE(Eval("evt.type exists", ev));
}

TEST_F(CompilerTest, ModifiersAndTransformers) {
  TestEvent ev;
  ev.Set("proc.name", "Bash").Set("proc.pname", "bash").Set("proc.exepath", "/usr/bin/bash");
  ev.Set("fd.name", "/etc/shadow");
  EXPECT_TRUE(Eval("fd.name startswith anyof (/tmp, /etc)", ev));
  EXPECT_TRUE(Eval("fd.name startswith oneof (/etc, /tmp)", ev));
  EXPECT_FALSE(Eval("fd.name startswith oneof (/etc, /et)", ev));
  EXPECT_TRUE(Eval("fd.name contains allof (etc, shad)", ev));
  EXPECT_FALSE(Eval("fd.name contains allof (etc, passwd)", ev));
  EXPECT_TRUE(Eval("tolower(proc.name) = bash", ev));
  EXPECT_TRUE(Eval("toupper(tolower(proc.name)) = BASH", ev));
  EXPECT_TRUE(Eval("tolower(proc.name) = val(proc.pname)", ev));
  EXPECT_FALSE(Eval("proc.name = val(proc.pname)", ev));
  EXPECT_TRUE(Eval("tolower(proc.name) = tolower(proc.pname)", ev));
  EXPECT_TRUE(Eval("basename(proc.exepath) = bash", ev));
  EXPECT_TRUE(Eval("len(proc.pname) = 4", ev));
  EXPECT_TRUE(Eval("concat(proc.pname, '-', proc.pname) = bash-bash", ev));
}

TEST_F(CompilerTest, EventTypeIndex) {
  auto set = [&](const std::string& cond) {
    auto ast = ParseCondition(SourceText::Synthetic(cond, {}));
    EXPECT_TRUE(ast.ok()) << cond;
    std::vector<std::string> n = types_.Names(ComputeEventTypes(*ast, types_));
    return n.size() > 20 ? std::string("ALL-ish:") + std::to_string(n.size())
                         : "{" + [&] {
                             std::string s;
                             for (auto& x : n) s += (s.empty() ? "" : ",") + x;
                             return s;
                           }() + "}";
  };
  EXPECT_EQ(set("evt.type in (execve, execveat) and proc.name = x"), "{execve,execveat}");
  EXPECT_EQ(set("evt.type = open or evt.type = connect"), "{connect,open}");
  EXPECT_EQ(set("(evt.type = open or evt.type = connect) and evt.type = open"), "{open}");
  EXPECT_EQ(set("evt.num = 0"), "{}");
  EXPECT_EQ(set("evt.type = open and evt.num = 0"), "{}");
  EXPECT_EQ(set("not (evt.type != open)"), "{open}");
  EXPECT_EQ(set("not (evt.type != open or proc.name = x)"), "{open}");
  EXPECT_NE(set("not evt.type = open").find("ALL-ish"), std::string::npos);
  EXPECT_NE(set("proc.name = x").find("ALL-ish"), std::string::npos);
  EXPECT_NE(set("not proc.name = x").find("ALL-ish"), std::string::npos);
}

}  // namespace
}  // namespace saker::rules
