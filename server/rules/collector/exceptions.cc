// Exceptions -> condition text (spec §2.4.1, build_rule_exception_infos).
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/rules/collector/collector.h"

namespace saker::rules {
namespace {

bool IsListComp(const std::string& comp) {
  return comp == "in" || comp == "intersects" || comp == "pmatch" ||
         comp.find(' ') != std::string::npos;  // "op modifier", e.g. "startswith anyof"
}

bool IsValidComp(const std::string& comp) {
  static const char* kOps[] = {"=",         "==",        "!=",         "<",
                               "<=",        ">",         ">=",         "contains",
                               "icontains", "startswith", "endswith",  "glob",
                               "iglob",     "regex",     "bcontains",  "bstartswith",
                               "in",        "intersects", "pmatch"};
  std::string op = comp.substr(0, comp.find(' '));
  if (comp.find(' ') != std::string::npos) {
    std::string mod = comp.substr(comp.find(' ') + 1);
    if (mod != "oneof" && mod != "anyof" && mod != "allof") {
      return false;
    }
  }
  for (const char* k : kOps) {
    if (op == k) {
      return true;
    }
  }
  return false;
}

std::string Quote(const std::string& v) {
  bool quoted = !v.empty() && (v[0] == '"' || v[0] == '\'');
  if (v.find(' ') == std::string::npos || quoted) {
    return v;
  }
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string RenderList(const std::vector<std::string>& items) {
  std::vector<std::string> q;
  for (const std::string& i : items) {
    q.push_back(Quote(i));
  }
  return absl::StrCat("(", absl::StrJoin(q, ", "), ")");
}

std::string RenderValue(const ExceptionValue& v, const std::string& comp) {
  if (v.is_list) {
    return RenderList(v.items);
  }
  const std::string& s = v.items.empty() ? std::string() : v.items[0];
  if (IsListComp(comp)) {
    return absl::StrCat("(", Quote(s), ")");
  }
  return Quote(s);
}

absl::StatusOr<std::string> ExceptionCondition(const ExceptionDef& ex, Position* error_pos) {
  auto fail = [&](const std::string& msg) {
    *error_pos = ex.pos;
    return absl::InvalidArgumentError(absl::StrCat("Exception '", ex.name, "': ", msg));
  };
  if (!ex.has_fields || ex.fields.empty()) {
    return fail("no mapping for key 'fields'");
  }
  if (!ex.fields_is_list) {
    std::string comp = ex.has_comps && !ex.comps.empty() ? ex.comps[0] : "in";
    if (!IsListComp(comp) || !IsValidComp(comp)) {
      return fail(absl::StrCat("comps must be one of in, pmatch, intersects or an 'op modifier' "
                               "when fields is a single field, not '", comp, "'"));
    }
    std::vector<std::string> items;
    for (const auto& row : ex.values) {
      for (const ExceptionValue& v : row) {
        items.insert(items.end(), v.items.begin(), v.items.end());
      }
    }
    return absl::StrCat("(", ex.fields[0], " ", comp, " ", RenderList(items), ")");
  }
  std::vector<std::string> comps = ex.comps;
  if (!ex.has_comps) {
    comps.assign(ex.fields.size(), "=");
  }
  if (comps.size() != ex.fields.size()) {
    return fail("fields and comps lists must have equal length");
  }
  for (const std::string& c : comps) {
    if (!IsValidComp(c)) {
      return fail(absl::StrCat("invalid comparison operator '", c, "'"));
    }
  }
  std::vector<std::string> groups;
  for (const auto& row : ex.values) {
    if (row.size() != ex.fields.size()) {
      return fail("fields and values lists must have equal length");
    }
    std::vector<std::string> terms;
    for (size_t i = 0; i < row.size(); ++i) {
      terms.push_back(absl::StrCat(ex.fields[i], " ", comps[i], " ", RenderValue(row[i], comps[i])));
    }
    groups.push_back(absl::StrCat("(", absl::StrJoin(terms, " and "), ")"));
  }
  return absl::StrCat("(", absl::StrJoin(groups, " or "), ")");
}

}  // namespace

absl::StatusOr<SourceText> BuildConditionWithExceptions(const RuleInfo& rule,
                                                        Position* error_pos) {
  bool any = false;
  for (const ExceptionDef& ex : rule.exceptions) {
    any = any || !ex.values.empty();
  }
  if (!any) {
    for (const ExceptionDef& ex : rule.exceptions) {
      auto c = ExceptionCondition(ex, error_pos);  // still validate
      if (!c.ok()) {
        return c.status();
      }
    }
    return rule.condition;
  }
  Position start = rule.condition.empty() ? rule.pos : rule.condition.Locate(0);
  SourceText out = SourceText::Synthetic("(", start);
  out.Append(rule.condition);
  out.AppendSynthetic(")", rule.condition.Locate(rule.condition.size()));
  for (const ExceptionDef& ex : rule.exceptions) {
    auto c = ExceptionCondition(ex, error_pos);
    if (!c.ok()) {
      return c.status();
    }
    if (ex.values.empty()) {
      continue;
    }
    out.AppendSynthetic(absl::StrCat(" and not ", *c), ex.pos);
  }
  return out;
}

}  // namespace saker::rules
