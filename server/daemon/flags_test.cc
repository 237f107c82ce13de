#include "server/daemon/flags.h"

#include <gtest/gtest.h>

namespace saker::daemon {
namespace {

TEST(FlagSetTest, ParsesValuesBoolsAliasesAndPositionals) {
  bool json = false;
  std::string path;
  uint64_t n = 0;
  FlagSet flags("capture");
  flags.Bool("--json", "", &json);
  flags.Value("--write", "-w", "", [&](absl::string_view v) {
    path = std::string(v);
    return absl::OkStatus();
  });
  flags.Value("--n", "", "", [&](absl::string_view v) { return ParseUint("--n", v, &n); });
  std::vector<std::string> pos;
  ASSERT_TRUE(flags.Parse({"--json", "-w", "a.scap", "--n=7", "file"}, &pos).ok());
  EXPECT_TRUE(json);
  EXPECT_EQ(path, "a.scap");
  EXPECT_EQ(n, 7u);
  EXPECT_EQ(pos, std::vector<std::string>{"file"});
}

TEST(FlagSetTest, StringsAndFlagsOnly) {
  std::string out;
  std::vector<std::string> many;
  FlagSet flags("run");
  flags.String("--out", "-o", "", &out);
  flags.Strings("--rules", "-r", "", &many);
  ASSERT_TRUE(flags.ParseFlagsOnly({"-o", "x", "-r", "a", "--rules=b"}).ok());
  EXPECT_EQ(out, "x");
  EXPECT_EQ(many, (std::vector<std::string>{"a", "b"}));
  auto st = flags.ParseFlagsOnly({"stray"});
  EXPECT_NE(st.message().find("run: unexpected argument \"stray\""), std::string::npos) << st;
}

TEST(FlagSetTest, ErrorsNameTheFlag) {
  uint64_t n = 0;
  FlagSet flags("capture");
  flags.Value("--n", "", "", [&](absl::string_view v) { return ParseUint("--n", v, &n); });
  std::vector<std::string> pos;
  auto st = flags.Parse({"--bogus"}, &pos);
  EXPECT_NE(st.message().find("unknown flag --bogus"), std::string::npos) << st;
  st = flags.Parse({"--n", "x"}, &pos);
  EXPECT_NE(st.message().find("--n expects a non-negative integer"), std::string::npos) << st;
  st = flags.Parse({"--n"}, &pos);
  EXPECT_NE(st.message().find("needs a value"), std::string::npos) << st;
}

}  // namespace
}  // namespace saker::daemon
