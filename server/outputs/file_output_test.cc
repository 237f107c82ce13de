#include "server/outputs/file_output.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/outputs/stdout_output.h"
#include "server/outputs/test_util.h"

namespace saker::outputs {
namespace {

using testing::FileExists;
using testing::MakeAlert;
using testing::ReadFile;
using testing::ReadLines;

TEST(FileOutputTest, TextAndJsonLines) {
  std::string dir = testing::NewTempDir();
  FileOutput text({.filename = dir + "/text.txt"});
  FileOutput json({.filename = dir + "/json.txt", .json = true});
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(text.Write(MakeAlert("r", i)).ok());
    ASSERT_TRUE(json.Write(MakeAlert("r", i)).ok());
  }
  std::vector<std::string> t = ReadLines(dir + "/text.txt");
  std::vector<std::string> j = ReadLines(dir + "/json.txt");
  ASSERT_EQ(t.size(), 3u);
  ASSERT_EQ(j.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(t[i], MakeAlert("r", i).text);
    EXPECT_EQ(j[i], MakeAlert("r", i).json);
  }
  EXPECT_EQ(text.Counters().sent, 3u);
  EXPECT_EQ(text.Counters().failed, 0u);
}

TEST(FileOutputTest, RotatesBySizeKeepingN) {
  std::string dir = testing::NewTempDir();
  std::string f = dir + "/alerts.log";
  size_t line = MakeAlert("r", 10).text.size() + 1;  // every alert 10..29: same length
  FileOutput out({.filename = f, .keep_alive = true, .max_bytes = 3 * line, .keep = 2});
  for (int i = 10; i < 20; ++i) {
    ASSERT_TRUE(out.Write(MakeAlert("r", i)).ok());
  }
  // 10 lines, 3 a file: f.2 = 13..15, f.1 = 16..18, f = 19; 10..12 rotated out.
  EXPECT_FALSE(FileExists(f + ".3"));
  std::vector<std::string> two = ReadLines(f + ".2");
  std::vector<std::string> one = ReadLines(f + ".1");
  std::vector<std::string> cur = ReadLines(f);
  ASSERT_EQ(two.size(), 3u);
  ASSERT_EQ(one.size(), 3u);
  ASSERT_EQ(cur.size(), 1u);
  EXPECT_EQ(two[0], MakeAlert("r", 13).text);
  EXPECT_EQ(one[2], MakeAlert("r", 18).text);
  EXPECT_EQ(cur[0], MakeAlert("r", 19).text);
  EXPECT_EQ(ReadFile(f + ".1").size(), 3 * line);
  EXPECT_EQ(out.Counters().sent, 10u);
}

TEST(FileOutputTest, RotationWithKeepZeroTruncates) {
  std::string dir = testing::NewTempDir();
  std::string f = dir + "/alerts.log";
  size_t line = MakeAlert("r", 10).text.size() + 1;
  FileOutput out({.filename = f, .max_bytes = 2 * line, .keep = 0});
  for (int i = 10; i < 15; ++i) {
    ASSERT_TRUE(out.Write(MakeAlert("r", i)).ok());
  }
  EXPECT_FALSE(FileExists(f + ".1"));
  std::vector<std::string> cur = ReadLines(f);
  ASSERT_EQ(cur.size(), 1u);
  EXPECT_EQ(cur[0], MakeAlert("r", 14).text);
}

TEST(FileOutputTest, RotationCountsExistingSize) {
  std::string dir = testing::NewTempDir();
  std::string f = dir + "/alerts.log";
  size_t line = MakeAlert("r", 10).text.size() + 1;
  {
    FileOutput first({.filename = f, .keep_alive = true});
    ASSERT_TRUE(first.Write(MakeAlert("r", 10)).ok());
    ASSERT_TRUE(first.Write(MakeAlert("r", 11)).ok());
  }
  FileOutput out({.filename = f, .max_bytes = 2 * line, .keep = 1});
  ASSERT_TRUE(out.Write(MakeAlert("r", 12)).ok());
  EXPECT_EQ(ReadLines(f + ".1").size(), 2u);
  EXPECT_EQ(ReadLines(f), std::vector<std::string>{MakeAlert("r", 12).text});
}

TEST(FileOutputTest, KeepAliveOffReopensEveryAlert) {
  std::string dir = testing::NewTempDir();
  std::string f = dir + "/alerts.log";
  FileOutput out({.filename = f, .keep_alive = false});
  ASSERT_TRUE(out.Write(MakeAlert("r", 1)).ok());
  // logrotate moves the file away: the next alert creates a new one.
  ASSERT_EQ(rename(f.c_str(), (f + ".moved").c_str()), 0);
  ASSERT_TRUE(out.Write(MakeAlert("r", 2)).ok());
  EXPECT_EQ(ReadLines(f + ".moved"), std::vector<std::string>{MakeAlert("r", 1).text});
  EXPECT_EQ(ReadLines(f), std::vector<std::string>{MakeAlert("r", 2).text});
}

TEST(FileOutputTest, KeepAliveOnWritesToOpenFileUntilReopen) {
  std::string dir = testing::NewTempDir();
  std::string f = dir + "/alerts.log";
  FileOutput out({.filename = f, .keep_alive = true});
  ASSERT_TRUE(out.Write(MakeAlert("r", 1)).ok());
  ASSERT_EQ(rename(f.c_str(), (f + ".moved").c_str()), 0);
  ASSERT_TRUE(out.Write(MakeAlert("r", 2)).ok());
  EXPECT_FALSE(FileExists(f));
  EXPECT_EQ(ReadLines(f + ".moved").size(), 2u);
  ASSERT_TRUE(out.Reopen().ok());
  ASSERT_TRUE(out.Write(MakeAlert("r", 3)).ok());
  EXPECT_EQ(ReadLines(f), std::vector<std::string>{MakeAlert("r", 3).text});
}

TEST(FileOutputTest, WriteErrorIsCountedAndNamesTheFile) {
  std::string dir = testing::NewTempDir();
  std::string f = dir + "/missing-dir/alerts.log";
  FileOutput out({.filename = f});
  absl::Status s = out.Write(MakeAlert("r", 1));
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(f), std::string::npos) << s;
  EXPECT_EQ(out.Counters().failed, 1u);
  EXPECT_EQ(out.Counters().sent, 0u);
}

TEST(StdoutOutputTest, TextAndJsonLinesFlushed) {
  std::string dir = testing::NewTempDir();
  FILE* t = fopen((dir + "/t").c_str(), "w");
  FILE* j = fopen((dir + "/j").c_str(), "w");
  StdoutOutput text(t, false);
  StdoutOutput json(j, true);
  ASSERT_TRUE(text.Write(MakeAlert("r", 1)).ok());
  ASSERT_TRUE(json.Write(MakeAlert("r", 1)).ok());
  // Flushed: readable before fclose.
  EXPECT_EQ(ReadFile(dir + "/t"), MakeAlert("r", 1).text + "\n");
  EXPECT_EQ(ReadFile(dir + "/j"), MakeAlert("r", 1).json + "\n");
  EXPECT_EQ(text.Counters().sent, 1u);
  fclose(t);
  fclose(j);
}

TEST(StdoutOutputTest, WriteErrorCounted) {
  FILE* full = fopen("/dev/full", "w");
  ASSERT_NE(full, nullptr);
  StdoutOutput out(full, false);
  EXPECT_FALSE(out.Write(MakeAlert("r", 1)).ok());
  EXPECT_EQ(out.Counters().failed, 1u);
  fclose(full);
}

}  // namespace
}  // namespace saker::outputs
