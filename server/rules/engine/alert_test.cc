// Golden tests for the text line and the JSON alert (spec §3.3).
#include "gtest/gtest.h"
#include "server/rules/compiler/test_extractor.h"
#include "server/rules/engine/engine.h"

namespace saker::rules {
namespace {

const char* kRule =
    "- rule: Read sensitive file untrusted\n  desc: d\n"
    "  condition: evt.type = openat and fd.name = /etc/shadow\n"
    "  output: Sensitive file opened for reading by non-trusted program | file=%fd.name "
    "gparent=%proc.aname[2] ggparent=%proc.aname[3] gggparent=%proc.aname[4] "
    "evt_type=%evt.type user=%user.name user_uid=%user.uid user_loginuid=%user.loginuid "
    "process=%proc.name proc_exepath=%proc.exepath parent=%proc.pname "
    "command=%proc.cmdline terminal=%proc.tty\n"
    "  priority: WARNING\n"
    "  tags: [maturity_stable, host, container, filesystem, mitre_credential_access, T1555]\n";

constexpr uint64_t kTs = 1718000011726060287ULL;  // 2024-06-10T06:13:31.726060287Z

TestEvent ShadowEvent() {
  TestEvent ev;
  ev.type = "openat";
  ev.Set("fd.name", "/etc/shadow").Set("proc.aname[2]", "sudo").Set("proc.aname[3]", "bash");
  ev.Set("proc.aname[4]", "sshd").Set("user.name", "root").Set("user.uid", "0");
  ev.Set("user.loginuid", "1000").Set("proc.name", "cat").Set("proc.exepath", "/usr/bin/cat");
  ev.Set("proc.pname", "bash").Set("proc.cmdline", "cat /etc/shadow").Set("proc.tty", "34816");
  ev.Set("container.id", "host").Set("container.name", "host");
  return ev;
}

EngineOptions Options() {
  EngineOptions o;
  o.alerts.hostname = "node1";
  o.alerts.time_zone = absl::UTCTimeZone();
  return o;
}

TEST(Alerts, TextLine) {
  Engine engine(Options());
  ASSERT_TRUE(engine.LoadContents({{"r.yaml", kRule}}).ok());
  TestEvent ev = ShadowEvent();
  MapExtractor ex;
  ex.SetEvent(&ev);
  const CompiledRule& r = *engine.rule_set()->rules()[0];
  EventTypeCode t = engine.event_types().Code("openat");
  EXPECT_EQ(engine.FormatTextAlert(r, t, kTs, &ex),
            "06:13:31.726060287: Warning Sensitive file opened for reading by non-trusted "
            "program | file=/etc/shadow gparent=sudo ggparent=bash gggparent=sshd "
            "evt_type=openat user=root user_uid=0 user_loginuid=1000 process=cat "
            "proc_exepath=/usr/bin/cat parent=bash command=cat /etc/shadow terminal=34816 "
            "container_id=host container_name=host");
}

TEST(Alerts, Json) {
  Engine engine(Options());
  ASSERT_TRUE(engine.LoadContents({{"r.yaml", kRule}}).ok());
  TestEvent ev = ShadowEvent();
  MapExtractor ex;
  ex.SetEvent(&ev);
  const CompiledRule& r = *engine.rule_set()->rules()[0];
  EventTypeCode t = engine.event_types().Code("openat");
  EXPECT_EQ(
      engine.FormatJsonAlert(r, t, kTs, &ex),
      "{\"hostname\":\"node1\",\"output\":\"06:13:31.726060287: Warning Sensitive file opened "
      "for reading by non-trusted program | file=/etc/shadow gparent=sudo ggparent=bash "
      "gggparent=sshd evt_type=openat user=root user_uid=0 user_loginuid=1000 process=cat "
      "proc_exepath=/usr/bin/cat parent=bash command=cat /etc/shadow terminal=34816 "
      "container_id=host container_name=host\",\"output_fields\":{\"container.id\":\"host\","
      "\"container.name\":\"host\",\"evt.time\":1718000011726060287,\"evt.type\":\"openat\","
      "\"fd.name\":\"/etc/shadow\",\"proc.aname[2]\":\"sudo\",\"proc.aname[3]\":\"bash\","
      "\"proc.aname[4]\":\"sshd\",\"proc.cmdline\":\"cat /etc/shadow\",\"proc.exepath\":"
      "\"/usr/bin/cat\",\"proc.name\":\"cat\",\"proc.pname\":\"bash\",\"proc.tty\":34816,"
      "\"user.loginuid\":1000,\"user.name\":\"root\",\"user.uid\":0},\"priority\":\"Warning\","
      "\"rule\":\"Read sensitive file untrusted\",\"source\":\"syscall\",\"tags\":[\"T1555\","
      "\"container\",\"filesystem\",\"host\",\"maturity_stable\",\"mitre_credential_access\"],"
      "\"time\":\"2024-06-10T06:13:31.726060287Z\"}");
}

TEST(Alerts, MissingValuesOptionsAndIso) {
  EngineOptions o = Options();
  o.alerts.time_format_iso_8601 = true;
  o.alerts.json_include_output_property = false;
  o.alerts.json_include_tags_property = false;
  o.suggested_output = false;
  Engine engine(o);
  std::string yaml =
      "- rule: R\n  desc: d\n  condition: evt.type = openat\n"
      "  output: \"n=%proc.name) f=%evt.arg.flags, a=%proc.aname p=%(proc.pname) "
      "w=[%5proc.name] t=%evt.time b=%evt.is_open_read\"\n  priority: ERROR\n";
  ASSERT_TRUE(engine.LoadContents({{"r.yaml", yaml}}).ok());
  TestEvent ev;
  ev.Set("proc.name", "cat").SetList("proc.aname", {"bash", "sshd"});
  ev.Set("evt.is_open_read", "true");
  MapExtractor ex;
  ex.SetEvent(&ev);
  const CompiledRule& r = *engine.rule_set()->rules()[0];
  EventTypeCode t = engine.event_types().Code("openat");
  EXPECT_EQ(engine.FormatTextAlert(r, t, kTs, &ex),
            "2024-06-10T06:13:31.726060287Z: Error n=cat) f=<NA>, a=bash sshd p=<NA> "
            "w=[cat  ] t=06:13:31.726060287 b=true");
  EXPECT_EQ(engine.FormatJsonAlert(r, t, kTs, &ex),
            "{\"hostname\":\"node1\",\"output_fields\":{\"evt.arg.flags\":null,"
            "\"evt.is_open_read\":true,\"evt.time\":1718000011726060287,"
            "\"evt.time.iso8601\":\"2024-06-10T06:13:31.726060287Z\",\"proc.aname\":\"bash sshd\","
            "\"proc.name\":\"cat\",\"proc.pname\":null},\"priority\":\"Error\",\"rule\":\"R\","
            "\"source\":\"syscall\",\"time\":\"2024-06-10T06:13:31.726060287Z\"}");
}

TEST(Alerts, BadOutputFormat) {
  Engine engine;
  std::string yaml = "- rule: R\n  desc: d\n  condition: evt.type = openat\n"
                     "  output: trailing %\n  priority: ERROR\n";
  absl::Status st = engine.LoadContents({{"r.yaml", yaml}});
  EXPECT_EQ(std::string(st.message()),
            "r.yaml:4:20: invalid formatting token: '% ' (rule \"R\")");
}

}  // namespace
}  // namespace saker::rules
