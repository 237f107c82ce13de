// Per-value predicates the evaluator applies to extracted values: one
// compiled right-hand side each (string ops, sets, path prefixes, numbers,
// booleans, IPs, CIDRs, and the oneof/anyof/allof modifiers).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "server/rules/compiler/extractor.h"
#include "server/rules/compiler/values.h"

namespace re2 {
class RE2;
}

namespace saker::rules {

enum class CmpOp {
  kEq, kNe, kLt, kLe, kGt, kGe,
  kContains, kIContains, kStartsWith, kEndsWith, kGlob, kIGlob, kRegex,
  kBContains, kBStartsWith,
  kIn, kIntersects, kPmatch,
  kExists,
};

// "=" -> kEq ...; nullopt for an unknown operator.
std::optional<CmpOp> ParseCmpOp(absl::string_view op);
absl::string_view CmpOpName(CmpOp op);

class Matcher {
 public:
  virtual ~Matcher() = default;
  virtual bool Match(const FieldValue& v) = 0;
};

// fnmatch(3) over string_views (NUL-terminated copies in reused buffers).
class GlobPattern {
 public:
  GlobPattern(std::string pattern, bool casefold);
  bool Match(absl::string_view value);

 private:
  std::string pattern_;
  int flags_;
  std::string scratch_;
};

// pmatch: path-prefix match by components; set components may be globs.
class PathPrefixSet {
 public:
  void Add(absl::string_view path);
  bool Match(absl::string_view path);

 private:
  struct Node {
    absl::flat_hash_map<std::string, int> children;
    std::vector<std::pair<std::unique_ptr<GlobPattern>, int>> globs;
    bool terminal = false;
  };
  bool MatchFrom(int node, absl::string_view rest);
  std::vector<Node> nodes_ = std::vector<Node>(1);
};

// String operators on CHARBUF/BYTEBUF values (value given as text).
absl::StatusOr<std::unique_ptr<Matcher>> MakeStringMatcher(CmpOp op, const std::string& value);
// in / intersects over strings.
std::unique_ptr<Matcher> MakeStringSetMatcher(const std::vector<std::string>& values);
std::unique_ptr<Matcher> MakePmatchMatcher(const std::vector<std::string>& values);
// Numbers (signed/unsigned/double/port parsed per `type`); `in` sets too.
absl::StatusOr<std::unique_ptr<Matcher>> MakeNumericMatcher(CmpOp op, FieldType type,
                                                            const std::vector<std::string>& values);
absl::StatusOr<std::unique_ptr<Matcher>> MakeBoolMatcher(CmpOp op,
                                                         const std::vector<std::string>& values);
// IPADDR (= != in) and IPNET (CIDR membership).
absl::StatusOr<std::unique_ptr<Matcher>> MakeIpMatcher(CmpOp op, FieldType type,
                                                       const std::vector<std::string>& values);
// `op oneof|anyof|allof (list)`.
std::unique_ptr<Matcher> MakeModifierMatcher(std::string modifier,
                                             std::vector<std::unique_ptr<Matcher>> per_item);
// DYN (evt.rawarg): numeric when both sides are numbers, else text.
absl::StatusOr<std::unique_ptr<Matcher>> MakeDynMatcher(CmpOp op,
                                                        const std::vector<std::string>& values);

// Compares two extracted values (field-to-field); `type` is the LHS type.
bool CompareValues(CmpOp op, FieldType type, const FieldValue& lhs, const FieldValue& rhs,
                   std::string* scratch_a, std::string* scratch_b);

}  // namespace saker::rules
