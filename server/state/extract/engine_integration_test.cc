// The extractor under the real rules engine and Falco's stable rules: every
// field the upstream rules use is provided, and realistic event sequences
// fire the rules Falco would fire, with the outputs Falco would print.
#include "server/rules/common/shared_dir.h"
#include "server/rules/engine/engine.h"
#include "server/state/extract/test_fixture.h"

namespace saker::state {
namespace {

using rules::CompiledRule;
using rules::Engine;

// Spec §4.5: the 77 fields of the three upstream rule files.
const char* const kUpstreamFields[] = {
    "evt.arg", "evt.args", "evt.buffer", "evt.is_open_exec", "evt.is_open_read",
    "evt.is_open_write", "evt.num", "evt.rawres", "evt.res", "evt.type", "proc.aexe",
    "proc.aexepath", "proc.aname", "proc.args", "proc.cmdline", "proc.cwd", "proc.duration",
    "proc.env", "proc.exe", "proc.exe_ino.ctime", "proc.exe_ino.ctime_duration_proc_start",
    "proc.exe_ino.mtime", "proc.exepath", "proc.is_exe_from_memfd", "proc.is_exe_upper_layer",
    "proc.is_vpgid_leader", "proc.name", "proc.pcmdline", "proc.pexe", "proc.pexepath",
    "proc.pname", "proc.sname", "proc.tty", "proc.vpid", "thread.cap_effective",
    "thread.cap_permitted", "user.loginname", "user.loginuid", "user.name", "user.uid",
    "group.gid", "group.name", "fd.cip", "fd.cip.name", "fd.cnet", "fd.connected",
    "fd.directory", "fd.filename", "fd.ip", "fd.l4proto", "fd.lip.name", "fd.lport", "fd.name",
    "fd.name_changed", "fd.nameraw", "fd.net", "fd.num", "fd.port", "fd.rip", "fd.rip.name",
    "fd.rnet", "fd.rport", "fd.sip", "fd.sip.name", "fd.snet", "fd.sockfamily", "fd.sport",
    "fd.type", "fd.typechar", "container.id", "container.image.repository",
    "container.mount.dest", "container.mounts", "container.privileged", "container.start_ts",
    "k8s.ns.name", "k8s.pod.name"};

// Known and never extractable here (documented in README.md): no DNS cache,
// no pid-namespace init start time.
bool NeverExtractable(absl::string_view f) {
  return f == "fd.cip.name" || f == "fd.sip.name" || f == "fd.lip.name" ||
         f == "fd.rip.name" || f == "container.start_ts";
}

TEST(FieldCoverageTest, EveryUpstreamFieldIsProvided) {
  EXPECT_EQ(sizeof(kUpstreamFields) / sizeof(kUpstreamFields[0]), 77u);
  for (const char* f : kUpstreamFields) {
    if (!NeverExtractable(f)) {
      EXPECT_NE(FieldCodeOf(f), Field::kUnknown) << f;
    }
  }
}

class EngineIntegrationTest : public ExtractorFixture {
 protected:
  void SetUp() override {
    ExtractorFixture::SetUp();
    // Falco's file is read from outside the repository: without it, skip
    // and say what is missing and how to provide it.
    absl::StatusOr<std::string> file =
        rules::LocateSharedFile("compat/falco-rules/falco_rules.yaml");
    if (!file.ok()) {
      GTEST_SKIP() << file.status().message();
    }
    absl::Status loaded = engine_.LoadFiles({*file});
    ASSERT_TRUE(loaded.ok()) << loaded;
    codes_ = std::make_unique<EventTypeCodes>(engine_.event_types());
  }

  // Applies `ev` and evaluates the rules on it: the names that matched.
  std::vector<std::string> Run(testing::OwnedEvent ev) {
    Apply(std::move(ev));
    const EventView& view = *updater_.context().event;
    matches_.clear();
    engine_.Evaluate(codes_->Of(view), extractor_.get(), &matches_);
    std::vector<std::string> names;
    for (const CompiledRule* r : matches_) {
      names.push_back(r->name());
    }
    return names;
  }

