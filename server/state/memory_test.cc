// Memory of the state for 10,000 live processes with realistic contents
// (argv, env, cwd, cgroups, a dozen fds). Prints bytes per process: the
// figure in README.md. Run:
//   bazel test //server/state:memory_test --test_output=streamed
#include <gtest/gtest.h>
#include <malloc.h>
#include <sys/socket.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "server/state/process_table.h"

namespace saker::state {
namespace {

capture::ProcessInfo Realistic(uint32_t pid) {
  capture::ProcessInfo p;
  p.pid = pid;
  p.ppid = 1;
  p.comm = "python3";
  p.exe = p.exepath = "/usr/bin/python3.11";
  p.argv = {"python3", "-m", "gunicorn", "app:server", "--workers", "4", "--bind",
            absl::StrCat("0.0.0.0:", 8000 + pid % 100)};
  for (int i = 0; i < 20; ++i) {  // ~700 bytes of environment
    p.env.push_back(absl::StrCat("VARIABLE_NUMBER_", i, "=some/value/of/moderate/length"));
  }
  p.cwd = "/srv/app/current";
  p.cgroups = {"0::/system.slice/app.service"};
  capture::ThreadInfo t;
  t.tid = pid;
  p.threads.push_back(t);
  for (int fd = 0; fd < 12; ++fd) {
    capture::FdInfo f;
    f.fd = fd;
    if (fd < 8) {
      f.type = capture::FdType::kFile;
      f.target = absl::StrCat("/srv/app/current/lib/module_", fd, ".py");
    } else {
      f.type = capture::FdType::kSocket;
      f.has_tuple = true;
      f.tuple.family = AF_INET;
      f.tuple.proto = 6;
      f.tuple.saddr = std::string(4, '\x0a');
      f.tuple.daddr = std::string(4, '\x0b');
    }
    p.fds.push_back(f);
  }
  return p;
}

TEST(MemoryTest, TenThousandProcesses) {
  constexpr uint32_t kProcs = 10000;
  capture::ProcSnapshot snap;
  for (uint32_t i = 0; i < kProcs; ++i) {
    snap.processes.push_back(Realistic(1000 + i));
  }
  malloc_trim(0);
  size_t before = mallinfo2().uordblks;
  auto table = std::make_unique<ProcessTable>();
  table->Seed(snap);
  size_t after = mallinfo2().uordblks;
  ASSERT_EQ(table->process_count(), kProcs);
  double per = static_cast<double>(after - before) / kProcs;
  printf("state memory: %zu bytes for %u processes (1 thread, 12 fds, 8 args, 20 env vars "
         "each): %.0f bytes/process\n",
         after - before, kProcs, per);
  RecordProperty("bytes_per_process", static_cast<int>(per));
  EXPECT_LT(per, 16 * 1024) << "state grew unexpectedly";
}

}  // namespace
}  // namespace saker::state
