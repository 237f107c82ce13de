#include "server/state/paths.h"

#include <gtest/gtest.h>

namespace saker::state {
namespace {

std::string Resolve(absl::string_view base, absl::string_view path) {
  std::string out;
  ResolvePath(base, path, &out);
  return out;
}

TEST(PathsTest, ResolvesRelativeAndFoldsDots) {
  EXPECT_EQ(Resolve("/home/u", "a.txt"), "/home/u/a.txt");
  EXPECT_EQ(Resolve("/home/u", "../v/./b"), "/home/v/b");
  EXPECT_EQ(Resolve("/home/u", "/etc//passwd"), "/etc/passwd");
  EXPECT_EQ(Resolve("/", "../../x"), "/x");
  EXPECT_EQ(Resolve("/a/b", ""), "/a/b");
  EXPECT_EQ(Resolve("", "x"), "/x");
  EXPECT_EQ(Resolve("/a", "b/"), "/a/b");
}

TEST(PathsTest, DirectoryAndFilename) {
  EXPECT_EQ(PathDirectory("/etc/passwd"), "/etc");
  EXPECT_EQ(PathDirectory("/passwd"), "/");
  EXPECT_EQ(PathFilename("/etc/passwd"), "passwd");
  EXPECT_EQ(PathFilename("passwd"), "passwd");
}

}  // namespace
}  // namespace saker::state
