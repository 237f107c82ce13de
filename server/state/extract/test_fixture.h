// A state + extractor over a small seeded process tree, and a helper that
// extracts a field by its text ("proc.aname[2]") as strings.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/rules/compiler/extractor.h"
#include "server/rules/compiler/field_registry.h"
#include "server/state/extract/extractor.h"
#include "server/state/testing/event_builder.h"

namespace saker::state {

class FakeContainers : public ContainerMetadataSource {
 public:
  absl::StatusOr<ContainerInfo> Lookup(ContainerRuntime, absl::string_view id) override {
    if (id != "3ad7b26ded6d") {
      return absl::NotFoundError("unknown");
    }
    ContainerInfo c;
    c.id = "3ad7b26ded6d";
    c.name = "web";
    c.image = "docker.io/library/nginx:1.25";
    SplitImage(c.image, &c);
    c.has_privileged = true;
    c.privileged = true;
    c.mounts.push_back({"/proc", "/host/proc", "", false, "rprivate"});
    c.labels["io.kubernetes.pod.namespace"] = "prod";
    return c;
  }
};

inline const char kCid[] = "3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601e";

class ExtractorFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string root = absl::StrCat(getenv("TEST_TMPDIR"), "/root");
    ASSERT_EQ(system(("mkdir -p " + root + "/etc").c_str()), 0);
    std::ofstream(root + "/etc/passwd") << "root:x:0:0:root:/root:/bin/bash\n"
                                           "alice:x:1000:1000::/home/alice:/bin/zsh\n";
    std::ofstream(root + "/etc/group") << "root:x:0:\nalice:x:1000:\n";
    UserDbOptions uo;
    uo.host_root = root;
    uo.container_tables = false;
    users_ = std::make_unique<UserDb>(uo);
    ContainerRegistryOptions co;
    co.synchronous = true;
    containers_ = std::make_unique<ContainerRegistry>(std::make_unique<FakeContainers>(), co);
    table_.Seed(Snapshot());
    ExtractorOptions eo;
    eo.hostname = "node1";
    eo.boot_time_ns = 1700000000LL * 1000000000LL;
    eo.utc = true;
    extractor_ = std::make_unique<StateExtractor>(&updater_, users_.get(), containers_.get(), eo);
  }

  static capture::ProcessInfo Proc(uint32_t pid, uint32_t ppid, const std::string& comm,
                                   std::vector<std::string> argv) {
    capture::ProcessInfo p;
    p.pid = p.vpid = pid;
    p.ppid = ppid;
    p.comm = comm;
    p.exepath = "/usr/bin/" + comm;
    p.argv = std::move(argv);
    p.cwd = "/home/alice";
    p.session = 100;
    p.pgid = pid;
    p.loginuid = 1000;
    p.tty = 34816;
    p.start_time_ns = 1000;
    p.creds.uid = p.creds.euid = 1000;
    p.creds.gid = p.creds.egid = 1000;
    capture::ThreadInfo t;
    t.tid = pid;
    t.creds = p.creds;
    p.threads.push_back(t);
    return p;
  }

  static capture::ProcSnapshot Snapshot() {
    capture::ProcSnapshot s;
    s.processes.push_back(Proc(1, 0, "systemd", {"/sbin/init"}));
    s.processes.push_back(Proc(100, 1, "sshd", {"sshd:", "alice"}));
    s.processes.push_back(Proc(200, 100, "bash", {"-bash"}));
    capture::ProcessInfo nginx = Proc(300, 1, "nginx", {"nginx", "-g", "daemon off;"});
    nginx.cgroups = {std::string("0::/system.slice/docker-") + kCid + ".scope"};
    s.processes.push_back(nginx);
    return s;
  }

  // Applies `ev` and points the extractor at it.
  void Apply(testing::OwnedEvent ev) {
    events_.push_back(std::make_unique<testing::OwnedEvent>(std::move(ev)));
    extractor_->SetEvent(updater_.Apply(++num_, events_.back()->view()));
  }

  // The values of `text` ("proc.aname[2]", "evt.arg.flags"); nullopt when
  // not extractable.
  std::optional<std::vector<std::string>> Get(const std::string& text) {
    std::string name = text;
    std::string arg;
    bool bracket = false;
    if (size_t b = text.find('['); b != std::string::npos) {
      name = text.substr(0, b);
      arg = text.substr(b + 1, text.size() - b - 2);
      bracket = true;
    }
    rules::ResolvedField rf;
    if (!registry_.Resolve(name, bracket, arg, &rf)) {
      ADD_FAILURE() << "unknown field " << text;
      return std::nullopt;
    }
    auto ref = std::make_unique<rules::FieldRef>();
    ref->field = rf.info;
    ref->field_id = rf.id;
    ref->has_arg = rf.has_arg;
    ref->arg = rf.arg;
    int64_t idx = -1;
    if (rf.has_arg && !rf.arg.empty() &&
        rf.arg.find_first_not_of("0123456789") == std::string::npos) {
      idx = std::stoll(rf.arg);
    }
    ref->arg_index = idx;
    ref->all_ancestors = rf.info->Has(rules::FieldFlag::kAnyAncestor) && !rf.has_arg;
    ref->both_endpoints = rf.info->Has(rules::FieldFlag::kEitherEndpoint);
    refs_.push_back(std::move(ref));
    values_.Clear();
    if (!extractor_->Extract(*refs_.back(), &values_)) {
      return std::nullopt;
    }
    std::vector<std::string> out;
    for (size_t i = 0; i < values_.size(); ++i) {
      const rules::FieldValue& v = values_[i];
      switch (v.kind) {
        case rules::ValueKind::kString: out.emplace_back(v.str); break;
        case rules::ValueKind::kInt: out.push_back(std::to_string(v.i)); break;
        case rules::ValueKind::kUint: out.push_back(std::to_string(v.u)); break;
        case rules::ValueKind::kBool: out.push_back(v.u ? "true" : "false"); break;
        case rules::ValueKind::kDouble: out.push_back(std::to_string(v.d)); break;
        case rules::ValueKind::kIp: {
          std::string s;
          if (v.ip.v6) {
            uint8_t b[16];
            std::memcpy(b, v.ip.bytes, 16);
            AppendIp(b, true, &s);
          } else {
            uint8_t b[16] = {v.ip.bytes[12], v.ip.bytes[13], v.ip.bytes[14], v.ip.bytes[15]};
            AppendIp(b, false, &s);
          }
          out.push_back(s);
          break;
        }
      }
    }
    return out;
  }

  std::string One(const std::string& text) {
    auto v = Get(text);
    if (!v) {
      return "<NA>";
    }
    std::string s;
    for (size_t i = 0; i < v->size(); ++i) {
      absl::StrAppend(&s, i ? " " : "", (*v)[i]);
    }
    return s;
  }

  testing::EventBuilder Ev(uint16_t sc, uint32_t pid = 200) {
    return std::move(testing::EventBuilder(sc).Thread(pid, pid, pid == 300 ? 1 : 100)
                         .Creds(1000, 1000, 1000, 1000).Ts(2000000000));
  }

  rules::FieldRegistry registry_;
  ProcessTable table_;
  StateUpdater updater_{&table_};
  std::unique_ptr<UserDb> users_;
  std::unique_ptr<ContainerRegistry> containers_;
  std::unique_ptr<StateExtractor> extractor_;
  std::vector<std::unique_ptr<testing::OwnedEvent>> events_;
  std::vector<std::unique_ptr<rules::FieldRef>> refs_;
  rules::FieldValues values_;
  uint64_t num_ = 0;
};

}  // namespace saker::state
