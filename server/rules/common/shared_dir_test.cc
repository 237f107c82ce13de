// LocateSharedFile: the path when the file is there, and otherwise a message
// naming the missing file and how to provide it.
#include "server/rules/common/shared_dir.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace saker::rules {
namespace {

constexpr char kRel[] = "compat/falco-rules/falco_rules.yaml";

class LocateSharedFileTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = std::string(std::getenv("TEST_TMPDIR")) + "/shared"; }
  void TearDown() override { ::unsetenv("SAKER_SHARED"); }

  std::string dir_;
};

TEST_F(LocateSharedFileTest, FoundInSakerShared) {
  ASSERT_EQ(::mkdir(dir_.c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((dir_ + "/compat").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((dir_ + "/compat/falco-rules").c_str(), 0755), 0);
  std::ofstream(dir_ + "/" + kRel) << "- list: l\n  items: []\n";
  ::setenv("SAKER_SHARED", dir_.c_str(), 1);
  absl::StatusOr<std::string> path = LocateSharedFile(kRel);
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(*path, dir_ + "/" + kRel);
}

TEST_F(LocateSharedFileTest, SakerSharedWithoutTheFileNamesIt) {
  ASSERT_EQ(::mkdir((dir_ + "-empty").c_str(), 0755), 0);
  ::setenv("SAKER_SHARED", (dir_ + "-empty").c_str(), 1);
  absl::StatusOr<std::string> path = LocateSharedFile(kRel);
  ASSERT_EQ(path.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(path.status().message(),
            dir_ + "-empty/" + kRel +
                " not found: set SAKER_SHARED to a directory holding Falco's rule files "
                "(compat/falco-rules/) and the spec data (spec/data/), or place that directory, "
                "named shared/, beside the clone");
}

TEST_F(LocateSharedFileTest, SakerSharedNotADirectory) {
  ::setenv("SAKER_SHARED", (dir_ + "-absent").c_str(), 1);
  absl::StatusOr<std::string> path = LocateSharedFile(kRel);
  ASSERT_EQ(path.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(path.status().message(),
            std::string(kRel) + " not found (SAKER_SHARED=" + dir_ +
                "-absent is not a directory): set SAKER_SHARED to a directory holding Falco's "
                "rule files (compat/falco-rules/) and the spec data (spec/data/), or place that "
                "directory, named shared/, beside the clone");
}

}  // namespace
}  // namespace saker::rules
