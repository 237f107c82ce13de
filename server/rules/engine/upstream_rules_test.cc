// Falco's upstream rule files load unmodified (alone and together), every
// rule compiles, and the event-type index matches the spec's oracle
// (shared/spec/data/rules_index.tsv). Files are read from the shared/
// directory ($SAKER_SHARED, or a sibling of the workspace); the tests skip,
// naming the missing file, when it is absent.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "server/rules/common/shared_dir.h"
#include "server/rules/compiler/test_extractor.h"
#include "server/rules/engine/engine.h"

namespace saker::rules {
namespace {

const char* kFiles[] = {"falco_rules.yaml", "falco-incubating_rules.yaml",
                        "falco-sandbox_rules.yaml"};

class UpstreamRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Every file the tests read, from outside the repository: without one,
    // skip and say which is missing and how to provide it.
    for (const char* f : kFiles) {
      absl::StatusOr<std::string> path = LocateSharedFile(absl::StrCat("compat/falco-rules/", f));
      if (!path.ok()) {
        GTEST_SKIP() << path.status().message();
      }
      paths_[f] = *path;
    }
    absl::StatusOr<std::string> index = LocateSharedFile("spec/data/rules_index.tsv");
    if (!index.ok()) {
      GTEST_SKIP() << index.status().message();
    }
    index_ = *index;
  }
  std::string Path(const char* f) const { return paths_.at(f); }

  std::map<std::string, std::string> paths_;
  std::string index_;
};

struct Expected {
  std::string file;
  std::string priority;
  bool enabled;
  std::string evttypes;
  std::vector<std::string> fields;
};

std::map<std::string, Expected> ReadIndex(const std::string& path) {
  std::map<std::string, Expected> out;
  auto text = ReadWholeFile(path);
  if (!text) {
    return out;
  }
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    if (line.empty() || line[0] == '#' || absl::StartsWith(line, "file\t")) {
      continue;
    }
    std::vector<std::string> cols = absl::StrSplit(line, '\t');
    if (cols.size() < 6) {
      continue;
    }
    Expected e{cols[0], cols[2], cols[3] == "True", cols[4],
               absl::StrSplit(cols[5], ',', absl::SkipEmpty())};
    out[cols[1]] = e;
  }
  return out;
}

TEST_F(UpstreamRulesTest, EachFileLoadsAlone) {
  struct Count {
    size_t rules, enabled, macros, lists, items;
  };
  const Count kCounts[] = {{25, 25, 87, 49, 375}, {31, 31, 82, 54, 448}, {37, 25, 183, 60, 496}};
  for (int i = 0; i < 3; ++i) {
    Engine engine;
    Diagnostic err;
    absl::Status st = engine.LoadFiles({Path(kFiles[i])}, &err);
    ASSERT_TRUE(st.ok()) << kFiles[i] << ": " << st;
    const LoadSummary& s = engine.summary();
    EXPECT_EQ(s.rules, kCounts[i].rules) << kFiles[i];
    EXPECT_EQ(s.enabled_rules, kCounts[i].enabled) << kFiles[i];
    EXPECT_EQ(s.macros, kCounts[i].macros) << kFiles[i];
    EXPECT_EQ(s.lists, kCounts[i].lists) << kFiles[i];
    for (const Diagnostic& w : s.warnings) {
      // All macros and lists in the upstream files are used.
      EXPECT_NE(w.code, "LOAD_UNUSED_MACRO") << w.ToString();
      EXPECT_NE(w.code, "LOAD_UNUSED_LIST") << w.ToString();
      EXPECT_NE(w.code, "LOAD_UNKNOWN_KEY") << w.ToString();
    }
  }
}

TEST_F(UpstreamRulesTest, AllThreeTogetherAndIndexMatchesOracle) {
  Engine engine;
  absl::Status st = engine.LoadFiles({Path(kFiles[0]), Path(kFiles[1]), Path(kFiles[2])});
  ASSERT_TRUE(st.ok()) << st;
  const LoadSummary& s = engine.summary();
  EXPECT_EQ(s.rules, 93u);
  EXPECT_EQ(s.enabled_rules, 81u);
  EXPECT_EQ(s.macros, 315u);
  EXPECT_EQ(s.lists, 118u);
  std::map<std::string, Expected> index = ReadIndex(index_);
  ASSERT_EQ(index.size(), 93u);
  for (const auto& [name, exp] : index) {
    const CompiledRule* r = engine.rule_set()->Find(name);
    ASSERT_NE(r, nullptr) << name;
    std::string got =
        "{" + absl::StrJoin(engine.event_types().Names(r->event_types()), ", ") + "}";
    EXPECT_EQ(got, exp.evttypes) << name;
    EXPECT_EQ(r->enabled(), exp.enabled) << name;
    EXPECT_EQ(absl::AsciiStrToUpper(PriorityName(r->priority())),
              exp.priority == "INFO" ? "INFORMATIONAL" : exp.priority)
        << name;
    for (const std::string& f : exp.fields) {
      EXPECT_NE(engine.fields().Find(f), nullptr) << "field " << f << " of " << name;
    }
  }
}

TEST_F(UpstreamRulesTest, EachFileAloneMatchesItsOracleRows) {
  std::map<std::string, Expected> index = ReadIndex(index_);
  ASSERT_EQ(index.size(), 93u);
  for (const char* file : kFiles) {
    Engine engine;
    ASSERT_TRUE(engine.LoadFiles({Path(file)}).ok()) << file;
    for (const auto& [name, exp] : index) {
      if (exp.file != file) {
        continue;
      }
      const CompiledRule* r = engine.rule_set()->Find(name);
      ASSERT_NE(r, nullptr) << name;
      std::string got =
          "{" + absl::StrJoin(engine.event_types().Names(r->event_types()), ", ") + "}";
      EXPECT_EQ(got, exp.evttypes) << file << ": " << name;
    }
  }
}

TEST_F(UpstreamRulesTest, StableRulesFireOnRealisticEvents) {
  Engine engine;
  ASSERT_TRUE(engine.LoadFiles({Path(kFiles[0])}).ok());
  MapExtractor ex;
  std::vector<const CompiledRule*> matches;
  // cat /etc/shadow from a shell in an ssh session.
  TestEvent ev;
  ev.Set("evt.is_open_read", "true").Set("fd.typechar", "f").Set("fd.num", "3");
  ev.Set("fd.name", "/etc/shadow").Set("fd.directory", "/etc").Set("proc.name", "cat");
  ev.Set("proc.pname", "bash").Set("proc.cmdline", "cat /etc/shadow").Set("evt.num", "7");
  ev.Set("proc.pcmdline", "bash").Set("proc.args", "/etc/shadow").Set("container.id", "host");
  ev.SetList("proc.aname", {"bash", "sshd", "systemd"});
  ev.Set("proc.aname[2]", "sshd");
  ex.SetEvent(&ev);
  EventTypeCode openat = engine.event_types().Code("openat");
  ASSERT_EQ(engine.Evaluate(openat, &ex, &matches), 1u);
  EXPECT_EQ(matches[0]->name(), "Read sensitive file untrusted");
  // Same event typed as execve: the open rules are not even run.
  EXPECT_EQ(engine.Evaluate(engine.event_types().Code("execve"), &ex, &matches), 0u);
}

}  // namespace
}  // namespace saker::rules
