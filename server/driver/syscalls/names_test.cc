#include "server/driver/syscalls/names.h"

#include <string.h>

#include <string>

#include "gtest/gtest.h"

namespace saker::syscalls {
namespace {

TEST(NamesTest, ErrnoNamesMatchTheCLibrary) {
  for (int e = 1; e < 134; ++e) {
    const char* libc = strerrorname_np(e);
    if (libc == nullptr || std::string(libc) == "EDEADLOCK") {
      continue;
    }
    EXPECT_EQ(ErrnoName(e), libc) << e;
  }
  EXPECT_EQ(ErrnoName(0), "");
  EXPECT_EQ(ErrnoName(100000), "");
}

TEST(NamesTest, FlagsWithLeftoverBits) {
  std::string out;
  AppendFlagsJson(kUmountFlags, 2 | 0x100, &out);
  EXPECT_EQ(out, R"("MNT_DETACH|0x100")");
  out.clear();
  AppendFlagsJson(kUmountFlags, 0, &out);
  EXPECT_EQ(out, R"("0")");
}

TEST(NamesTest, OpenFlagsNameCompositesOnce) {
  std::string out;
  AppendOpenFlagsJson(020200000 | 2, &out);  // O_TMPFILE | O_RDWR
  EXPECT_EQ(out, R"("O_RDWR|O_TMPFILE")");
  out.clear();
  AppendOpenFlagsJson(04010000, &out);  // O_SYNC
  EXPECT_EQ(out, R"("O_RDONLY|O_SYNC")");
}

TEST(NamesTest, EnumsAndModes) {
  std::string out;
  AppendEnumJson(kPtraceRequests, 0x4206, &out);
  AppendEnumJson(kPtraceRequests, 0x9999, &out);
  AppendModeJson(0644, &out);
  AppendSocketTypeJson(2 | 04000, &out);
  EXPECT_EQ(out, R"("PTRACE_SEIZE"39321"0644""SOCK_DGRAM|SOCK_NONBLOCK")");
}

}  // namespace
}  // namespace saker::syscalls
