#include "server/rules/compiler/field_registry.h"

#include "gtest/gtest.h"
#include "server/rules/compiler/event_types.h"

namespace saker::rules {
namespace {

TEST(FieldRegistry, HasEveryUpstreamField) {
  // Spec §4.5: the 77 fields the three upstream files use.
  const char* kFields[] = {
      "evt.arg", "evt.args", "evt.buffer", "evt.is_open_exec", "evt.is_open_read",
      "evt.is_open_write", "evt.num", "evt.rawres", "evt.res", "evt.type", "proc.aexe",
      "proc.aexepath", "proc.aname", "proc.args", "proc.cmdline", "proc.cwd", "proc.duration",
      "proc.env", "proc.exe", "proc.exe_ino.ctime", "proc.exe_ino.ctime_duration_proc_start",
      "proc.exe_ino.mtime", "proc.exepath", "proc.is_exe_from_memfd", "proc.is_exe_upper_layer",
      "proc.is_vpgid_leader", "proc.name", "proc.pcmdline", "proc.pexe", "proc.pexepath",
      "proc.pname", "proc.sname", "proc.tty", "proc.vpid", "thread.cap_effective",
      "thread.cap_permitted", "user.loginname", "user.loginuid", "user.name", "user.uid",
      "group.gid", "group.name", "fd.cip", "fd.cip.name", "fd.cnet", "fd.connected",
      "fd.directory", "fd.filename", "fd.ip", "fd.l4proto", "fd.lip.name", "fd.lport",
      "fd.name", "fd.name_changed", "fd.nameraw", "fd.net", "fd.num", "fd.port", "fd.rip",
      "fd.rip.name", "fd.rnet", "fd.rport", "fd.sip", "fd.sip.name", "fd.snet",
      "fd.sockfamily", "fd.sport", "fd.type", "fd.typechar", "container.id",
      "container.image.repository", "container.mount.dest", "container.mounts",
      "container.privileged", "container.start_ts", "k8s.ns.name", "k8s.pod.name"};
  EXPECT_EQ(sizeof(kFields) / sizeof(kFields[0]), 77u);
  FieldRegistry reg;
  for (const char* f : kFields) {
    EXPECT_NE(reg.Find(f), nullptr) << f;
  }
  EXPECT_GE(reg.size(), 290u);
}

TEST(FieldRegistry, TypesAndFlags) {
  FieldRegistry reg;
  EXPECT_EQ(reg.Find("fd.net")->type, FieldType::kIPNET);
  EXPECT_TRUE(reg.Find("fd.ip")->Has(FieldFlag::kEitherEndpoint));
  EXPECT_TRUE(reg.Find("proc.aname")->Has(FieldFlag::kAnyAncestor));
  EXPECT_TRUE(reg.Find("fd.types")->Has(FieldFlag::kIsList));
  EXPECT_EQ(reg.Find("container.privileged")->type, FieldType::kBOOL);
  EXPECT_EQ(reg.Find("proc.duration")->type, FieldType::kRELTIME);
}

TEST(FieldRegistry, LongestPrefixArguments) {
  FieldRegistry reg;
  ResolvedField rf;
  ASSERT_TRUE(reg.Resolve("evt.arg.flags", false, "", &rf));
  EXPECT_STREQ(rf.info->name, "evt.arg");
  EXPECT_EQ(rf.arg, "flags");
  ASSERT_TRUE(reg.Resolve("fd.cip.name", false, "", &rf));
  EXPECT_STREQ(rf.info->name, "fd.cip.name");
  EXPECT_FALSE(rf.has_arg);
  ASSERT_TRUE(reg.Resolve("container.label.app", false, "", &rf));
  EXPECT_STREQ(rf.info->name, "container.label");
  EXPECT_FALSE(reg.Resolve("proc.name.x", false, "", &rf));
}

TEST(EventTypeTable, Codes) {
  EventTypeTable t;
  EventTypeCode c = t.Code("openat");
  ASSERT_NE(c, EventTypeTable::kUnknown);
  EXPECT_EQ(t.Name(c), "openat");
  EXPECT_EQ(t.Code("bogus"), EventTypeTable::kUnknown);
  EXPECT_LT(t.size(), kMaxEventTypes);
}

}  // namespace
}  // namespace saker::rules
