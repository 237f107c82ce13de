#include "server/state/users.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"

namespace saker::state {
namespace {

void Write(const std::string& path, const std::string& text) {
  std::string cmd = "mkdir -p '" + path.substr(0, path.rfind('/')) + "'";
  ASSERT_EQ(system(cmd.c_str()), 0);
  std::ofstream(path) << text;
}

class UsersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = absl::StrCat(getenv("TEST_TMPDIR"), "/users");
    Write(base_ + "/host/etc/passwd",
          "root:x:0:0:root:/root:/bin/bash\n# comment\nalice:x:1000:1000::/home/alice:/bin/zsh\n");
    Write(base_ + "/host/etc/group", "root:x:0:\nstaff:x:50:alice\n");
    // A container's own files, under PROC/<pid>/root.
    Write(base_ + "/proc/42/root/etc/passwd", "root:x:0:0::/root:/bin/sh\nnginx:x:101:101::/:/sbin/nologin\n");
    Write(base_ + "/proc/42/root/etc/group", "nginx:x:101:\n");
    options_.host_root = base_ + "/host";
    options_.proc_root = base_ + "/proc";
    options_.clock = [this] { return now_; };
  }
  std::string base_;
  UserDbOptions options_;
  absl::Time now_ = absl::FromUnixSeconds(1000);
};

TEST_F(UsersTest, HostTables) {
  UserDb db(options_);
  const UserInfo* u = db.FindUser(1000);
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->name, "alice");
  EXPECT_EQ(u->homedir, "/home/alice");
  EXPECT_EQ(u->shell, "/bin/zsh");
  ASSERT_NE(db.FindGroup(50), nullptr);
  EXPECT_EQ(*db.FindGroup(50), "staff");
  EXPECT_EQ(db.FindUser(4242), nullptr);
}

TEST_F(UsersTest, ContainerTablesAndHostFallback) {
  UserDb db(options_);
  ASSERT_NE(db.FindUser(101, "3ad7b26ded6d", 42), nullptr);
  EXPECT_EQ(db.FindUser(101, "3ad7b26ded6d", 42)->name, "nginx");
  EXPECT_EQ(db.FindUser(1000, "3ad7b26ded6d", 42), nullptr);  // the container's own table
  EXPECT_EQ(*db.FindGroup(101, "3ad7b26ded6d", 42), "nginx");
  // No /etc/passwd in that container's root: the host's.
  EXPECT_EQ(db.FindUser(1000, "aaaaaaaaaaaa", 43)->name, "alice");
}

TEST_F(UsersTest, RefreshOnMissIsRateLimited) {
  UserDb db(options_);
  EXPECT_EQ(db.FindUser(2000), nullptr);
  Write(base_ + "/host/etc/passwd", "root:x:0:0::/root:/bin/sh\nbob:x:2000:2000::/home/bob:/bin/sh\n");
  now_ += absl::Seconds(1);
  EXPECT_EQ(db.FindUser(2000), nullptr);  // within the interval: no reload
  now_ += absl::Seconds(30);
  ASSERT_NE(db.FindUser(2000), nullptr);
  EXPECT_EQ(db.FindUser(2000)->name, "bob");
}

}  // namespace
}  // namespace saker::state
