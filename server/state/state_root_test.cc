// The state and extractor on live events from the real probe: a child opens
// a file, connects a socket and execs; the fields describe it as Falco would.
// Root: loads the probe.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>

#include "absl/strings/str_split.h"
#include "server/capture/proc_snapshot.h"
#include "server/driver/driver.h"
#include "server/driver/syscalls/syscall_table.h"
#include "server/rules/compiler/field_registry.h"
#include "server/state/extract/extractor.h"
#include "server/state/updater.h"

namespace saker::state {
namespace {

const char* const kFields[] = {"proc.name", "proc.pname", "proc.cmdline", "proc.exepath",
                               "fd.name", "fd.sip", "fd.sport", "fd.typechar", "user.uid"};

// Records, for each event of one process, the fields above.
class Collector : public StatefulEventSink {
 public:
  explicit Collector(pid_t pid) : pid_(pid) {
    for (const char* name : kFields) {
      rules::ResolvedField rf;
      EXPECT_TRUE(registry_.Resolve(name, false, "", &rf));
      auto ref = std::make_unique<rules::FieldRef>();
      ref->field = rf.info;
      ref->field_id = rf.id;
      refs_.push_back(std::move(ref));
    }
  }

  void set_extractor(StateExtractor* ex) { ex_ = ex; }

  void OnStatefulEvent(const EventContext& ctx) override {
    if (ctx.event->hdr().pid != static_cast<uint32_t>(pid_)) {
      return;
    }
    ex_->SetEvent(ctx);
    std::map<std::string, std::string> row;
    row["evt.type"] = std::string(EventTypeName(*ctx.event));
    row["evt.rawres"] = std::to_string(ctx.event->ret());
    for (const auto& ref : refs_) {
      values_.Clear();
      if (!ex_->Extract(*ref, &values_) || values_.empty()) {
        row[std::string(ref->name())] = "<NA>";
        continue;
      }
      const rules::FieldValue& v = values_[0];
      std::string s;
      if (v.kind == rules::ValueKind::kString) {
        s = std::string(v.str);
      } else if (v.kind == rules::ValueKind::kIp) {
        char buf[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, v.ip.bytes + 12, buf, sizeof(buf));
        s = buf;
      } else if (v.kind == rules::ValueKind::kInt) {
        s = std::to_string(v.i);
      } else {
        s = std::to_string(v.u);
      }
      row[std::string(ref->name())] = s;
    }
    rows.push_back(row);
  }

  std::vector<std::map<std::string, std::string>> rows;

 private:
  StateExtractor* ex_ = nullptr;
  pid_t pid_;
  rules::FieldRegistry registry_;
  std::vector<std::unique_ptr<rules::FieldRef>> refs_;
  rules::FieldValues values_;
};

const std::map<std::string, std::string>* Find(const Collector& c, const std::string& type,
                                               bool success = true) {
  for (const auto& row : c.rows) {
    if (row.at("evt.type") == type && (!success || std::stoll(row.at("evt.rawres")) >= 0)) {
      return &row;
    }
  }
  return nullptr;
}

std::string SelfComm() {
  std::ifstream in("/proc/self/comm");
  std::string s;
  std::getline(in, s);
  return s;
}

TEST(StateRootTest, OpenConnectExecOfAChild) {
  // A listener for the child to connect to.
  int srv = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(srv, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(srv, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(getsockname(srv, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ASSERT_EQ(listen(srv, 4), 0);
  const uint16_t port = ntohs(addr.sin_port);

  ProcessTable table;
  auto snap = capture::ReadProcSnapshot();
  ASSERT_TRUE(snap.ok()) << snap.status();
  table.Seed(*snap);

  driver::DriverOptions opts;
  opts.syscalls = {"clone", "clone3", "fork", "vfork", "execve", "openat", "socket",
                   "connect", "close", "procexit"};
  opts.exclude_self = false;
  auto d = driver::Driver::Open(opts);
  ASSERT_TRUE(d.ok()) << d.status();

  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    int fd = openat(AT_FDCWD, "/etc/hostname", O_RDONLY);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    (void)fd;
    execl("/bin/true", "true", "saker-root-test", static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  (*d)->Detach();

  Collector collector(child);
  ProcFsProcessSource proc;  // live: unknown processes from /proc
  StateUpdater updater(&table, &collector, &proc);
  StateExtractor ex(&updater, nullptr, nullptr);
  collector.set_extractor(&ex);
  ASSERT_TRUE((*d)->Drain(&updater).ok());
  close(srv);

  const std::string comm = SelfComm();
  const auto* open = Find(collector, "openat");
  ASSERT_NE(open, nullptr) << "no openat from the child";
  EXPECT_EQ(open->at("proc.name"), comm);
  EXPECT_EQ(open->at("proc.pname"), comm);
  EXPECT_EQ(open->at("fd.name"), "/etc/hostname");
  EXPECT_EQ(open->at("fd.typechar"), "f");

  const auto* conn = Find(collector, "connect");
  ASSERT_NE(conn, nullptr) << "no connect from the child";
  EXPECT_EQ(conn->at("fd.sip"), "127.0.0.1");
  EXPECT_EQ(conn->at("fd.sport"), std::to_string(port));
  EXPECT_EQ(conn->at("fd.typechar"), "4");

  const auto* exec = Find(collector, "execve");
  ASSERT_NE(exec, nullptr) << "no execve from the child";
  EXPECT_EQ(exec->at("proc.name"), "true");
  EXPECT_EQ(exec->at("proc.pname"), comm);
  EXPECT_EQ(exec->at("proc.cmdline"), "true saker-root-test");
  EXPECT_NE(exec->at("proc.exepath").find("true"), std::string::npos);
  EXPECT_EQ(exec->at("user.uid"), std::to_string(geteuid()));
}

}  // namespace
}  // namespace saker::state