  std::string Output() {
    return engine_.FormatOutput(*matches_.at(0), codes_->Of(*updater_.context().event),
                                updater_.context().event->hdr().ts_ns, extractor_.get());
  }

  Engine engine_;
  std::unique_ptr<EventTypeCodes> codes_;
  std::vector<const CompiledRule*> matches_;
};

TEST_F(EngineIntegrationTest, CatShadowFromAnSshShell) {
  EXPECT_TRUE(Run(Ev(SAKER_SYS_clone).Ret(201).Arg(0, SIGCHLD).Build()).empty());
  saker_exec_info info{};
  info.tty = 34816;
  info.loginuid = 1000;
  EXPECT_TRUE(Run(Ev(SAKER_SYS_execve, 201).Thread(201, 201, 200).Ret(0).Comm("cat")
                      .StrList(SAKER_PARAM_ARGV, {"cat", "/etc/shadow"})
                      .Str(SAKER_PARAM_EXEPATH, "/usr/bin/cat").ExecInfo(info)
                      .Str(0, "/usr/bin/cat").Build())
                  .empty());
  std::vector<std::string> m =
      Run(Ev(SAKER_SYS_openat, 201).Thread(201, 201, 200).Ret(3).Arg(0, AT_FDCWD)
              .Arg(2, O_RDONLY).Str(1, "../../etc/shadow").Build());
  ASSERT_EQ(m, std::vector<std::string>{"Read sensitive file untrusted"});
  std::string out = Output();
  EXPECT_NE(out.find("file=/etc/shadow"), std::string::npos) << out;
  EXPECT_NE(out.find("user=alice"), std::string::npos) << out;
  EXPECT_NE(out.find("process=cat"), std::string::npos) << out;
  EXPECT_NE(out.find("parent=bash"), std::string::npos) << out;
  EXPECT_NE(out.find("command=cat /etc/shadow"), std::string::npos) << out;
  EXPECT_NE(out.find("proc_exepath=/usr/bin/cat"), std::string::npos) << out;
  EXPECT_NE(out.find("terminal=34816"), std::string::npos) << out;
  EXPECT_NE(out.find("container_id=host"), std::string::npos) << out;
  // The same open failing is not a read.
  EXPECT_TRUE(Run(Ev(SAKER_SYS_openat, 201).Thread(201, 201, 200).Ret(-13).Arg(0, AT_FDCWD)
                      .Arg(2, O_RDONLY).Str(1, "/etc/shadow").Build())
                  .empty());
}

TEST_F(EngineIntegrationTest, SymlinkOverSensitiveFile) {
  std::vector<std::string> m = Run(Ev(SAKER_SYS_symlinkat).Ret(0).Str(0, "/etc/shadow")
                                       .Arg(1, AT_FDCWD).Str(2, "s").Build());
  ASSERT_EQ(m, std::vector<std::string>{"Create Symlink Over Sensitive Files"});
  EXPECT_NE(Output().find("linkpath=/home/alice/s"), std::string::npos) << Output();
}

TEST_F(EngineIntegrationTest, PacketSocketInAContainer) {
  EXPECT_TRUE(Run(Ev(SAKER_SYS_socket, 200).Ret(3).Arg(0, AF_PACKET).Arg(1, SOCK_RAW).Build())
                  .empty());  // on the host: not in a container
  std::vector<std::string> m =
      Run(Ev(SAKER_SYS_socket, 300).Ret(3).Arg(0, AF_PACKET).Arg(1, SOCK_RAW).Build());
  ASSERT_EQ(m, std::vector<std::string>{"Packet socket created in container"});
  EXPECT_NE(Output().find("container_name=web"), std::string::npos) << Output();
}

}  // namespace
}  // namespace saker::state
